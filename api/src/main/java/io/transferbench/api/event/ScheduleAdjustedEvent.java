package io.transferbench.api.event;

import io.transferbench.api.schedule.ScheduleParameter;

/**
 * A rule changed a network's {@code e} or {@code P} at a transfer point.
 *
 * @param rawValue the rule's unrounded, unbounded result; {@code newValue} is after rounding and bounds
 */
public record ScheduleAdjustedEvent(String stage, String network, int epoch, ScheduleParameter parameter,
                                    String rule, double oldValue, double rawValue, double newValue,
                                    double errorRateDiff) implements StageEvent {
}
