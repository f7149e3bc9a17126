package io.adengine.model;

/** Marketing objective of a campaign (seed 001 §3.1.1). Brand deliveries rank ahead of performance ones. */
public enum Objective {
    PERFORMANCE, BRAND
}
