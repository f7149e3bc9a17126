package io.adengine.model;

/**
 * One image, video or icon of a creative.
 *
 * @param durationMillis video length; 0 for images
 */
public record Asset(String url, int width, int height, long bytes, long durationMillis) {
}
