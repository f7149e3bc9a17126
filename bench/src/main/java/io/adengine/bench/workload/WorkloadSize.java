package io.adengine.bench.workload;

/**
 * The standard workload sizes of {@code shared/BENCHMARKS.md}. Creatives are three per ad group.
 *
 * @param users      users known to the (future) user dictionary; requests also carry 10 % unknown GAIDs
 * @param audiences  audience ids ad groups may target (1..audiences)
 * @param apps       promoted apps of app-download ad groups
 */
public enum WorkloadSize {
    S(50, 200, 1_000, 10, 50, 100_000L, 50, 20),
    M(2_000, 10_000, 100_000, 200, 1_000, 10_000_000L, 1_000, 200),
    L(10_000, 50_000, 1_000_000, 1_000, 10_000, 100_000_000L, 10_000, 2_000);

    /** Creatives per ad group: 3 × ad groups as the table asks. */
    public static final int CREATIVES_PER_AD_GROUP = 3;

    private final int accounts;
    private final int campaigns;
    private final int adGroups;
    private final int publishers;
    private final int adSpaces;
    private final long users;
    private final int audiences;
    private final int apps;

    WorkloadSize(int accounts, int campaigns, int adGroups, int publishers, int adSpaces, long users, int audiences, int apps) {
        this.accounts = accounts;
        this.campaigns = campaigns;
        this.adGroups = adGroups;
        this.publishers = publishers;
        this.adSpaces = adSpaces;
        this.users = users;
        this.audiences = audiences;
        this.apps = apps;
    }

    public int accounts() {
        return accounts;
    }

    public int campaigns() {
        return campaigns;
    }

    public int adGroups() {
        return adGroups;
    }

    public int creatives() {
        return adGroups * CREATIVES_PER_AD_GROUP;
    }

    public int publishers() {
        return publishers;
    }

    public int adSpaces() {
        return adSpaces;
    }

    public long users() {
        return users;
    }

    public int audiences() {
        return audiences;
    }

    public int apps() {
        return apps;
    }
}
