/**
 * Events from serving to billing. For now: signed tracker tokens (HMAC-SHA256, key from config) that
 * the impression and click URLs of every ad carry.
 */
package io.adengine.events;
