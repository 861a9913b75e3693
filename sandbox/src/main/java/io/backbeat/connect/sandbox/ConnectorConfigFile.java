package io.backbeat.connect.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One file of {@code connector-configs/}: a connector exactly as a user posts it to Connect
 * ({@code {"name": ..., "config": {...}}}, every value a string). Endpoints and secrets are
 * {@code ${env:NAME}} placeholders, resolved by the worker's {@code env} config provider.
 */
public record ConnectorConfigFile(Path file, String name, Map<String, String> config) {

    /** A {@code ${env:NAME}} placeholder (Connect's config-provider syntax with an empty path). */
    static final Pattern ENV_PLACEHOLDER = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");

    private static final ObjectMapper JSON = new ObjectMapper();

    public ConnectorConfigFile {
        config = Map.copyOf(config);
    }

    /** Reads every {@code *.json} file of a directory, in file-name order. */
    public static List<ConnectorConfigFile> readAll(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException("connector config directory not found: " + directory);
        }
        List<ConnectorConfigFile> files = new ArrayList<>();
        try (Stream<Path> list = Files.list(directory)) {
            list.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().forEach(p -> files.add(read(p)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory, e);
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no *.json connector config in " + directory);
        }
        return files;
    }

    /** Reads one file; every problem names the file and the field. */
    public static ConnectorConfigFile read(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " is not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(file + ": expected a JSON object {\"name\": ..., \"config\": {...}}");
        }
        JsonNode name = root.get("name");
        if (name == null || !name.isTextual() || name.asText().isBlank()) {
            throw new IllegalArgumentException(file + ": \"name\" must be a non-empty string");
        }
        JsonNode config = root.get("config");
        if (config == null || !config.isObject()) {
            throw new IllegalArgumentException(file + ": \"config\" must be an object of string values");
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = config.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!field.getValue().isTextual()) {
                throw new IllegalArgumentException(file + ": config \"" + field.getKey()
                        + "\" must be a string (Connect configs are strings), got " + field.getValue());
            }
            values.put(field.getKey(), field.getValue().asText());
        }
        if (!values.containsKey("connector.class")) {
            throw new IllegalArgumentException(file + ": config has no \"connector.class\"");
        }
        return new ConnectorConfigFile(file, name.asText(), values);
    }

    public String connectorClass() {
        return config.get("connector.class");
    }

    /** The names of the {@code ${env:NAME}} placeholders this connector uses. */
    public Set<String> variables() {
        Set<String> names = new TreeSet<>();
        for (String value : config.values()) {
            Matcher m = ENV_PLACEHOLDER.matcher(value);
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /** The config with the placeholders replaced (for display and checks; the workers resolve them themselves). */
    public Map<String, String> resolved(java.util.function.Function<String, String> variables) {
        Map<String, String> out = new LinkedHashMap<>();
        config.forEach((k, v) -> {
            Matcher m = ENV_PLACEHOLDER.matcher(v);
            StringBuilder text = new StringBuilder();
            while (m.find()) {
                String value = variables.apply(m.group(1));
                if (value == null) {
                    throw new IllegalArgumentException(file + ": " + k + " uses ${env:" + m.group(1)
                            + "}, which is not set");
                }
                m.appendReplacement(text, Matcher.quoteReplacement(value));
            }
            m.appendTail(text);
            out.put(k, text.toString());
        });
        return out;
    }
}
