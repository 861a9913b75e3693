package io.backbeat.connect.sink.tagging;

import java.util.Collection;
import java.util.Map;

import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.backbeat.connect.sink.BackbeatSinkTask;
import io.backbeat.connect.sink.retry.Retrier;
import io.backbeat.connect.sink.s3.S3ClientFactory;
import io.backbeat.connect.sink.s3.S3Connection;

/** Thin shell over {@link RecordTagger}: records in order, done when {@link #put} returns. */
public class ObjectTaggingSinkTask extends BackbeatSinkTask {

    private static final Logger LOG = LoggerFactory.getLogger(ObjectTaggingSinkTask.class);

    private S3Connection source;
    private RecordTagger records;

    @Override
    public void start(Map<String, String> props) {
        ObjectTaggingSinkConfig config = new ObjectTaggingSinkConfig(props);
        source = S3ClientFactory.connect(config.source());
        ObjectTagger tagger = new ObjectTagger(source.s3(), config.tags(), new Retrier(config.retryPolicy()));
        records = new RecordTagger(tagger, errantRecordReporter(), config.toleratesErrors());
        LOG.info("object tagging started: tags {} on versions at {}, retries {}", config.tags(), config.source(),
                config.retryPolicy());
    }

    @Override
    public void put(Collection<SinkRecord> batch) {
        records.put(batch);
    }

    @Override
    public void stop() {
        if (records != null) {
            LOG.info("object tagging stopped: {}", records.stats());
        }
        if (source != null) {
            source.close();
            source = null;
        }
    }
}
