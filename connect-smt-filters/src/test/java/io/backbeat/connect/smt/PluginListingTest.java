package io.backbeat.connect.smt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.components.Versioned;
import org.apache.kafka.connect.transforms.Transformation;
import org.apache.kafka.connect.transforms.predicates.Predicate;
import org.junit.jupiter.api.Test;

/** Workers with plugin.discovery=service_load see exactly the plugins listed in META-INF/services. */
class PluginListingTest {

    @Test
    @SuppressWarnings("rawtypes")
    void everyTransformAndPredicateIsListedVersionedAndDocumented() {
        Set<String> names = new TreeSet<>();
        List<Object> plugins = new ArrayList<>();
        for (Transformation t : ServiceLoader.load(Transformation.class)) {
            plugins.add(t);
        }
        for (Predicate p : ServiceLoader.load(Predicate.class)) {
            plugins.add(p);
        }
        for (Object plugin : plugins) {
            if (!plugin.getClass().getPackageName().equals(getClass().getPackageName())) {
                continue; // Kafka's own transforms are on the test class path too
            }
            names.add(plugin.getClass().getSimpleName());
            assertTrue(plugin instanceof Versioned, plugin.getClass() + " implements Versioned");
            assertEquals(new ReplicationFilter<>().version(), ((Versioned) plugin).version());
            ConfigDef def = plugin instanceof Transformation t ? t.config() : ((Predicate) plugin).config();
            assertNotNull(def, plugin.getClass() + " has a ConfigDef");
            assertTrue(def.configKeys().containsKey("on.invalid"), plugin.getClass() + " documents on.invalid");
            def.configKeys().values().forEach(key -> {
                assertNotNull(key.documentation, plugin.getClass().getSimpleName() + "." + key.name + " has docs");
                assertFalse(key.documentation.isBlank());
                assertNotNull(key.group, plugin.getClass().getSimpleName() + "." + key.name + " has a group");
            });
        }
        assertEquals(new TreeSet<>(List.of("ReplicationFilter", "KeyNameFilter", "ReplicationPendingForSite",
                "BucketNameMatches", "KeyNameMatches", "IsDeleteMarker", "IsBucketEntry")), names);
    }
}
