/**
 * The approved catalog as the control plane describes it: accounts, campaigns, ad groups, creatives
 * and ad spaces. Every type is immutable; money is {@code long} micros of a currency, time is epoch
 * millis plus an explicit whole-hour UTC offset.
 *
 * <p>{@link io.adengine.model.Eligibility} holds the static serving rule (what may serve at all,
 * independent of any request); {@link io.adengine.model.CatalogJson} reads the catalog's JSON form.
 */
package io.adengine.model;
