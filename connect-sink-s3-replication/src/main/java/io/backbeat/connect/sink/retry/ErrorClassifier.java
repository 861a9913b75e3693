package io.backbeat.connect.sink.retry;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedByInterruptException;
import java.util.Locale;
import java.util.Set;

import io.backbeat.connect.model.InvalidMetadataException;

import com.mongodb.MongoException;
import com.mongodb.MongoExecutionTimeoutException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.MongoWriteConcernException;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Tells retryable failures (throttling, 5xx, connection resets and timeouts) from final ones (access
 * denied, missing bucket or version, destination not versioned, bad request) and gives each an AWS-style
 * reason code.
 */
public final class ErrorClassifier {

    /** Error codes that may go away by themselves, whatever their HTTP status. */
    private static final Set<String> RETRYABLE_CODES = Set.of("SlowDown", "Throttling", "ThrottlingException",
            "ThrottledException", "RequestThrottled", "RequestLimitExceeded", "TooManyRequestsException",
            "ProvisionedThroughputExceededException", "RequestTimeout", "RequestTimeoutException", "InternalError",
            "ServiceUnavailable", "BadDigest", "IncompleteBody", "RequestTimeTooSkewed", "PriorRequestNotComplete",
            "OperationAborted", "EC2ThrottledException", "IDPCommunicationError");

    private static final Set<String> CREDENTIAL_CODES = Set.of("InvalidAccessKeyId", "SignatureDoesNotMatch",
            "InvalidToken", "ExpiredToken", "InvalidClientTokenId", "TokenRefreshRequired");

    private ErrorClassifier() {
    }

    /** Classifies any throwable thrown by an operation on {@code side}. */
    public static ReplicationFailure classify(Throwable error, Side side) {
        if (error instanceof ReplicationFailure failure) {
            return failure;
        }
        if (isInterruption(error)) {
            return ReplicationFailure.interrupted(side, describe(error), error);
        }
        if (find(error, InvalidMetadataException.class) != null) {
            return new ReplicationFailure(side.prefix() + "InvalidMetadata", false, side, describe(error), error);
        }
        MongoException mongo = find(error, MongoException.class);
        if (mongo != null) {
            return classifyMongo(mongo, side, error);
        }
        AwsServiceException service = find(error, AwsServiceException.class);
        if (service != null) {
            return classifyService(service, side, error);
        }
        if (error instanceof ApiCallTimeoutException || error instanceof ApiCallAttemptTimeoutException
                || find(error, SocketTimeoutException.class) != null) {
            return new ReplicationFailure(side.prefix() + "RequestTimeout", true, side, describe(error), error);
        }
        if (find(error, UnknownHostException.class) != null || find(error, ConnectException.class) != null) {
            return new ReplicationFailure(side.prefix() + "Unreachable", true, side, describe(error), error);
        }
        if (find(error, InterruptedIOException.class) == null
                && (find(error, IOException.class) != null || find(error, UncheckedIOException.class) != null)) {
            return new ReplicationFailure(side.prefix() + "ConnectionError", true, side, describe(error), error);
        }
        if (error instanceof SdkClientException && error.getMessage() != null
                && error.getMessage().toLowerCase(Locale.ROOT).contains("unable to execute http request")) {
            return new ReplicationFailure(side.prefix() + "ConnectionError", true, side, describe(error), error);
        }
        if (error instanceof SdkClientException && error.getMessage() != null
                && error.getMessage().toLowerCase(Locale.ROOT).contains("credentials")) {
            return new ReplicationFailure(side.prefix() + "InvalidCredentials", false, side, describe(error), error);
        }
        return new ReplicationFailure(side.prefix() + "InternalError", false, side, describe(error), error);
    }

