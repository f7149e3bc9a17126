package io.adengine.config;

/** An invalid configuration value; the message starts with the offending key. */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ConfigException(String key, String message) {
        super(key + ": " + message);
    }
}
