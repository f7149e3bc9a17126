package io.adengine.bench.workload;

import java.util.SplittableRandom;

/**
 * The request stream of a workload: users drawn Zipf over the population (10 % of requests carry a GAID
 * unknown to it), ad spaces drawn Zipf over the catalog's ad space ids 1..n, device attributes drawn to
 * match the user's country (language, carrier, region) and stable per user (model, OS version).
 * Deterministic: request {@code i} depends only on (size, seed, i).
 */
public final class RequestGenerator {

    /** Share of requests whose GAID the user dictionary does not know, in percent. */
    public static final int UNKNOWN_USER_PERCENT = 10;

    private final WorkloadSize size;
    private final long seed;
    private final UserPopulation users;
    private final Zipf userZipf;
    private final Zipf spaceZipf;

    public RequestGenerator(WorkloadSize size, long seed) {
        this.size = size;
        this.seed = seed;
        this.users = new UserPopulation(seed, size.users());
        this.userZipf = new Zipf(size.users(), 0.9);
        this.spaceZipf = new Zipf(size.adSpaces(), 0.9);
    }

    public UserPopulation users() {
        return users;
    }

    /** Request number {@code index}. */
    public RequestSpec request(long index) {
        SplittableRandom r = new SplittableRandom(Seeds.mix(seed ^ 0x4E0L, index));
        boolean unknown = r.nextInt(100) < UNKNOWN_USER_PERCENT;
        // Unknown users still have a plausible device: take the attributes of a random known user.
        long user = userZipf.next(r);
        String gaid = unknown ? users.unknownGaid(index) : users.gaid(user);
        Geography.Country country = Geography.COUNTRIES.get(users.country(user));
        SplittableRandom u = users.random(user, 4);
        String language = u.nextInt(10) < 8 ? country.languages().get(0) : country.languages().get(u.nextInt(country.languages().size()));
        String carrier = country.carriers().get(u.nextInt(country.carriers().size()));
        String region = country.region(u.nextInt(Geography.REGIONS_PER_COUNTRY));
        String network = Geography.NETWORKS.get(r.nextInt(10) < 5 ? 0 : r.nextInt(Geography.NETWORKS.size()));
        int c = r.nextInt(10);
        int count = c < 7 ? 1 : c < 9 ? 2 : 3;
        return new RequestSpec("b-" + index, spaceZipf.next(r) + 1, count, gaid, unknown ? -1 : user,
                "android", users.osVersion(user), users.deviceModel(user), language, network, carrier, country.code(), region);
    }
}
