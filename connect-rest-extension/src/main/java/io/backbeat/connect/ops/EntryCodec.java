package io.backbeat.connect.ops;

import io.backbeat.connect.model.LogEntry;
import io.backbeat.connect.model.StatusEvent;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.storage.Converter;

import java.util.Map;

/**
 * Turns log entries and status events into record bytes and back, with the same converters the connectors
 * use on those topics (configured by {@link OpsConfig#KEY_CONVERTER} and {@link OpsConfig#VALUE_CONVERTER}).
 */
public final class EntryCodec implements AutoCloseable {

    private final Converter keyConverter;
    private final Converter valueConverter;

    public EntryCodec(Converter keyConverter, Converter valueConverter) {
        this.keyConverter = keyConverter;
        this.valueConverter = valueConverter;
    }

    public static EntryCodec fromConfig(OpsConfig config) {
        Converter key = newConverter(config.getString(OpsConfig.KEY_CONVERTER), OpsConfig.KEY_CONVERTER);
        key.configure(config.converterProps(OpsConfig.KEY_CONVERTER), true);
        Converter value = newConverter(config.getString(OpsConfig.VALUE_CONVERTER), OpsConfig.VALUE_CONVERTER);
        value.configure(config.converterProps(OpsConfig.VALUE_CONVERTER), false);
        return new EntryCodec(key, value);
    }

    private static Converter newConverter(String className, String configKey) {
        Class<?> cls;
        try {
            cls = Class.forName(className, true, EntryCodec.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            try {
                cls = Class.forName(className, true, Thread.currentThread().getContextClassLoader());
            } catch (ClassNotFoundException e2) {
                throw new ConfigException(configKey, className, "class not found on the worker");
            }
        }
        if (!Converter.class.isAssignableFrom(cls)) {
            throw new ConfigException(configKey, className, "is not a " + Converter.class.getName());
        }
        try {
            return (Converter) cls.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new ConfigException(configKey, className, "could not be instantiated: " + e);
        }
    }

    public byte[] key(String topic, String key) {
        return keyConverter.fromConnectData(topic, Schema.STRING_SCHEMA, key);
    }

    public byte[] logEntry(String topic, LogEntry entry) {
        return valueConverter.fromConnectData(topic, LogEntry.SCHEMA, entry.toStruct());
    }

    public byte[] statusEvent(String topic, StatusEvent event) {
        return valueConverter.fromConnectData(topic, StatusEvent.SCHEMA, event.toStruct());
    }

    /** Reads a metadata-log record value. */
    public LogEntry readLogEntry(String topic, byte[] value) {
        SchemaAndValue data = valueConverter.toConnectData(topic, value);
        return LogEntry.fromValue(data.value());
    }

    @Override
    public void close() {
        closeQuietly(keyConverter);
        closeQuietly(valueConverter);
    }

    private static void closeQuietly(Converter c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // converters hold no resources worth reporting at shutdown
        }
    }
}
