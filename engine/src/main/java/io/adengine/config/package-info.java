/**
 * The engine's one typed configuration, read from {@code engine.yaml} and validated once at start;
 * every error names the offending key.
 */
package io.adengine.config;
