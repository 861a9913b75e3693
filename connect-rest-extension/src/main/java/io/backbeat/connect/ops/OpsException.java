package io.backbeat.connect.ops;

/**
 * A request the ops API refuses or cannot serve, with the HTTP status and the Backbeat-style error code
 * the client receives ({@code {"code": "...", "message": "..."}}).
 */
public class OpsException extends RuntimeException {

    private final int status;
    private final String code;

    public OpsException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public OpsException(int status, String code, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public static OpsException notFound(String message) {
        return new OpsException(404, "RouteNotFound", message);
    }

    public static OpsException badRequest(String code, String message) {
        return new OpsException(400, code, message);
    }

    /** A store or service the API depends on (Redis, Kafka, the Connect REST API) failed. */
    public static OpsException unavailable(String message, Throwable cause) {
        return new OpsException(503, "ServiceUnavailable", message, cause);
    }
}
