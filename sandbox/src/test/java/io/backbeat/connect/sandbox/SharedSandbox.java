package io.backbeat.connect.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One {@link SandboxStack} (Kafka, two workers with the unzipped bundle, source site, two S3 sites, Redis) for
 * every test class of the run that asks for it, stopped when the run ends: starting it is the expensive part.
 */
public final class SharedSandbox implements ParameterResolver {

    /** The plugin.path Maven unzipped the bundle into (generate-resources of this module). */
    public static Path pluginPath() {
        return Path.of(required("backbeat.sandbox.plugin.path"));
    }

    /** The repository root (connector-configs/, docker/). */
    public static Path projectRoot() {
        return Path.of(required("backbeat.sandbox.project.root")).toAbsolutePath().normalize();
    }

    /**
     * Deletes every connector of the shared cluster (connectors another test class left behind would act on this
     * class's buckets too), then deploys the named files of {@code connector-configs/} as they are on disk.
     *
     * @return the names of the connectors deployed
     */
    public static List<String> deployAlone(SandboxStack stack, Duration wait, String... files) {
        stack.deleteAllConnectors();
        Path configs = projectRoot().resolve("connector-configs");
        List<ConnectorConfigFile> read = Stream.of(files).map(f -> ConnectorConfigFile.read(configs.resolve(f)))
                .toList();
        stack.deploy(read, wait, line -> System.out.println("[deploy] " + line));
        return read.stream().map(ConnectorConfigFile::name).toList();
    }

    static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + property + " is not set (run the tests with Maven)");
        }
        return value;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == SandboxStack.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(Holder.class, k -> new Holder(), Holder.class).stack;
    }

    /** Closed by JUnit when the whole run ends. */
    private static final class Holder implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        final SandboxStack stack = SandboxStack.start(pluginPath(), 2, true,
                line -> System.out.println("sandbox: " + line));

        @Override
        public void close() {
            stack.close();
        }
    }
}
