package io.transferbench.api.event;

import java.util.List;

/**
 * A {@code patch} stage measured the interpolated network {@code w(a) = (1 - a) w_zs + a w_ft} on every
 * task of one split: the validation split while coefficients are being chosen, the test split for the
 * final report (a = 0, a = 1 and each search's choice).
 *
 * @param split     {@code validation} or {@code test}
 * @param tasks     each task's loss and accuracy, supported tasks first
 * @param objective the stage's objective at this coefficient on this split (lower is better)
 */
public record CoefficientEvaluatedEvent(String stage, String split, double coefficient, List<TaskScore> tasks,
                                        double objective) implements StageEvent {

    public CoefficientEvaluatedEvent {
        tasks = List.copyOf(tasks);
    }

    /**
     * One task measured at one coefficient.
     *
     * @param role {@code supported} or {@code patch}
     * @param loss mean cross-entropy over the split's images
     */
    public record TaskScore(String task, String role, double loss, double accuracy, int images) {
    }
}
