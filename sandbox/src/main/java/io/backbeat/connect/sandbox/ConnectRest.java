package io.backbeat.connect.sandbox;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The Connect REST calls a user makes with curl, made the same way: the connector files are posted as they are
 * on disk. Every non-2xx answer becomes an exception carrying the worker's error message.
 */
public final class ConnectRest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public ConnectRest(URI base) {
        this.base = base.toString().endsWith("/") ? base : URI.create(base + "/");
    }

    public URI base() {
        return base;
    }

    /**
     * {@code PUT /connectors/<name>/config} with the file's config: creates the connector, or updates it when it
     * exists (what docker/post-connectors.sh does too, so a re-run or a shared cluster is fine).
     */
    public JsonNode create(ConnectorConfigFile file) {
        try {
            return send("PUT", "connectors/" + URLEncoder.encode(file.name(), StandardCharsets.UTF_8) + "/config",
                    JSON.writeValueAsString(file.config()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize the config of " + file.file() + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@code PUT /connector-plugins/<class>/config/validate} with the file's config.
     *
     * @return the error messages, as {@code key: message}; empty when the config is valid
     */
    public List<String> validate(ConnectorConfigFile file) {
        // the validate route wants the connector name inside the config, as the create route has it
        Map<String, String> config = new java.util.LinkedHashMap<>(file.config());
        config.putIfAbsent("name", file.name());
        JsonNode answer;
        try {
            answer = send("PUT", "connector-plugins/" + URLEncoder.encode(file.connectorClass(), StandardCharsets.UTF_8)
                    + "/config/validate", JSON.writeValueAsString(config));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        List<String> errors = new ArrayList<>();
        for (JsonNode entry : answer.path("configs")) {
            JsonNode value = entry.path("value");
            for (JsonNode error : value.path("errors")) {
                errors.add(value.path("name").asText() + ": " + error.asText());
            }
        }
        if (answer.path("error_count").asInt() != errors.size()) {
            errors.add("(error_count " + answer.path("error_count").asInt() + " but " + errors.size()
                    + " messages)");
        }
        return errors;
    }

    /** {@code GET /connectors/<name>/status}. */
    public JsonNode status(String connector) {
        return send("GET", "connectors/" + connector + "/status", null);
    }

    /** True when the connector and all its tasks (at least one) are RUNNING. */
    public boolean running(String connector) {
        JsonNode status = status(connector);
        JsonNode tasks = status.path("tasks");
        if (!"RUNNING".equals(status.path("connector").path("state").asText()) || tasks.isEmpty()) {
            return false;
        }
        for (JsonNode task : tasks) {
            if (!"RUNNING".equals(task.path("state").asText())) {
                return false;
            }
        }
        return true;
    }

    /** Connector, task states and the first line of any trace, in one line. */
    public String describe(String connector) {
        try {
            JsonNode status = status(connector);
            StringBuilder text = new StringBuilder(connector).append(' ')
                    .append(status.path("connector").path("state").asText());
            firstLine(status.path("connector").path("trace")).ifPresent(t -> text.append(" (").append(t).append(')'));
            for (JsonNode task : status.path("tasks")) {
                text.append(", task ").append(task.path("id").asInt()).append(' ').append(task.path("state").asText());
                firstLine(task.path("trace")).ifPresent(t -> text.append(" (").append(t).append(')'));
            }
            return text.toString();
        } catch (RuntimeException e) {
            return connector + ": " + e.getMessage();
        }
    }

    private static java.util.Optional<String> firstLine(JsonNode trace) {
        if (trace.isMissingNode() || trace.isNull()) {
            return java.util.Optional.empty();
        }
        String text = trace.asText();
        int end = text.indexOf('\n');
        return java.util.Optional.of(end < 0 ? text : text.substring(0, end));
    }

    /** {@code GET /connector-plugins?connectorsOnly=false}: class → type. */
    public Map<String, String> plugins() {
        Map<String, String> plugins = new java.util.TreeMap<>();
        for (JsonNode p : send("GET", "connector-plugins?connectorsOnly=false", null)) {
            plugins.put(p.path("class").asText(), p.path("type").asText());
        }
        return plugins;
    }

    /** A GET returning the status code and body, for routes that are not JSON or may fail (ops API). */
    public HttpResponse<String> get(String path) {
        try {
            return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("GET " + base.resolve(path) + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    JsonNode send(String method, String path, String body) {
        URI uri = base.resolve(path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(90))
                .header("Accept", "application/json");
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException(method + " " + uri + " answered " + response.statusCode() + ": "
                        + response.body());
            }
            return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + uri + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + method + " " + uri, e);
        }
    }
}
