package io.backbeat.connect.ops;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Configurable;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.health.ConnectClusterState;
import org.apache.kafka.connect.rest.ConnectRestExtension;
import org.apache.kafka.connect.rest.ConnectRestExtensionContext;
import org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;

/**
 * Kafka's {@link BasicAuthSecurityRestExtension}, unchanged, except that {@code GET /health} stays open:
 * the test harness ({@code EmbeddedConnectCluster}) polls it without credentials to see the workers come
 * up. Every other route, the ops API included, goes through Kafka's own JAAS basic-auth filter.
 */
public class HealthExemptBasicAuthExtension implements ConnectRestExtension {

    private final BasicAuthSecurityRestExtension delegate = new BasicAuthSecurityRestExtension();

    @Override
    public void register(ConnectRestExtensionContext context) {
        Configurable<?> real = context.configurable();
        Configurable<?> wrapping = (Configurable<?>) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{Configurable.class}, (proxy, method, args) -> {
                    if (method.getName().equals("register") && args != null && args.length == 1
                            && args[0] instanceof ContainerRequestFilter filter) {
                        args = new Object[]{new HealthExempt(filter)};
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        delegate.register(new ConnectRestExtensionContext() {
            @Override
            @SuppressWarnings("unchecked")
            public Configurable<? extends Configurable<?>> configurable() {
                return (Configurable<? extends Configurable<?>>) wrapping;
            }

            @Override
            public ConnectClusterState clusterState() {
                return context.clusterState();
            }
        });
    }

    @Override
    public void configure(Map<String, ?> configs) {
        delegate.configure(configs);
    }

    @Override
    public ConfigDef config() {
        return new ConfigDef();
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }

    @Override
    public String version() {
        return delegate.version();
    }

    private record HealthExempt(ContainerRequestFilter auth) implements ContainerRequestFilter {
        @Override
        public void filter(ContainerRequestContext request) throws IOException {
            String path = request.getUriInfo().getPath();
            if ("GET".equals(request.getMethod()) && (path.equals("health") || path.equals("/health"))) {
                return;
            }
            auth.filter(request);
        }
    }
}
