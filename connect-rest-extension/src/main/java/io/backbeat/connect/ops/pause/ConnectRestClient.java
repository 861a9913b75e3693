package io.backbeat.connect.ops.pause;

import io.backbeat.connect.ops.OpsException;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Pauses and resumes connectors through the worker's own Connect REST API, so the herder does the work
 * exactly as for an operator's {@code PUT /connectors/<name>/pause} (any worker forwards to the leader).
 */
public class ConnectRestClient {

    private final HttpClient http;
    private final Duration timeout;

    public ConnectRestClient(Duration timeout) {
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    public void pause(URI baseUri, String connector, Optional<String> authorization) {
        put(baseUri, connector, "pause", authorization);
    }

    public void resume(URI baseUri, String connector, Optional<String> authorization) {
        put(baseUri, connector, "resume", authorization);
    }

    private void put(URI baseUri, String connector, String action, Optional<String> authorization) {
        URI uri = baseUri.resolve("connectors/" + URLEncoder.encode(connector, StandardCharsets.UTF_8)
                .replace("+", "%20") + "/" + action);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
                .PUT(HttpRequest.BodyPublishers.noBody());
        authorization.ifPresent(a -> request.header("Authorization", a));
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw OpsException.unavailable("Could not reach the Connect REST API at " + uri + " to " + action
                    + " connector " + connector + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw OpsException.unavailable("Interrupted while asking Connect to " + action + " " + connector, e);
        }
        int status = response.statusCode();
        if (status / 100 != 2) {
            // pass the refusal on with Connect's own words (401/403 from its authentication, 404, 409 rebalancing...)
            int answer = status == 401 || status == 403 || status == 404 || status == 409 ? status : 502;
            throw new OpsException(answer, "ConnectRefused", "Connect answered " + status + " to PUT " + uri.getPath()
                    + ": " + response.body());
        }
    }
}
