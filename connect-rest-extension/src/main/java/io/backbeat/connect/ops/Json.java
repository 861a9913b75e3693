package io.backbeat.connect.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.backbeat.connect.model.MetadataJson;

/** JSON of request and response bodies, with the project's one Jackson mapper. */
public final class Json {

    private Json() {
    }

    public static ObjectMapper mapper() {
        return MetadataJson.mapper();
    }

    public static String write(Object value) {
        try {
            return mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not write a response as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Parses a request body; malformed JSON is the client's fault: {@code 400 MalformedPOSTRequest}. */
    public static JsonNode parseBody(String body) {
        try {
            JsonNode node = mapper().readTree(body);
            if (node == null || node.isMissingNode()) {
                throw OpsException.badRequest("MalformedPOSTRequest", "The body of your POST request is empty");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw OpsException.badRequest("MalformedPOSTRequest",
                    "The body of your POST request is not well-formed JSON: " + e.getOriginalMessage());
        }
    }
}
