package io.backbeat.connect.ops.failed;

import java.util.Optional;

/** Reads one object version's metadata JSON at the source site; empty when the version is gone. */
@FunctionalInterface
public interface SourceLookup {

    /**
     * @param versionId external version id; empty or null for a non-versioned object
     * @throws RuntimeException when the source cannot answer (the caller reports it, never treats it as gone)
     */
    Optional<String> read(String bucket, String key, String versionId);
}
