package io.adengine.model;

/** Gender a user may be known to have; targeting on it excludes users whose gender is unknown. */
public enum Gender {
    MALE, FEMALE
}
