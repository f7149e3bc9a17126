/**
 * Durable storage shared by the concepts that keep their own history: the one append-only,
 * CRC32C-checked {@link io.adengine.storage.RecordLog} (group commit, torn-tail cut, folder fsync), used
 * by the event journal ({@code events}) and the catalog change log ({@code catalog}).
 */
package io.adengine.storage;
