package io.transferbench.api.event;

/**
 * A network's transfer schedule at the start of an online-transfer stage: the initial {@code e}
 * (epochs between transfers) and {@code P} (percent of filters received), the rule that adjusts each,
 * and their bounds. With the {@link ScheduleAdjustedEvent}s that follow, e and P are known at every epoch.
 */
public record ScheduleInitializedEvent(String stage, String network, double frequency, double ratio,
                                       String frequencyRule, String ratioRule, double frequencyMin,
                                       double frequencyMax, double ratioMin, double ratioMax)
        implements StageEvent {
}
