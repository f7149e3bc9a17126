package io.adengine.server;

/** A query parameter or path segment that cannot be used: a 400 {@code invalid_field} naming it. */
final class BadParameter extends Exception {

    private static final long serialVersionUID = 1L;

    final String field;

    BadParameter(String field, String message) {
        super(message, null, false, false);
        this.field = field;
    }

    ApiError error() {
        return ApiError.invalid(field, getMessage());
    }
}
