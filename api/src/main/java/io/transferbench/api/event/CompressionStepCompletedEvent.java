package io.transferbench.api.event;

import io.transferbench.api.compression.CompressionDecision;

import java.util.Map;

/**
 * A compression controller's step ended: what it did ({@code TRY} or {@code REMOVE}), how many
 * filters, the compression rate and FLOPs reduction reached, the accuracy measured there (on the
 * stage's search images) and the controller's own numbers (episode, epsilon, return...).
 */
public record CompressionStepCompletedEvent(String stage, String network, int step, String controller,
                                            CompressionDecision.Action action, int filters, double compressionRate,
                                            double flopsReduction, double accuracy,
                                            Map<String, Double> diagnostics) implements StageEvent {
    public CompressionStepCompletedEvent {
        // sorted, so events serialise the same way on every run
        diagnostics = diagnostics == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(diagnostics));
    }
}
