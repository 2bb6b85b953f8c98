package io.transferbench.api.schedule;

/** Computes the next value of {@code e} or {@code P} at a transfer point. */
public interface AdjustmentRule {

    /** The new value, unrounded and unbounded. */
    double adjust(AdjustmentContext context);
}
