package io.transferbench.api.event;

import io.transferbench.api.compression.CompressionDecision;

import java.util.Map;

/**
 * A compression controller's step ended: what it did ({@code TRY} or {@code REMOVE}), how many
 * filters, the compression rate and FLOPs reduction reached, the accuracy measured there (on the
 * stage's search images) and the controller's own numbers (episode, epsilon, return...).
 *
 * @param adaptationBatches training batches the measured network's batch-norm statistics were re-estimated from
 *                          before it was measured (adaptive BN; 0: measured with the statistics it inherited)
 * @param retrainBatches    training batches a masked trial was trained for, masks kept, before it was measured
 * @param accuracyBeforeRetraining    for a retrained trial, its accuracy before the retraining, measured as
 *                                    {@code accuracy} is (statistics re-estimated when the stage does); else NaN
 * @param accuracyInheritedStatistics for a retrained trial, its accuracy before the retraining with the statistics
 *                                    it inherited; else NaN. The three accuracies of one candidate show whether
 *                                    a cheap measurement ranks candidates as the retrained one does (EagleEye).
 */
public record CompressionStepCompletedEvent(String stage, String network, int step, String controller,
                                            CompressionDecision.Action action, int filters, double compressionRate,
                                            double flopsReduction, double accuracy,
                                            Map<String, Double> diagnostics, int adaptationBatches,
                                            int retrainBatches, double accuracyBeforeRetraining,
                                            double accuracyInheritedStatistics) implements StageEvent {
    public CompressionStepCompletedEvent {
        // sorted, so events serialise the same way on every run
        diagnostics = diagnostics == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(diagnostics));
    }
}
