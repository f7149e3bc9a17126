package io.adengine.audience;

/** An audience file or profile feed was rejected; the message says why in terms the uploader can act on. */
public final class AudienceFileException extends Exception {

    private static final long serialVersionUID = 1L;

    public AudienceFileException(String message) {
        super(message);
    }
}
