/**
 * The approved catalog's entities: accounts, campaigns, ad groups, creatives and ad spaces, and the
 * value types they are made of. Every type is immutable; money is {@code long} micros of a currency
 * ({@link io.adengine.model.Money} does the exact arithmetic), time is epoch millis plus an explicit
 * whole-hour UTC offset. {@link io.adengine.model.Eligibility} holds the static serving rule (what may
 * serve at all, independent of any request). Reading and writing the catalog's JSON form is the
 * {@code catalog} package's.
 */
package io.adengine.model;
