package io.backbeat.connect.ops.sites;

import io.backbeat.connect.ops.OpsException;
import org.apache.kafka.connect.health.ConnectClusterState;
import org.apache.kafka.connect.health.ConnectorHealth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which connectors replicate to which site. A destination site is one sink connector (DESIGN §1): a
 * connector of a replication class whose config names the site. Read from the live cluster state on
 * every call, so connectors added, renamed or deleted are seen at once.
 */
public final class SiteConnectors {

    private static final Logger log = LoggerFactory.getLogger(SiteConnectors.class);

    /** The site name meaning "every known site", as in Backbeat's routes. */
    public static final String ALL = "all";

    private final ConnectClusterState cluster;
    private final Set<String> classes;
    private final String siteKey;

    public SiteConnectors(ConnectClusterState cluster, Collection<String> connectorClasses, String siteKey) {
        this.cluster = cluster;
        this.classes = Set.copyOf(connectorClasses);
        this.siteKey = siteKey;
    }

    /** Site → its connectors' names, sites and names sorted. */
    public Map<String, List<String>> connectorsBySite() {
        Map<String, List<String>> bySite = new TreeMap<>();
        for (String name : cluster.connectors()) {
            Map<String, String> config;
            try {
                config = cluster.connectorConfig(name);
            } catch (RuntimeException e) {
                // deleted between the listing and this read, or the config is not readable yet: not a site now
                log.debug("Could not read the config of connector {}: {}", name, e.toString());
                continue;
            }
            if (config == null || !isSiteConnectorClass(config.get("connector.class"))) {
                continue;
            }
            String site = config.get(siteKey);
            if (site == null || site.isBlank()) {
                continue;
            }
            bySite.computeIfAbsent(site.trim(), s -> new ArrayList<>()).add(name);
        }
        bySite.values().forEach(names -> names.sort(String::compareTo));
        return bySite;
    }

    public List<String> sites() {
        return List.copyOf(connectorsBySite().keySet());
    }

    /**
     * The sites a route addresses: every site for {@value #ALL}, else the one named.
     *
     * @throws OpsException 404 when the site has no connector
     */
    public List<String> resolve(String siteOrAll) {
        Map<String, List<String>> bySite = connectorsBySite();
        if (ALL.equals(siteOrAll)) {
            return List.copyOf(bySite.keySet());
        }
        requireKnown(siteOrAll, bySite);
        return List.of(siteOrAll);
    }

    /** @throws OpsException 404 when the site has no connector */
    public List<String> connectors(String site) {
        Map<String, List<String>> bySite = connectorsBySite();
        requireKnown(site, bySite);
        return bySite.get(site);
    }

    public void requireKnown(String site) {
        requireKnown(site, connectorsBySite());
    }

    private static void requireKnown(String site, Map<String, List<String>> bySite) {
        if (site == null || site.isBlank()) {
            throw OpsException.badRequest("InvalidQueryParameter", "the site name must be a non-empty string");
        }
        if (!bySite.containsKey(site)) {
            throw OpsException.notFound("unknown site '" + site + "': no replication connector has "
                    + "this site; known sites: " + bySite.keySet());
        }
    }

    /** The connector's state and its worker id, empty when the connector is gone or has no status yet. */
    public Optional<ConnectorHealth> health(String connector) {
        try {
            return Optional.ofNullable(cluster.connectorHealth(connector));
        } catch (RuntimeException e) {
            log.debug("No health for connector {}: {}", connector, e.toString());
            return Optional.empty();
        }
    }

    /** The connector's state (RUNNING, PAUSED, STOPPED, FAILED, UNASSIGNED, RESTARTING) or UNKNOWN. */
    public String state(String connector) {
        return health(connector).map(h -> h.connectorState().state()).orElse("UNKNOWN");
    }

    /** The consumer group of a sink connector: Connect's {@code connect-<name>} unless its config overrides it. */
    public String consumerGroup(String connector) {
        Map<String, String> config;
        try {
            config = cluster.connectorConfig(connector);
        } catch (RuntimeException e) {
            config = null;
        }
        String override = config == null ? null : config.get("consumer.override.group.id");
        return override == null || override.isBlank() ? "connect-" + connector : override;
    }

    /** A site is paused when every connector of it is paused or stopped. */
    public boolean isPaused(String site) {
        List<String> names = connectors(site);
        return names.stream().map(this::state).allMatch(s -> s.equals("PAUSED") || s.equals("STOPPED"));
    }

    private boolean isSiteConnectorClass(String connectorClass) {
        if (connectorClass == null) {
            return false;
        }
        // Connect accepts the class name, its simple name, or the simple name without "Connector"
        for (String cls : classes) {
            String simple = cls.substring(cls.lastIndexOf('.') + 1);
            String alias = simple.endsWith("Connector") ? simple.substring(0, simple.length() - "Connector".length()) : simple;
            if (connectorClass.equals(cls) || connectorClass.equals(simple) || connectorClass.equals(alias)) {
                return true;
            }
        }
        return false;
    }
}
