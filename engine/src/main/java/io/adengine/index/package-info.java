/**
 * The serving snapshot: one immutable object graph per catalog version, built off the serving
 * threads by {@link io.adengine.index.SnapshotBuilder} and published by one reference swap in
 * {@link io.adengine.index.SnapshotHolder}.
 *
 * <p>Ad groups get dense ordinals (id order). For every request-side dimension the snapshot holds,
 * per value, a RoaringBitmap of the ordinals that accept the value (include list or unrestricted,
 * minus exclusions), and one bitmap of the ordinals that accept an absent or unseen value. Ad-space
 * bitmaps fold placement, pinning, publisher, creative format and static eligibility into one set per
 * ad space. Schedules (flight dates and dayparting, in each group's own UTC offset) become one bitmap
 * per UTC hour, computed on first use and cached: whole-hour offsets and midnight flight boundaries
 * make it exact for the whole hour.
 */
package io.adengine.index;
