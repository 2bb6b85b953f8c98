package io.transferbench.api.compression;

import io.transferbench.api.network.NetworkView;

import java.util.Map;

/**
 * What a controller observes before a step, and, passed to
 * {@link CompressionController#observe}, the outcome of a step.
 *
 * @param step             0-based step number
 * @param network          the network as it is now, after every removal so far (trials change nothing)
 * @param importance       importance scores per conv layer name of {@code network}, from the stage's metric
 * @param masks            per conv layer of {@code network}, {@code true} where a filter is kept: all
 *                         {@code true} after a removal, the trial's masks after a trial
 * @param accuracy         accuracy in [0, 1] of the network with these masks, on the stage's search images
 * @param baselineAccuracy the same measure before compression began
 * @param compressionRate  parameters removed (by removals and these masks) / parameters before compression
 * @param flopsReduction   FLOPs removed / FLOPs before compression, counted the same way
 * @param cost             the runtime's count of what any masks of {@code network} would remove
 */
public record CompressionState(int step, NetworkView network, Map<String, double[]> importance,
                               Map<String, boolean[]> masks, double accuracy, double baselineAccuracy,
                               double compressionRate, double flopsReduction, CostModel cost) {
    public CompressionState {
        importance = Map.copyOf(importance);
        masks = Map.copyOf(masks);
    }

    /**
     * Counts parameters and FLOPs by the runtime's one formula (docs/methods.md), so a controller can
     * plan to a budget without knowing how layers connect.
     */
    public interface CostModel {
        /**
         * Parameters the network would lose with these masks ({@code true} = kept; layers absent keep
         * everything), plus those already removed, over the parameters before compression.
         */
        double compressionRate(Map<String, boolean[]> masks);

        /** The same for FLOPs. */
        double flopsReduction(Map<String, boolean[]> masks);
    }
}
