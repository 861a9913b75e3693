package io.backbeat.connect.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version every plugin of the bundle reports: the Maven project version, written into
 * {@code version.properties} by resource filtering so that it lives only in the POM. All modules
 * are released together, so one version serves them all.
 */
public final class PluginVersion {

    private static final String VERSION = load();

    private PluginVersion() {
    }

    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = PluginVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                throw new IllegalStateException("io/backbeat/connect/model/version.properties is missing from the jar");
            }
            Properties props = new Properties();
            props.load(in);
            return props.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the plugin version", e);
        }
    }
}
