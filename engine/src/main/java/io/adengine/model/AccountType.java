package io.adengine.model;

/** Who holds an account. Individuals are modelled only so that the engine can refuse them (seed 000 §1). */
public enum AccountType {
    ADVERTISER, CORE_AGENCY, SUB_AGENT, INDIVIDUAL
}
