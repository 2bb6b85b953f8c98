package io.transferbench.api.compression;

/**
 * Decides, step by step, which filters a compression stage tries or removes. The stage calls
 * {@link #decide} with the current state, carries out the decision, then calls {@link #observe}
 * with the state before, the decision and the state after, until a decision is
 * {@link CompressionDecision#finished()}. One controller instance serves one stage run.
 */
public interface CompressionController {

    CompressionDecision decide(CompressionState state);

    /** Told the outcome of the step it decided, for controllers that learn. Ignored by default. */
    default void observe(CompressionState before, CompressionDecision decision, CompressionState after) {
    }
}
