package io.backbeat.connect.sink;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of this plugin module, from the build (falls back to "unknown" outside a built jar). */
public final class PluginVersion {

    private static final String VERSION = load();

    private PluginVersion() {
    }

    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = PluginVersion.class.getResourceAsStream("/backbeat-connect-sink.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
