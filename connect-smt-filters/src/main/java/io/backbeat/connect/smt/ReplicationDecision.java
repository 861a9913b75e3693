package io.backbeat.connect.smt;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.backbeat.connect.model.LogEntry;
import io.backbeat.connect.model.ObjectMetadata;
import io.backbeat.connect.model.ReplicationBackend;
import io.backbeat.connect.model.ReplicationInfo;
import io.backbeat.connect.model.ReplicationStatus;

/**
 * Backbeat's replication queue populator decision (ReplicationQueuePopulator._filterKeyOp and
 * _entryCanBeReplicated), made per destination site: is this object entry to be replicated to the site?
 *
 * <p>Plain class shared by {@link ReplicationFilter} and {@link ReplicationPendingForSite} so that the
 * transform and the predicate can never disagree.
 */
public final class ReplicationDecision {

    /** Backbeat's storageClass entries may carry this suffix for the preferred read location. */
    private static final String PREFERRED_READ_SUFFIX = ":preferred_read";

    private final String site;
    private final Set<String> coldLocations;

    /**
     * @param site the destination site, or null to keep entries pending for any site
     * @param coldLocations locations whose objects are never replicated (archive locations)
     */
    public ReplicationDecision(String site, List<String> coldLocations) {
        this.site = site == null || site.isBlank() ? null : site;
        this.coldLocations = Set.copyOf(coldLocations == null ? List.of() : coldLocations);
    }

    /** The outcome for one entry: kept, or dropped with the rule that dropped it. */
    public record Outcome(boolean keep, String reason) {
        static final Outcome KEEP = new Outcome(true, "pending");

        static Outcome drop(String reason) {
            return new Outcome(false, reason);
        }
    }

    /**
     * Decides for an entry. Bucket entries are never replicated by this decision (the filter's
     * {@code bucket.entries} setting passes them on its own).
     *
     * @throws InvalidLogEntryException when the raw key or the metadata of a put entry cannot be decoded
     */
    public Outcome decide(LogEntry entry) {
        if (entry.isBucket()) {
            return Outcome.drop("bucket entry");
        }
        if (entry.type() != LogEntry.Type.PUT) {
            // deletes (of versions or of non-versioned objects) are not replicated; delete markers are puts
            return Outcome.drop("delete entry");
        }
        ObjectMetadata md = metadata(entry);
        if (md.isPhd()) {
            return Outcome.drop("placeholder master (isPHD)");
        }
        if (isMaster(entry)) {
            // Backbeat replicates versions from their version key; a master is replicated only when no
            // version key exists for it: non-versioned object, null version, or an NFS bucket
            boolean nonVersioned = md.versionId() == null;
            if (!nonVersioned && !md.isNull() && !md.replicationInfo().isNfs()) {
                return Outcome.drop("master key of a versioned object");
            }
        }
        ReplicationInfo info = md.replicationInfo();
        if (info.status() != ReplicationStatus.PENDING) {
            return Outcome.drop("replication status is " + (info.status() == null ? "empty" : info.status()));
        }
        String location = md.dataStoreName();
        if (location != null && coldLocations.contains(location)) {
            return Outcome.drop("object is on cold location " + location);
        }
        if (site != null) {
            return pendingFor(info, site)
                    ? Outcome.KEEP
                    : Outcome.drop("not pending for site " + site + siteState(info, site));
        }
        for (String s : sites(info)) {
            if (pendingFor(info, s)) {
                return Outcome.KEEP;
            }
        }
        return Outcome.drop("not pending for any site");
    }

    /** The site this decision is made for; null for any site. */
    public String site() {
        return site;
    }

    /**
     * A site is pending when its backend says PENDING. Entries written without backends (older writers)
     * name their sites only in storageClass: then the global PENDING status stands for every listed site.
     */
    private static boolean pendingFor(ReplicationInfo info, String site) {
        Optional<ReplicationBackend> backend = info.backend(site);
        if (backend.isPresent()) {
            return backend.get().status() == ReplicationStatus.PENDING;
        }
        return info.backends().isEmpty() && storageClassSites(info).contains(site);
    }

    private static String siteState(ReplicationInfo info, String site) {
        return info.backend(site)
                .map(b -> " (site status " + (b.status() == null ? "empty" : b.status()) + ")")
                .orElse(" (not a target of this version)");
    }

    private static Set<String> sites(ReplicationInfo info) {
        Set<String> sites = new LinkedHashSet<>();
        info.backends().forEach(b -> sites.add(b.site()));
        sites.addAll(storageClassSites(info));
        return sites;
    }

    private static Set<String> storageClassSites(ReplicationInfo info) {
        Set<String> sites = new LinkedHashSet<>();
        for (String s : info.storageClassSites()) {
            sites.add(s.endsWith(PREFERRED_READ_SUFFIX) ? s.substring(0, s.length() - PREFERRED_READ_SUFFIX.length()) : s);
        }
        return sites;
    }

    private static boolean isMaster(LogEntry entry) {
        try {
            return entry.metadataKey().isMaster();
        } catch (RuntimeException e) {
            throw new InvalidLogEntryException("the raw key cannot be decoded: " + e.getMessage(), e);
        }
    }

    /** The object metadata of a put entry (a put entry always carries it: LogEntry checks). */
    static ObjectMetadata metadata(LogEntry entry) {
        try {
            return entry.objectMetadata();
        } catch (RuntimeException e) {
            throw new InvalidLogEntryException("the object metadata cannot be parsed: " + e.getMessage(), e);
        }
    }
}
