package io.transferbench.api.compression;

import java.util.List;
import java.util.Map;

/**
 * A controller's answer for one step: a trial or a removal.
 *
 * <ul>
 *   <li>{@link Action#TRY}: the stage masks these filters in a copy of the current network (their outputs
 *       become zero), measures the copy's accuracy and compression, and keeps nothing. A search (the
 *       {@code rl} controller) is a sequence of trials; each trial names every filter it masks.</li>
 *   <li>{@link Action#REMOVE}: the stage removes these filters physically (the network shrinks, the next
 *       layer loses the matching inputs), then trains for {@code retrainEpochs} epochs. Filter indices of
 *       later steps refer to the smaller network.</li>
 * </ul>
 *
 * @param filters       per conv layer name, the filter indices masked ({@code TRY}) or removed ({@code REMOVE})
 * @param action        what the stage does with them
 * @param retrainEpochs epochs trained after a removal before the next decision (0 for a trial; 0 when
 *                      {@code finished}, since the stage's own retraining follows)
 * @param finished      compression ends after this step; only a removal can finish
 * @param diagnostics   numbers the controller wants recorded with the step (episode, epsilon, return...)
 */
public record CompressionDecision(Map<String, List<Integer>> filters, Action action, int retrainEpochs,
                                  boolean finished, Map<String, Double> diagnostics) {

    /** What the stage does with a decision's filters. */
    public enum Action { TRY, REMOVE }

    public CompressionDecision {
        filters = Map.copyOf(filters);
        // sorted, so events serialise the same way on every run
        diagnostics = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(diagnostics));
        if (retrainEpochs < 0) {
            throw new IllegalArgumentException("retrainEpochs must not be negative: " + retrainEpochs);
        }
        if (action == Action.TRY && (retrainEpochs > 0 || finished)) {
            throw new IllegalArgumentException("a trial neither retrains nor finishes; remove filters to finish");
        }
        if (finished && retrainEpochs > 0) {
            throw new IllegalArgumentException("the last removal does not retrain: the stage's own epochs follow");
        }
    }

    /** Masks {@code filters} in a copy of the network and measures it. */
    public static CompressionDecision trial(Map<String, List<Integer>> filters, Map<String, Double> diagnostics) {
        return new CompressionDecision(filters, Action.TRY, 0, false, diagnostics);
    }

    /** Removes {@code filters} physically and retrains for {@code retrainEpochs} before the next step. */
    public static CompressionDecision remove(Map<String, List<Integer>> filters, int retrainEpochs) {
        return new CompressionDecision(filters, Action.REMOVE, retrainEpochs, false, Map.of());
    }

    /** Removes {@code filters} physically and ends compression. */
    public static CompressionDecision removeAndFinish(Map<String, List<Integer>> filters,
                                                      Map<String, Double> diagnostics) {
        return new CompressionDecision(filters, Action.REMOVE, 0, true, diagnostics);
    }
}
