package io.backbeat.connect.ops.pause;

import com.fasterxml.jackson.databind.JsonNode;
import io.backbeat.connect.ops.Json;
import io.backbeat.connect.ops.OpsException;
import io.backbeat.connect.ops.sites.SiteConnectors;
import org.apache.kafka.connect.health.ConnectorHealth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Pause and resume per site, Backbeat's semantics on Connect: pausing a site pauses its sink connector(s)
 * (entries wait in Kafka, nothing is lost); a manual pause or resume cancels a scheduled resume; a resume can
 * be scheduled only for a paused site; status is {@code enabled}/{@code disabled}.
 */
public class PauseResumeService {

    private static final Logger log = LoggerFactory.getLogger(PauseResumeService.class);

    static final int DEFAULT_HOURS = 6;
    static final int MAX_HOURS = 24 * 365;

    private final SiteConnectors sites;
    private final ConnectRestClient connect;
    private final ResumeSchedule schedule;
    private final Duration hour;
    private final Optional<URI> configuredConnectUrl;
    private final String listenerScheme;
    private final Optional<String> configuredAuthorization;
    private final Clock clock;

    public PauseResumeService(SiteConnectors sites, ConnectRestClient connect, ResumeSchedule schedule,
                              Duration hour, Optional<URI> configuredConnectUrl, String listenerScheme,
                              Optional<String> configuredAuthorization, Clock clock) {
        this.sites = sites;
        this.connect = connect;
        this.schedule = schedule;
        this.hour = hour;
        this.configuredConnectUrl = configuredConnectUrl;
        this.listenerScheme = listenerScheme;
        this.configuredAuthorization = configuredAuthorization;
        this.clock = clock;
    }

    /** Pauses the site's connectors (every site's for {@code all}); cancels their scheduled resumes. */
    public void pause(String siteOrAll, Caller caller) {
        for (String site : sites.resolve(siteOrAll)) {
            schedule.cancel(site);
            for (String connector : sites.connectors(site)) {
                connect.pause(caller.connectUrl(), connector, caller.authorization().or(() -> configuredAuthorization));
            }
            log.info("Replication to site {} paused (connectors {})", site, sites.connectors(site));
        }
    }

    /** Resumes the site's connectors (every site's for {@code all}); cancels their scheduled resumes. */
    public void resume(String siteOrAll, Caller caller) {
        for (String site : sites.resolve(siteOrAll)) {
            schedule.cancel(site);
            for (String connector : sites.connectors(site)) {
                connect.resume(caller.connectUrl(), connector, caller.authorization().or(() -> configuredAuthorization));
            }
            log.info("Replication to site {} resumed (connectors {})", site, sites.connectors(site));
        }
    }

    /**
     * Schedules a resume of each addressed paused site in {@code hours} (body {@code {"hours": N}}, default
     * 6). Sites that are not paused are left alone, as in Backbeat.
     *
     * @return the sites a resume was scheduled for, with the time
     */
    public Map<String, Instant> scheduleResume(String siteOrAll, String body) {
        int hours = parseHours(body);
        Instant at = clock.instant().plus(hour.multipliedBy(hours));
        Map<String, Instant> scheduled = new LinkedHashMap<>();
        for (String site : sites.resolve(siteOrAll)) {
            if (sites.isPaused(site)) {
                schedule.schedule(site, at);
                scheduled.put(site, at);
                log.info("Replication to site {} scheduled to resume at {}", site, at);
            } else {
                log.info("Site {} is not paused: no resume scheduled", site);
            }
        }
        return scheduled;
    }

    /** {@code {site: ISO-8601 due time | "none"}}. */
    public Map<String, String> resumeSchedule(String siteOrAll) {
        return bySite(siteOrAll, site -> schedule.get(site).map(Instant::toString).orElse("none"));
    }

    public void cancelScheduledResume(String siteOrAll) {
        for (String site : sites.resolve(siteOrAll)) {
            schedule.cancel(site);
        }
    }

