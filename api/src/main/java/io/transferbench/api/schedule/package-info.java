/**
 * Adjustment rules of online fine-tuning: how a network's transfer frequency {@code e} and
 * transfer ratio {@code P} change at a transfer point, from the change in its error rate.
 * Provide an {@link io.transferbench.api.schedule.AdjustmentRuleFactory}.
 *
 * <p>Rules return the new value unrounded; the runtime rounds and bounds it as the descriptor says.
 */
package io.transferbench.api.schedule;
