package io.backbeat.connect.sink.replication;

import java.util.Optional;

import io.backbeat.connect.model.LogEntry;
import io.backbeat.connect.model.ObjectMetadata;
import io.backbeat.connect.model.VersionIds;
import io.backbeat.connect.sink.s3.BackbeatRouteClient;
import io.backbeat.connect.sink.s3.S3Connection;

/** Reads source metadata through CloudServer's backbeat route (the production path, as Backbeat does). */
public final class CloudServerMetadataReader implements SourceMetadataReader {

    private final BackbeatRouteClient route;
    private final S3Connection ownedConnection;

    /** @param connection the connection to CloudServer; closed with this reader when {@code owned} */
    public CloudServerMetadataReader(S3Connection connection, boolean owned) {
        this.route = new BackbeatRouteClient(connection);
        this.ownedConnection = owned ? connection : null;
    }

    @Override
    public Optional<ObjectMetadata> read(LogEntry entry) {
        String versionId = entry.versionId() == null ? VersionIds.NULL : entry.versionId();
        return route.getMetadata(entry.bucket(), entry.objectKey(), versionId).map(ObjectMetadata::parse);
    }

    @Override
    public String name() {
        return "cloudserver";
    }

    @Override
    public void close() {
        if (ownedConnection != null) {
            ownedConnection.close();
        }
    }
}