    /** {@code {site: "enabled" | "disabled"}}. */
    public Map<String, String> status(String siteOrAll) {
        return bySite(siteOrAll, site -> sites.isPaused(site) ? "disabled" : "enabled");
    }

    /**
     * Fires the resumes that are due and that this worker wins. A failed resume is put back one minute later
     * (as Backbeat retries), never dropped.
     *
     * @return how many resumes this call fired
     */
    public int fireDueResumes(String workerName) {
        int fired = 0;
        for (ResumeSchedule.Due due : schedule.claimDue(clock.instant())) {
            Instant now = clock.instant();
            try {
                List<String> connectors = sites.connectors(due.site());
                for (String connector : connectors) {
                    connect.resume(scheduledCallUrl(connector), connector, configuredAuthorization);
                }
                schedule.recordFired(due, workerName, now, "resumed " + connectors);
                log.info("Scheduled resume of site {} (due {}) fired: connectors {} resumed", due.site(), due.at(), connectors);
                fired++;
            } catch (OpsException e) {
                if (e.status() == 404 && "RouteNotFound".equals(e.code())) {
                    // the site has no connector any more: nothing to resume, and retrying cannot help
                    schedule.recordFired(due, workerName, now, "dropped: " + e.getMessage());
                    log.warn("Scheduled resume of site {} dropped: {}", due.site(), e.getMessage());
                } else {
                    Instant retryAt = now.plus(Duration.ofMinutes(1));
                    schedule.schedule(due.site(), retryAt);
                    schedule.recordFired(due, workerName, now, "failed, retry at " + retryAt + ": " + e.getMessage());
                    log.warn("Scheduled resume of site {} failed, retrying at {}: {}", due.site(), retryAt, e.getMessage());
                }
            }
        }
        return fired;
    }

    private URI scheduledCallUrl(String connector) {
        if (configuredConnectUrl.isPresent()) {
            return configuredConnectUrl.get();
        }
        // the worker id is the advertised host:port of the worker running the connector
        String workerId = sites.health(connector).map(ConnectorHealth::connectorState).map(s -> s.workerId())
                .filter(id -> id != null && !id.isBlank())
                .orElseThrow(() -> OpsException.unavailable("connector " + connector + " has no worker "
                        + "assigned and backbeat.ops.connect.url is not set", null));
        return URI.create(listenerScheme + "://" + workerId + "/");
    }

    private Map<String, String> bySite(String siteOrAll, Function<String, String> value) {
        Map<String, String> result = new LinkedHashMap<>();
        for (String site : sites.resolve(siteOrAll)) {
            result.put(site, value.apply(site));
        }
        return result;
    }

    static int parseHours(String body) {
        if (body == null || body.isBlank()) {
            return DEFAULT_HOURS;
        }
        JsonNode node = Json.parseBody(body);
        if (!node.isObject()) {
            throw OpsException.badRequest("MalformedPOSTRequest",
                    "The body of your POST request must be a JSON object such as {\"hours\": 6}");
        }
        JsonNode hours = node.get("hours");
        if (hours == null || hours.isNull()) {
            return DEFAULT_HOURS;
        }
        long value;
        if (hours.isIntegralNumber()) {
            value = hours.asLong();
        } else if (hours.isTextual() && hours.asText().matches("\\d{1,9}")) {
            value = Long.parseLong(hours.asText());
        } else {
            throw OpsException.badRequest("MalformedPOSTRequest", "hours must be an integer greater than 0, got " + hours);
        }
        if (value <= 0 || value > MAX_HOURS) {
            throw OpsException.badRequest("MalformedPOSTRequest",
                    "hours must be an integer between 1 and " + MAX_HOURS + ", got " + value);
        }
        return (int) value;
    }

    /** Who asked: the URL of the worker that received the request and the caller's Authorization header. */
    public record Caller(URI connectUrl, Optional<String> authorization) {
    }
}
