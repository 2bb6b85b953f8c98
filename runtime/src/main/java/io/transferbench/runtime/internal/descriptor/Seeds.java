package io.transferbench.runtime.internal.descriptor;

import java.util.SplittableRandom;

/**
 * Every seed of a run comes from the descriptor's {@code seed} through here: trials, networks and
 * components each get a seed derived from their parent's and a name, so adding a trial, a network or
 * a stage leaves the others' seeds as they were.
 */
public final class Seeds {

    /** The 64-bit golden ratio: spreads small, similar salts over the whole range before mixing. */
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private Seeds() {
    }

    /** A seed derived from {@code parent} and a number (a trial's). */
    public static long derive(long parent, long salt) {
        return new SplittableRandom(parent ^ (GOLDEN * salt)).nextLong();
    }

    /** A seed derived from {@code parent} and a name (a network's, a stage's, a key's). */
    public static long derive(long parent, String name) {
        return derive(parent, name.hashCode());
    }

    /** The seed of trial {@code trial} (1-based): trial 1 keeps the descriptor's seed. */
    public static long trial(long seed, int trial) {
        return trial == 1 ? seed : derive(seed, trial);
    }
}
