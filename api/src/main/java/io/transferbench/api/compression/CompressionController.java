package io.transferbench.api.compression;

/** Decides, step by step, which filters a compression stage removes. */
public interface CompressionController {

    CompressionDecision decide(CompressionState state);

    /** Told the outcome of the step it decided, for controllers that learn. Ignored by default. */
    default void observe(CompressionState before, CompressionDecision decision, CompressionState after) {
    }
}
