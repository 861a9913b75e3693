package io.backbeat.connect.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.kafka.connect.runtime.isolation.PluginDesc;
import org.apache.kafka.connect.runtime.isolation.Plugins;

/**
 * The built bundle as the workers see it: where it was unzipped, and proof that Connect loads our plugins from
 * there, isolated, and not from the sandbox's own class path.
 */
public final class BundlePlugins {

    /** The package root of every plugin of the bundle. */
    public static final String PACKAGE_ROOT = "io.backbeat.connect.";

    /** A plugin as Connect's plugin scanner found it. */
    public record Found(String className, String type, String version, String location, String loader) {
    }

    private BundlePlugins() {
    }

    /**
     * The directory of the unzipped bundle inside a {@code plugin.path} directory: the one
     * {@code backbeat-connect-*} folder holding {@code manifest.json} and {@code lib/}.
     */
    public static Path bundleDirectory(Path pluginPath) {
        if (!Files.isDirectory(pluginPath)) {
            throw new IllegalStateException("plugin.path directory " + pluginPath + " does not exist: build the "
                    + "project first (mvn -B install -DskipTests unzips the bundle there)");
        }
        List<Path> bundles = new ArrayList<>();
        try (Stream<Path> list = Files.list(pluginPath)) {
            list.filter(p -> p.getFileName().toString().startsWith("backbeat-connect-")
                    && Files.isRegularFile(p.resolve("manifest.json")) && Files.isDirectory(p.resolve("lib")))
                    .forEach(bundles::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + pluginPath, e);
        }
        if (bundles.size() != 1) {
            throw new IllegalStateException("expected exactly one unzipped backbeat-connect-<version> bundle "
                    + "(manifest.json + lib/) in " + pluginPath + ", found " + bundles);
        }
        return bundles.get(0);
    }

    /**
     * Scans plugins exactly as a worker with these settings does ({@code plugin.path}, {@code plugin.discovery})
     * and returns ours, with where each was loaded from.
     *
     * @throws IllegalStateException when a plugin of ours is visible on this process's class path (the workers
     *     would then not be testing the bundle), or when none is found in the bundle
     */
    public static List<Found> verifyIsolated(Path pluginPath, String discovery) {
        for (String probe : List.of("io.backbeat.connect.sink.S3ReplicationSinkConnector",
                "io.backbeat.connect.source.MetadataLogSourceConnector", "io.backbeat.connect.smt.ReplicationFilter")) {
            try {
                Class.forName(probe, false, BundlePlugins.class.getClassLoader());
                throw new IllegalStateException("plugin class " + probe + " is on the sandbox's own class path: the "
                        + "workers must load the plugins from the bundle only (remove the plugin modules from the "
                        + "class path)");
            } catch (ClassNotFoundException expected) {
                // right: only the bundle has it
            }
        }
        Plugins plugins = new Plugins(Map.of("plugin.path", pluginPath.toString(), "plugin.discovery", discovery));
        List<PluginDesc<?>> all = new ArrayList<>();
        all.addAll(plugins.sourceConnectors());
        all.addAll(plugins.sinkConnectors());
        all.addAll(plugins.transformations());
        all.addAll(plugins.predicates());
        List<Found> ours = new ArrayList<>();
        Path bundle = bundleDirectory(pluginPath).toAbsolutePath().normalize();
        for (PluginDesc<?> desc : all) {
            if (!desc.className().startsWith(PACKAGE_ROOT)) {
                continue;
            }
            String location = desc.location();
            if (!location.contains(bundle.getFileName().toString())) {
                throw new IllegalStateException("plugin " + desc.className() + " was loaded from " + location
                        + ", not from the bundle " + bundle);
            }
            ours.add(new Found(desc.className(), desc.typeName(), desc.version(), location,
                    desc.loader().getClass().getSimpleName()));
        }
        if (ours.isEmpty()) {
            throw new IllegalStateException("Connect found no io.backbeat.connect plugin in " + bundle);
        }
        ours.sort(Comparator.comparing(Found::type).thenComparing(Found::className));
        return ours;
    }
}
