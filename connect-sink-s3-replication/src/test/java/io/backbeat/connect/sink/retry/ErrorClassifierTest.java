package io.backbeat.connect.sink.retry;

import static io.backbeat.connect.sink.retry.RetryPolicyTest.s3Error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.backbeat.connect.model.InvalidMetadataException;

import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkClientException;

class ErrorClassifierTest {

    @ParameterizedTest(name = "{0} {1} on {2} -> {3}, retryable {4}")
    @CsvSource({
            "503, SlowDown, DESTINATION, SlowDown, true",
            "500, InternalError, SOURCE, InternalError, true",
            "502, '', DESTINATION, DstHttp502, true",
            "429, TooManyRequests, DESTINATION, TooManyRequests, true",
            "400, RequestTimeout, DESTINATION, RequestTimeout, true",
            "403, AccessDenied, DESTINATION, DstPutObjectNotPermitted, false",
            "403, AccessDenied, SOURCE, SrcGetObjectNotPermitted, false",
            "403, InvalidAccessKeyId, DESTINATION, DstInvalidCredentials, false",
            "403, SignatureDoesNotMatch, SOURCE, SrcInvalidCredentials, false",
            "404, NoSuchBucket, DESTINATION, DstBucketNotFound, false",
            "404, NoSuchKey, SOURCE, SrcObjectNotFound, false",
            "404, NoSuchVersion, SOURCE, SrcObjectNotFound, false",
            "409, InvalidBucketState, DESTINATION, DstBucketUnversioned, false",
            "400, InvalidArgument, DESTINATION, InvalidArgument, false",
            "404, '', SOURCE_METADATA, SrcMetadataObjectNotFound, false",
    })
    void serviceErrors(int status, String code, Side side, String reason, boolean retryable) {
        ReplicationFailure f = ErrorClassifier.classify(s3Error(status, code), side);
        assertEquals(reason, f.reason());
        assertEquals(retryable, f.retryable());
        assertEquals(side, f.side());
    }

    @Test
    void networkErrorsAreRetryable() {
        ReplicationFailure reset = ErrorClassifier.classify(SdkClientException.builder()
                .message("Unable to execute HTTP request: Connection reset")
                .cause(new SocketException("Connection reset")).build(), Side.DESTINATION);
        assertEquals("DstConnectionError", reset.reason());
        assertTrue(reset.retryable());

        ReplicationFailure refused = ErrorClassifier.classify(SdkClientException.builder().message("x")
                .cause(new ConnectException("Connection refused")).build(), Side.SOURCE);
        assertEquals("SrcUnreachable", refused.reason());
        assertTrue(refused.retryable());

        ReplicationFailure timeout = ErrorClassifier.classify(new SocketTimeoutException("Read timed out"),
                Side.DESTINATION);
        assertEquals("DstRequestTimeout", timeout.reason());
        assertTrue(timeout.retryable());

        assertTrue(ErrorClassifier.classify(new IOException("broken pipe"), Side.SOURCE).retryable());
    }

    @Test
    void interruptionsAreNotFailures() {
        ReplicationFailure aborted = ErrorClassifier.classify(AbortedException.builder()
                .message("Thread was interrupted").build(), Side.DESTINATION);
        assertEquals(ReplicationFailure.INTERRUPTED, aborted.reason());
        assertTrue(aborted.isInterruption());
        assertTrue(ErrorClassifier.classify(new IllegalStateException(new InterruptedException()), Side.SOURCE)
                .isInterruption());
        assertTrue(ErrorClassifier.classify(new java.io.InterruptedIOException("cut"), Side.SOURCE).isInterruption());
        // a timeout is an InterruptedIOException too, but a failure to retry
        assertFalse(ErrorClassifier.classify(new SocketTimeoutException("Read timed out"), Side.SOURCE)
                .isInterruption());
    }

    @Test
    void programmingAndDataErrorsAreFinal() {
        ReplicationFailure f = ErrorClassifier.classify(new InvalidMetadataException("content-md5 is bad"),
                Side.SOURCE_METADATA);
        assertEquals("SrcMetadataInvalidMetadata", f.reason());
        assertFalse(f.retryable());
        ReplicationFailure npe = ErrorClassifier.classify(new NullPointerException("x"), Side.DESTINATION);
        assertEquals("DstInternalError", npe.reason());
        assertFalse(npe.retryable());
    }

    @Test
    void classifiedFailuresPassThrough() {
        ReplicationFailure f = ReplicationFailure.permanent("DstBucketUnversioned", Side.DESTINATION, "m");
        assertEquals(f, ErrorClassifier.classify(f, Side.SOURCE));
    }
}
