package io.backbeat.connect.model;

import static io.backbeat.connect.model.ReplicationStatus.COMPLETED;
import static io.backbeat.connect.model.ReplicationStatus.FAILED;
import static io.backbeat.connect.model.ReplicationStatus.PENDING;
import static io.backbeat.connect.model.ReplicationStatus.PROCESSING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReplicationInfoTest {

    private static final String TWO_SITES = """
            {"status":"PENDING","backends":[
              {"site":"siteA","status":"PENDING","dataStoreVersionId":""},
              {"site":"siteB","status":"PENDING","dataStoreVersionId":""}],
             "content":["DATA","METADATA"],"destination":"arn:aws:s3:::dst","storageClass":"siteA,siteB",
             "role":"r","storageType":"aws_s3","dataStoreVersionId":"","isNFS":null,"futureField":{"x":1}}""";

    @Test
    void globalStatusRules() {
        assertEquals(FAILED, ReplicationInfo.globalStatus(List.of(COMPLETED, FAILED, PENDING)));
        assertEquals(PROCESSING, ReplicationInfo.globalStatus(List.of(COMPLETED, PENDING)));
        assertEquals(PROCESSING, ReplicationInfo.globalStatus(List.of(PENDING, PENDING)));
        assertEquals(PROCESSING, ReplicationInfo.globalStatus(List.of(PROCESSING, COMPLETED)));
        assertEquals(COMPLETED, ReplicationInfo.globalStatus(List.of(COMPLETED, COMPLETED)));
        assertEquals(COMPLETED, ReplicationInfo.globalStatus(List.of(COMPLETED)));
        assertThrows(IllegalArgumentException.class, () -> ReplicationInfo.globalStatus(List.of()));
    }

    @Test
    void siteStatusesDriveTheGlobalStatus() {
        ReplicationInfo info = ReplicationInfo.parse(TWO_SITES);
        assertEquals(List.of("siteA", "siteB"), info.storageClassSites());
        assertEquals("dst", info.destinationBucket());

        ReplicationInfo aDone = info.withSiteStatus("siteA", COMPLETED, "dstVid1");
        assertEquals(PROCESSING, aDone.status());
        assertEquals(new ReplicationBackend("siteA", COMPLETED, "dstVid1"), aDone.backend("siteA").orElseThrow());
        assertEquals(PENDING, aDone.backend("siteB").orElseThrow().status());

        ReplicationInfo bFailed = aDone.withSiteStatus("siteB", FAILED, null);
        assertEquals(FAILED, bFailed.status());
        assertEquals("", bFailed.backend("siteB").orElseThrow().dataStoreVersionId());

        ReplicationInfo bRetried = bFailed.withSiteStatus("siteB", PENDING, null);
        assertEquals(PROCESSING, bRetried.status());
        ReplicationInfo allDone = bRetried.withSiteStatus("siteB", COMPLETED, "dstVid2");
        assertEquals(COMPLETED, allDone.status());

        // unknown fields survive, the original is untouched
        assertEquals(1, allDone.toJsonNode().get("futureField").get("x").asInt());
        assertEquals(PENDING, info.status());
        assertEquals(ReplicationInfo.parse(TWO_SITES), info);
    }

    @Test
    void completedIsFinalForASite() {
        ReplicationInfo done = ReplicationInfo.parse(TWO_SITES).withSiteStatus("siteA", COMPLETED, "v1");
        assertSame(done, done.withSiteStatus("siteA", FAILED, null));
        assertSame(done, done.withSiteStatus("siteA", PENDING, "other"));
        assertEquals("v1", done.backend("siteA").orElseThrow().dataStoreVersionId());
    }

    @Test
    void unknownSiteIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ReplicationInfo.parse(TWO_SITES).withSiteStatus("siteC", COMPLETED, null));
        assertTrue(e.getMessage().contains("siteC"), e.getMessage());
    }

    @Test
    void pendingAndEmptyInfosLookLikeCloudServers() {
        ReplicationInfo empty = ReplicationInfo.empty();
        assertTrue(empty.isEmpty());
        assertNull(empty.status());
        ReplicationInfo pending = ReplicationInfo.pending(List.of("zenko"), List.of("DATA", "METADATA"),
                "arn:aws:s3:::dst-bucket", "role", "");
        // same shape and values as src/big in the fixture
        assertEquals(ObjectMetadata.parse(Fixtures.finalDoc("src", "\u007fMbig").value().toJson(Fixtures.RELAXED))
                .replicationInfo().toJsonNode().without("role"), pending.toJsonNode().without("role"));
    }

    @Test
    void malformedInfoIsRejectedWithTheField() {
        InvalidMetadataException status = assertThrows(InvalidMetadataException.class,
                () -> ReplicationInfo.parse("{\"status\":\"DONE\"}"));
        assertTrue(status.getMessage().contains("DONE"), status.getMessage());
        InvalidMetadataException backends = assertThrows(InvalidMetadataException.class,
                () -> ReplicationInfo.parse("{\"backends\":{}}"));
        assertTrue(backends.getMessage().contains("replicationInfo.backends"), backends.getMessage());
        InvalidMetadataException site = assertThrows(InvalidMetadataException.class,
                () -> ReplicationInfo.parse("{\"backends\":[{\"status\":\"PENDING\"}]}"));
        assertTrue(site.getMessage().contains("backends[0].site"), site.getMessage());
    }
}
