package io.backbeat.connect.smt;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version every transform and predicate of this module reports (the Maven project version). */
final class PluginVersion {

    private static final String VERSION = load();

    private PluginVersion() {
    }

    static String get() {
        return VERSION;
    }

    private static String load() {
        // written by Maven resource filtering, so the version lives only in the POM
        try (InputStream in = PluginVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                throw new IllegalStateException("io/backbeat/connect/smt/version.properties is missing from the jar");
            }
            Properties props = new Properties();
            props.load(in);
            return props.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the plugin version", e);
        }
    }
}
