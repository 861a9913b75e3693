package io.backbeat.connect.sandbox.sourcesite;

import io.backbeat.connect.model.VersionIds;
import java.util.function.LongSupplier;

/**
 * Hands out internal version ids like one CloudServer process: the model's format ({@link VersionIds}), a
 * sequence within the millisecond so ids strictly decrease, and CloudServer's info suffix
 * {@code <instance>.<counter>} (e.g. {@code 16051.0}, {@code 16051.1}, …).
 */
final class VersionIdSource {

    private final String replicationGroupId;
    private final String instance;
    private final LongSupplier clock;
    private long lastMs = -1;
    private int lastSeq;
    private long counter;

    VersionIdSource(String replicationGroupId, String instance, LongSupplier clock) {
        this.replicationGroupId = replicationGroupId;
        this.instance = instance;
        this.clock = clock;
    }

    synchronized String next() {
        long now = Math.max(clock.getAsLong(), lastMs);
        lastSeq = now == lastMs ? lastSeq + 1 : 0;
        lastMs = now;
        return VersionIds.generate(now, lastSeq, replicationGroupId, instance + "." + counter++);
    }
}