    /**
     * MongoDB (the metadata reader and the status writer's mongodb mode): an unreachable, recovering or
     * stepping-down server, a timeout or a write labelled retryable may go away; anything else (a refused
     * write, a bad command) will not.
     */
    private static ReplicationFailure classifyMongo(MongoException e, Side side, Throwable original) {
        if (e instanceof MongoSecurityException) {
            return new ReplicationFailure(side.prefix() + "InvalidCredentials", false, side, describe(original),
                    original);
        }
        boolean retryable = e instanceof MongoSocketException || e instanceof MongoTimeoutException
                || e instanceof MongoExecutionTimeoutException || e instanceof MongoNotPrimaryException
                || e instanceof MongoNodeIsRecoveringException || e instanceof MongoWriteConcernException
                || e.hasErrorLabel(MongoException.TRANSIENT_TRANSACTION_ERROR_LABEL)
                || e.hasErrorLabel("RetryableWriteError");
        String reason = side.prefix() + (retryable ? "Unreachable" : "MongoError" + e.getCode());
        if (retryable && !(e instanceof MongoSocketException || e instanceof MongoTimeoutException)) {
            reason = side.prefix() + "MongoError" + e.getCode();
        }
        return new ReplicationFailure(reason, retryable, side, describe(original), original);
    }

    private static ReplicationFailure classifyService(AwsServiceException e, Side side, Throwable original) {
        int status = e.statusCode();
        String code = e.awsErrorDetails() != null && e.awsErrorDetails().errorCode() != null
                ? e.awsErrorDetails().errorCode() : "";
        String message = describe(original);
        boolean retryable = RETRYABLE_CODES.contains(code) || status >= 500 || status == 429 || e.isThrottlingException();
        if (retryable) {
            return new ReplicationFailure(code.isEmpty() ? side.prefix() + "Http" + status : code, true, side,
                    message, original);
        }
        return new ReplicationFailure(finalReason(code, status, side), false, side, message, original);
    }

    private static String finalReason(String code, int status, Side side) {
        String p = side.prefix();
        if (CREDENTIAL_CODES.contains(code)) {
            return p + "InvalidCredentials";
        }
        switch (code) {
            case "NoSuchBucket":
                return p + "BucketNotFound";
            case "NoSuchKey":
            case "NoSuchVersion":
            case "ObjNotFound":
                return p + "ObjectNotFound";
            case "InvalidBucketState":
                return side == Side.DESTINATION ? "DstBucketUnversioned" : p + "InvalidBucketState";
            case "AccessDenied":
            case "AllAccessDisabled":
            case "AccountProblem":
                return side == Side.SOURCE ? "SrcGetObjectNotPermitted"
                        : side == Side.DESTINATION ? "DstPutObjectNotPermitted" : p + "AccessDenied";
            default:
                break;
        }
        if (status == 404) {
            return p + "ObjectNotFound";
        }
        if (status == 403) {
            return side == Side.SOURCE ? "SrcGetObjectNotPermitted"
                    : side == Side.DESTINATION ? "DstPutObjectNotPermitted" : p + "AccessDenied";
        }
        return code.isEmpty() ? p + "Http" + status : code;
    }

    private static String describe(Throwable error) {
        StringBuilder sb = new StringBuilder(String.valueOf(error.getMessage()));
        Throwable cause = error.getCause();
        int depth = 0;
        while (cause != null && cause != error && depth++ < 4) {
            if (cause.getMessage() != null && !sb.toString().contains(cause.getMessage())) {
                sb.append(" <- ").append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage());
            }
            cause = cause.getCause();
        }
        return sb.toString();
    }

    /**
     * Whether the operation stopped because its thread was interrupted (a task stopping): the SDK's
     * {@link AbortedException}, an {@link InterruptedException}, or an I/O interruption that is not a timeout.
     */
    private static boolean isInterruption(Throwable error) {
        if (find(error, InterruptedException.class) != null || find(error, AbortedException.class) != null
                || find(error, ClosedByInterruptException.class) != null) {
            return true;
        }
        InterruptedIOException io = find(error, InterruptedIOException.class);
        return io != null && io.getClass() == InterruptedIOException.class;
    }

    private static <T extends Throwable> T find(Throwable error, Class<T> type) {
        Throwable t = error;
        int depth = 0;
        while (t != null && depth++ < 10) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            t = t.getCause();
        }
        return null;
    }
}
