package io.backbeat.connect.sink.replication;

import java.util.Locale;

/** When the sink looks at the destination for an existing replica before copying data ({@code replica.check}). */
public enum ReplicaCheck {
    /** Entries that may have been handled before ({@link SuspectEntries}): the default. */
    REDELIVERIES,
    /** Every data copy: one HEAD more per object. */
    ALWAYS,
    /** Never: a redelivered entry is copied again (a second version of the same bytes). */
    NEVER;

    /** Whether to look for the replica of an entry that is, or is not, suspect. */
    public boolean lookUp(boolean suspect) {
        return this == ALWAYS || this == REDELIVERIES && suspect;
    }

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ReplicaCheck fromConfig(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }
}
