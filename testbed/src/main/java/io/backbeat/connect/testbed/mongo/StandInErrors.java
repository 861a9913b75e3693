package io.backbeat.connect.testbed.mongo;

import de.bwaldvogel.mongo.exception.MongoServerError;

/** The errors the stand-in's change streams raise, with the codes and messages a real MongoDB uses. */
final class StandInErrors {

    static final int CURSOR_NOT_FOUND = 43;
    static final int INVALID_RESUME_TOKEN = 260;
    static final int CHANGE_STREAM_FATAL_ERROR = 280;
    static final int CHANGE_STREAM_HISTORY_LOST = 286;

    private StandInErrors() {
    }

    static MongoServerError historyLost() {
        return new MongoServerError(CHANGE_STREAM_HISTORY_LOST, "ChangeStreamHistoryLost",
                "Resume of change stream was not possible, as the resume point may no longer be in the oplog.");
    }

    static MongoServerError resumeTokenNotFound(ResumeToken token) {
        return new MongoServerError(CHANGE_STREAM_FATAL_ERROR, "ChangeStreamFatalError",
                "cannot resume stream; the resume token was not found. {_data: \"" + token.data() + "\"}");
    }

    static MongoServerError invalidResumeToken(String option, Object value, String detail) {
        return new MongoServerError(INVALID_RESUME_TOKEN, "InvalidResumeToken",
                "'" + option + "' is not a valid resume token (" + detail + "): " + value);
    }

    static MongoServerError resumeAfterInvalidate() {
        return new MongoServerError(INVALID_RESUME_TOKEN, "InvalidResumeToken",
                "Attempting to resume a change stream using 'resumeAfter' is not allowed from an invalidate "
                        + "notification.");
    }

    static MongoServerError idModified(Object expected, Object found) {
        return new MongoServerError(CHANGE_STREAM_FATAL_ERROR, "ChangeStreamFatalError",
                "Encountered an event whose _id field, which contains the resume token, was modified by the "
                        + "pipeline. Modifying the _id field of an event makes it impossible to resume the stream "
                        + "from that point. Only transformations that retain the unmodified _id field are allowed. "
                        + "Expected: " + expected + " but found: " + found);
    }

    static MongoServerError unknownOption(String field) {
        return new MongoServerError(40415, "Location40415", "BSON field '$changeStream." + field
                + "' is an unknown field.");
    }

    static MongoServerError badOption(String message) {
        return new MongoServerError(2, "BadValue", message);
    }

    static MongoServerError multipleResumeOptions() {
        return new MongoServerError(40674, "Location40674",
                "Only one type of resume option is allowed, but multiple were found.");
    }

    static MongoServerError stageNotPermitted(String stage) {
        return new MongoServerError(20, "IllegalOperation", stage + " is not permitted in a $changeStream pipeline");
    }

    static MongoServerError invalidNamespace(String message) {
        return new MongoServerError(73, "InvalidNamespace", message);
    }

    static MongoServerError cursorNotFound(long cursorId) {
        return new MongoServerError(CURSOR_NOT_FOUND, "CursorNotFound", "cursor id " + cursorId + " not found");
    }
}
