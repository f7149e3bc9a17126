package io.adengine.match;

import io.adengine.audience.Demographics;
import io.adengine.audience.InstallHistory;
import io.adengine.audience.UserData;
import io.adengine.audience.UserDataHolder;
import io.adengine.audience.UserDictionary;
import io.adengine.audience.GaidKey;
import io.adengine.model.AdGroup;
import io.adengine.model.Gender;
import io.adengine.model.InstallStateTarget;
import io.adengine.model.Targeting;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Random user data for the oracle tests, with a plain {@code Set}-based model of it beside: per user the
 * audiences it is in, its gender and age, and per app its install events replayed day by day. Shares
 * no code with the bitmaps, the install-state computation or the compiled rules.
 */
final class RandomUsers {

    static final int USERS = 40;
    static final long[] AUDIENCES = {1L, 2L, 3L};
    static final String[] APPS = {"com.app0", "com.app1", "com.app2"};
    /** The day install state is computed for (the catalog's base day). */
    static final int TODAY = (int) (RandomCatalogs.BASE_MILLIS / 86_400_000L);
    private static final UserDictionary DICTIONARY = UserDictionary.inMemory(10_000);
    private static final String[] GAIDS = new String[USERS];

    static {
        GaidKey keys = new GaidKey();
        byte[] key = new byte[16];
        Random r = new Random(7);
        for (int i = 0; i < USERS; i++) {
            GAIDS[i] = String.format("%08x-%04x-%04x-%04x-%012x", r.nextInt(), r.nextInt(0x10000), r.nextInt(0x10000),
                    r.nextInt(0x10000), r.nextLong() & 0xFFFFFFFFFFFFL);
            keys.ofGaid(GAIDS[i], key);
            if (DICTIONARY.idOrAssign(key) != i) {
                throw new AssertionError("ids must be dense in assignment order");
            }
        }
    }

    /** One user's facts as the model knows them. */
    record Facts(Set<Long> audiences, Gender gender, Integer age, Set<String> installedNow, Set<String> within90, Set<String> ever) {
    }

    /** The facts of every user id, and the same data as the engine reads it. */
    record Users(Facts[] facts, UserDataHolder holder) {

        /** The GAID of a user id, as a client would send it (sometimes in upper case, padded). */
        String gaid(int user, Random r) {
            String g = GAIDS[user];
            return r.nextBoolean() ? " " + g.toUpperCase() + " " : g;
        }
    }

    static Users users(Random r) {
        Facts[] facts = new Facts[USERS];
        Map<Long, org.roaringbitmap.RoaringBitmap> audiences = new HashMap<>();
        byte[] genders = new byte[USERS];
        byte[] ages = new byte[USERS];
        Map<String, InstallHistory> histories = new HashMap<>();
        Map<String, List<int[]>> events = new HashMap<>();
        for (String app : APPS) {
            List<int[]> list = new ArrayList<>();
            int n = r.nextInt(USERS * 2);
            for (int i = 0; i < n; i++) {
                // user, day (around today, some in the future), install?
                list.add(new int[] {r.nextInt(USERS), TODAY - r.nextInt(200) + 3, r.nextInt(3) == 0 ? 0 : 1});
            }
            events.put(app, list);
            int[] u = list.stream().mapToInt(e -> e[0]).toArray();
            int[] d = list.stream().mapToInt(e -> e[1]).toArray();
            boolean[] ins = new boolean[n];
            for (int i = 0; i < n; i++) {
                ins[i] = list.get(i)[2] == 1;
            }
            histories.put(app, new InstallHistory(u, d, ins, n));
        }
        for (long a : AUDIENCES) {
            if (r.nextInt(6) != 0) {
                audiences.put(a, new org.roaringbitmap.RoaringBitmap());
            }
        }
        for (int user = 0; user < USERS; user++) {
            Set<Long> in = new HashSet<>();
            for (long a : AUDIENCES) {
                if (audiences.containsKey(a) && r.nextInt(3) == 0) {
                    in.add(a);
                    audiences.get(a).add(user);
                }
            }
            Gender gender = r.nextInt(4) == 0 ? null : Gender.values()[r.nextInt(2)];
            Integer age = r.nextInt(4) == 0 ? null : 13 + r.nextInt(50);
            genders[user] = (byte) (gender == null ? Demographics.UNKNOWN : gender.ordinal());
            ages[user] = (byte) (age == null ? Demographics.UNKNOWN : age);
            Set<String> now = new HashSet<>();
            Set<String> within = new HashSet<>();
            Set<String> ever = new HashSet<>();
            for (String app : APPS) {
                replay(user, events.get(app), app, now, within, ever);
            }
            facts[user] = new Facts(in, gender, age, now, within, ever);
        }
        UserData data = new UserData(DICTIONARY, audiences, new Demographics(genders, ages), histories, TODAY);
        return new Users(facts, new UserDataHolder(data));
    }

    /** Replays one user's events day by day up to today (uninstalls before installs on the same day). */
    private static void replay(int user, List<int[]> all, String app, Set<String> now, Set<String> within, Set<String> ever) {
        boolean[] installedOn = new boolean[TODAY + 1 - (TODAY - 300)];
        boolean installed = false;
        boolean everInstalled = false;
        for (int day = TODAY - 300; day <= TODAY; day++) {
            boolean installedDuringDay = installed;
            for (int pass = 0; pass < 2; pass++) {
                for (int[] e : all) {
                    if (e[0] == user && e[1] == day && e[2] == pass) {
                        installed = pass == 1;
                        everInstalled = true;
                        installedDuringDay = true;
                    }
                }
            }
            installedOn[day - (TODAY - 300)] = installedDuringDay;
        }
        if (installed) {
            now.add(app);
        }
        for (int day = TODAY - 90; day <= TODAY; day++) {
            if (installedOn[day - (TODAY - 300)]) {
                within.add(app);
            }
        }
        if (everInstalled) {
            ever.add(app);
        }
    }

    /** The model's answer: does the group's user-side targeting accept these facts ({@code null}: unknown user)? */
    static boolean accepts(AdGroup g, Facts f) {
        Targeting t = g.targeting();
        Set<Long> audiences = f == null ? Set.of() : f.audiences();
        Gender gender = f == null ? null : f.gender();
        Integer age = f == null ? null : f.age();
        if (!t.genders().isEmpty() && (gender == null || !t.genders().contains(gender))) {
            return false;
        }
        if (!t.age().isAny() && (age == null || age < t.age().min() || age > t.age().max())) {
            return false;
        }
        if (!t.includeAudiences().isEmpty() && t.includeAudiences().stream().noneMatch(audiences::contains)) {
            return false;
        }
        if (t.excludeAudiences().stream().anyMatch(audiences::contains)) {
            return false;
        }
        if (g.app() == null) {
            return true;
        }
        String app = g.app().packageName();
        boolean now = f != null && f.installedNow().contains(app);
        boolean within = f != null && f.within90().contains(app);
        boolean ever = f != null && f.ever().contains(app);
        InstallStateTarget target = g.installState();
        return switch (target) {
            case ALL_USERS -> true;
            case ALREADY_INSTALLED -> now;
            case NOT_CURRENTLY_INSTALLED -> !now;
            case NOT_INSTALLED_WITHIN_90_DAYS -> !within;
            case NEVER_INSTALLED -> !ever;
        };
    }

    static String[] gaids() {
        return Arrays.copyOf(GAIDS, USERS);
    }
}
