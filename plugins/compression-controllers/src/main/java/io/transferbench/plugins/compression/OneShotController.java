package io.transferbench.plugins.compression;

import io.transferbench.api.ComponentParameters;
import io.transferbench.api.ParameterSpec;
import io.transferbench.api.compression.CompressionController;
import io.transferbench.api.compression.CompressionControllerFactory;
import io.transferbench.api.compression.CompressionDecision;
import io.transferbench.api.network.ConvLayerInfo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code one-shot}: removes each conv layer's least important filters to its ratio in a single step
 * (HRank's procedure); the stage then retrains.
 */
public final class OneShotController implements CompressionControllerFactory {

    @Override
    public String id() {
        return "one-shot";
    }

    @Override
    public String description() {
        return "Removes each conv layer's least important filters to a per-layer ratio in one step, then retrains.";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return LayerRatios.PARAMETERS;
    }

    @Override
    public CompressionController create(ComponentParameters parameters) {
        LayerRatios ratios = new LayerRatios(parameters);
        return state -> {
            List<ConvLayerInfo> layers = state.network().convLayers();
            double[] percents = ratios.percents(layers.size());
            Map<String, List<Integer>> removed = new LinkedHashMap<>();
            for (ConvLayerInfo layer : layers) {
                int k = LayerRatios.count(layer.filters(), percents[layer.position()]);
                removed.put(layer.name(), LayerRatios.leastImportant(state.importance().get(layer.name()), k));
            }
            return CompressionDecision.removeAndFinish(removed, Map.of());
        };
    }
}
