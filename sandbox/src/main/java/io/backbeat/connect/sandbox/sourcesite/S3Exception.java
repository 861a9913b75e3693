package io.backbeat.connect.sandbox.sourcesite;

/**
 * An S3 error answer: the AWS error code, the HTTP status and a message that says what was wrong with the
 * request. Thrown anywhere below the router, rendered once as the S3 XML error document.
 */
public class S3Exception extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String code;
    private final int httpStatus;

    public S3Exception(int httpStatus, String code, String message) {
        super(message);
        this.code = code;
        this.httpStatus = httpStatus;
    }

    public String code() {
        return code;
    }

    public int httpStatus() {
        return httpStatus;
    }

    static S3Exception noSuchBucket(String bucket) {
        return new S3Exception(404, "NoSuchBucket", "The specified bucket does not exist: " + bucket);
    }

    static S3Exception noSuchKey(String bucket, String key) {
        return new S3Exception(404, "NoSuchKey", "The specified key does not exist: " + bucket + "/" + key);
    }

    static S3Exception noSuchVersion(String key, String versionId) {
        return new S3Exception(404, "NoSuchVersion",
                "The specified version does not exist: key " + key + ", versionId " + versionId);
    }

    static S3Exception noSuchUpload(String uploadId) {
        return new S3Exception(404, "NoSuchUpload", "The specified multipart upload does not exist: " + uploadId);
    }

    static S3Exception invalidArgument(String message) {
        return new S3Exception(400, "InvalidArgument", message);
    }

    static S3Exception invalidRequest(String message) {
        return new S3Exception(400, "InvalidRequest", message);
    }

    static S3Exception malformedXml(String message) {
        return new S3Exception(400, "MalformedXML", "The XML you provided was not well-formed or did not validate "
                + "against our published schema: " + message);
    }

    static S3Exception notImplemented(String what) {
        return new S3Exception(501, "NotImplemented",
                "The source site emulator does not implement " + what);
    }

    static S3Exception internal(String message, Throwable cause) {
        S3Exception e = new S3Exception(500, "InternalError", message);
        e.initCause(cause);
        return e;
    }
}
