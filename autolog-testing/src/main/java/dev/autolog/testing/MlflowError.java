package dev.autolog.testing;

/**
 * An {@code MlflowException} of the real server: an error code, a message, and the HTTP status that
 * {@code ERROR_CODE_TO_HTTP_STATUS} gives the code. The body is {@code json.dumps} of
 * {@code {"error_code": ..., "message": ...}}.
 */
final class MlflowError extends RuntimeException {

    static final String INVALID_PARAMETER_VALUE = "INVALID_PARAMETER_VALUE";
    static final String RESOURCE_DOES_NOT_EXIST = "RESOURCE_DOES_NOT_EXIST";
    static final String RESOURCE_ALREADY_EXISTS = "RESOURCE_ALREADY_EXISTS";
    static final String INTERNAL_ERROR = "INTERNAL_ERROR";
    static final String INVALID_STATE = "INVALID_STATE";
    static final String BAD_REQUEST = "BAD_REQUEST";

    final String errorCode;

    MlflowError(String errorCode, String message) {
        super(message, null, false, false);
        this.errorCode = errorCode;
    }

    static MlflowError invalidParameter(String message) {
        return new MlflowError(INVALID_PARAMETER_VALUE, message);
    }

    static MlflowError notFound(String message) {
        return new MlflowError(RESOURCE_DOES_NOT_EXIST, message);
    }

    int httpStatus() {
        return switch (errorCode) {
            case INVALID_PARAMETER_VALUE, RESOURCE_ALREADY_EXISTS, BAD_REQUEST -> 400;
            case RESOURCE_DOES_NOT_EXIST -> 404;
            default -> 500;
        };
    }

    String body() {
        return "{\"error_code\": " + PyJson.quote(errorCode) + ", \"message\": " + PyJson.quote(getMessage()) + "}";
    }
}
