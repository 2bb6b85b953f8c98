package io.transferbench.api.compression;

import io.transferbench.api.network.NetworkView;

import java.util.Map;

/**
 * What a controller observes before a step.
 *
 * @param step             0-based step number
 * @param network          the network as it is now (masked filters still present)
 * @param importance       importance scores per conv layer name, from the stage's metric
 * @param masks            per conv layer, {@code true} where a filter is kept
 * @param accuracy         current evaluation accuracy in [0, 1]
 * @param baselineAccuracy accuracy before compression
 * @param compressionRate  parameters removed / parameters of the baseline, in [0, 1]
 * @param targetRate       the stage's compression budget, in [0, 1]
 */
public record CompressionState(int step, NetworkView network, Map<String, double[]> importance,
                               Map<String, boolean[]> masks, double accuracy, double baselineAccuracy,
                               double compressionRate, double targetRate) {
    public CompressionState {
        importance = Map.copyOf(importance);
        masks = Map.copyOf(masks);
    }
}
