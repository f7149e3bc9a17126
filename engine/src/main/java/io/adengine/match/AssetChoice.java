package io.adengine.match;

import io.adengine.model.Creative;

/**
 * Which title, description, button and image of a creative an impression shows, packed into one int (8 bits
 * each, in that order from the low byte). Without learned choices the request's seed rotates them (as it
 * always did); with them, each kind's best-scored asset (see {@code learn.LearnedRates}). The first
 * {@link #TRACKED} options of each kind travel in the impression id (4 bits each), so clicks can be counted
 * per asset; index {@link #UNTRACKED} there means "not tracked".
 */
public final class AssetChoice {

    /** Asset kinds, in packing order. */
    public static final int TITLE = 0;
    public static final int DESCRIPTION = 1;
    public static final int BUTTON = 2;
    public static final int IMAGE = 3;
    public static final int KINDS = 4;
    /** Options per kind whose results are tracked (and that learning chooses among). */
    public static final int TRACKED = 15;
    /** The 4-bit index meaning "not tracked". */
    public static final int UNTRACKED = 15;

    private AssetChoice() {
    }

    /** The index of one kind in a packed choice. */
    public static int index(int packed, int kind) {
        return packed >>> (8 * kind) & 0xff;
    }

    /** Packs four indexes (each 0..255). */
    public static int pack(int title, int description, int button, int image) {
        return title | description << 8 | button << 16 | image << 24;
    }

    /** How many options a creative has of a kind. */
    public static int options(Creative c, int kind) {
        return switch (kind) {
            case TITLE -> c.titles().size();
            case DESCRIPTION -> c.descriptions().size();
            case BUTTON -> c.buttons().size();
            case IMAGE -> c.images().size();
            default -> throw new IllegalArgumentException("kind " + kind);
        };
    }

    /** The seed's rotation of a slot's assets (what the answer showed before learning: same seed, same choice). */
    public static int rotation(Creative c, long slotSeed) {
        return pack(pick(c.titles().size(), slotSeed), pick(c.descriptions().size(), slotSeed >>> 8),
                pick(c.buttons().size(), slotSeed >>> 16), pick(c.images().size(), slotSeed >>> 24));
    }

    private static int pick(int options, long seed) {
        return options == 0 ? 0 : (int) Math.min(255, Long.remainderUnsigned(seed, options));
    }

    /** The 16 bits an impression id carries: each kind's index, or {@link #UNTRACKED} past the tracked ones. */
    public static int tracked(int packed) {
        int bits = 0;
        for (int k = 0; k < KINDS; k++) {
            int i = index(packed, k);
            bits |= Math.min(i, UNTRACKED) << (4 * k);
        }
        return bits;
    }

    /** One kind's index in the impression id's 16 bits, or {@link #UNTRACKED}. */
    public static int trackedIndex(int bits, int kind) {
        return bits >>> (4 * kind) & 0xf;
    }
}
