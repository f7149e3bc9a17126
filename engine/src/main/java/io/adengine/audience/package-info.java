/**
 * Who the user is: the persisted GAID dictionary ({@link io.adengine.audience.UserDictionary}, MD5 of the
 * trimmed lower-case GAID to a dense {@code int} user id), uploaded audiences as RoaringBitmaps over user
 * ids, demographics and per-app install state from the profile feed, all published together as one
 * immutable {@link io.adengine.audience.UserData} behind one volatile reference. Raw GAIDs are hashed at
 * the edge and never stored or logged.
 */
package io.adengine.audience;
