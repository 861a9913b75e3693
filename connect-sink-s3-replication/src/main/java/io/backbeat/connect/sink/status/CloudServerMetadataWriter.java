package io.backbeat.connect.sink.status;

import java.util.Optional;

import io.backbeat.connect.model.ObjectMetadata;
import io.backbeat.connect.model.VersionIds;
import io.backbeat.connect.sink.s3.BackbeatRouteClient;
import io.backbeat.connect.sink.s3.S3Connection;

/**
 * Writes status through CloudServer's backbeat route, as Backbeat's status processor does: {@code GET
 * /_/backbeat/metadata/<bucket>/<key>?versionId=}, change, {@code PUT} the whole metadata back. CloudServer
 * stays in charge of its metadata: it also updates the master when the master holds that version.
 *
 * <p>The route has no conditional write. Lost updates between status events are prevented by the order of
 * the status topic: all events of one object are in one partition, applied one after the other by one task.
 * (A write by CloudServer itself between the GET and the PUT, e.g. a tag change, is the same race Backbeat
 * has; the mongodb writer closes it.)
 */
public final class CloudServerMetadataWriter implements MetadataWriter {

    private final BackbeatRouteClient route;
    private final S3Connection connection;

    /** @param connection the connection to CloudServer (service account); closed with this writer */
    public CloudServerMetadataWriter(S3Connection connection) {
        this.route = new BackbeatRouteClient(connection);
        this.connection = connection;
    }

    @Override
    public Result update(String bucket, String objectKey, String versionId, Change change) {
        String version = versionId == null ? VersionIds.NULL : versionId;
        Optional<String> stored = route.getMetadata(bucket, objectKey, version);
        if (stored.isEmpty()) {
            return MetadataWriter.missing();
        }
        ObjectMetadata current = ObjectMetadata.parse(stored.get());
        if (current.isDeleted() || current.isPhd()) {
            return MetadataWriter.missing();
        }
        Decision decision = change.decide(current);
        if (decision.writes()) {
            route.putMetadata(bucket, objectKey, version, decision.updated().toJson());
        }
        return new Result(decision, 0);
    }

    @Override
    public String name() {
        return "cloudserver";
    }

    @Override
    public void close() {
        connection.close();
    }
}
