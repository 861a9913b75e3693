package io.backbeat.connect.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MetadataKeyTest {

    private static final String VID = "98204691715422999999RG001  16051.0";

    @Test
    void v1Keys() {
        assertEquals("\u007fMdir/k2", KeyFormat.V1.masterKey("dir/k2"));
        assertEquals("\u007fVdir/k2\u0000" + VID, KeyFormat.V1.versionKey("dir/k2", VID));

        MetadataKey master = MetadataKey.parse("\u007fMdir/k2");
        assertEquals(KeyFormat.V1, master.format());
        assertEquals("dir/k2", master.objectKey());
        assertTrue(master.isMaster());
        assertFalse(master.isVersion());
        assertNull(master.internalVersionId());
        assertNull(master.externalVersionId());

        MetadataKey version = MetadataKey.parse("\u007fVdir/k2\u0000" + VID);
        assertEquals(KeyFormat.V1, version.format());
        assertEquals("dir/k2", version.objectKey());
        assertTrue(version.isVersion());
        assertEquals(VID, version.internalVersionId());
        assertEquals(VersionIds.encode(VID), version.externalVersionId());
        assertEquals("\u007fMdir/k2", version.masterKey());
    }

    @Test
    void v0Keys() {
        assertEquals("a/b", KeyFormat.V0.masterKey("a/b"));
        assertEquals("a/b\u0000" + VID, KeyFormat.V0.versionKey("a/b", VID));
        MetadataKey master = KeyFormat.V0.parse("overview..|..big..|..25c9730aaec740ce947ec18a081f5f6a");
        assertTrue(master.isMaster());
        assertEquals("overview..|..big..|..25c9730aaec740ce947ec18a081f5f6a", master.objectKey());
        MetadataKey version = MetadataKey.parse("a/b\u0000" + VID);
        assertEquals(KeyFormat.V0, version.format());
        assertEquals("a/b", version.objectKey());
        assertEquals(VID, version.internalVersionId());
    }

    @Test
    void vFormatNames() {
        assertEquals(KeyFormat.V1, KeyFormat.fromVFormat("v1"));
        assertEquals(KeyFormat.V0, KeyFormat.fromVFormat("v0"));
        assertEquals(KeyFormat.V0, KeyFormat.fromVFormat(null));
        assertEquals("v1", KeyFormat.V1.vFormat());
        InvalidMetadataException e = assertThrows(InvalidMetadataException.class, () -> KeyFormat.fromVFormat("v1mig"));
        assertTrue(e.getMessage().contains("v1mig"));
    }

    @Test
    void malformedKeysAreRejectedAndNamed() {
        InvalidMetadataException noPrefix = assertThrows(InvalidMetadataException.class,
                () -> MetadataKey.parse("plain-key", KeyFormat.V1));
        assertTrue(noPrefix.getMessage().contains("\"plain-key\""), noPrefix.getMessage());
        InvalidMetadataException noSep = assertThrows(InvalidMetadataException.class,
                () -> MetadataKey.parse("\u007fVk1"));
        assertTrue(noSep.getMessage().contains("\\x7fVk1"), noSep.getMessage());
        assertThrows(InvalidMetadataException.class, () -> MetadataKey.parse("\u007fMk1\u0000" + VID));
        assertThrows(InvalidMetadataException.class, () -> MetadataKey.parse("\u007fM"));
        assertThrows(InvalidMetadataException.class, () -> MetadataKey.parse("k1\u0000"));
        assertThrows(IllegalArgumentException.class, () -> KeyFormat.V1.masterKey(""));
        assertThrows(IllegalArgumentException.class, () -> KeyFormat.V1.versionKey("a\u0000b", VID));
    }
}
