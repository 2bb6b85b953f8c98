package io.transferbench.plugins.compression;

import io.transferbench.api.ComponentParameters;
import io.transferbench.api.ParameterSpec;
import io.transferbench.api.compression.CompressionController;
import io.transferbench.api.compression.CompressionControllerFactory;
import io.transferbench.api.compression.CompressionDecision;
import io.transferbench.api.compression.CompressionState;
import io.transferbench.api.network.ConvLayerInfo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code iterative}: reaches the per-layer ratios in {@code steps} equal removals with
 * {@code retrain-epochs} of training between them. After step i of k a layer that had n filters has
 * lost round(ratio * n * i / k) in total; each step removes the least important of the filters left,
 * ranked on the retrained network.
 */
public final class IterativeController implements CompressionControllerFactory {

    @Override
    public String id() {
        return "iterative";
    }

    @Override
    public String description() {
        return "Reaches the per-layer ratios in k equal removal steps, retraining between them.";
    }

    @Override
    public List<ParameterSpec> parameters() {
        List<ParameterSpec> all = new ArrayList<>(LayerRatios.PARAMETERS);
        all.add(ParameterSpec.integer("steps", "Removal steps.").withDefault(3L).withMinimum(1).withMaximum(100));
        all.add(ParameterSpec.integer("retrain-epochs", "Epochs trained between two steps.").withDefault(1L)
                .withMinimum(0).withMaximum(1000));
        return all;
    }

    @Override
    public CompressionController create(ComponentParameters parameters) {
        return new Iterative(new LayerRatios(parameters), (int) parameters.integer("steps"),
                (int) parameters.integer("retrain-epochs"));
    }

    private static final class Iterative implements CompressionController {
        private final LayerRatios ratios;
        private final int steps;
        private final int retrainEpochs;
        private final Map<String, Integer> originalFilters = new LinkedHashMap<>();
        private double[] percents;

        Iterative(LayerRatios ratios, int steps, int retrainEpochs) {
            this.ratios = ratios;
            this.steps = steps;
            this.retrainEpochs = retrainEpochs;
        }

        @Override
        public CompressionDecision decide(CompressionState state) {
            List<ConvLayerInfo> layers = state.network().convLayers();
            if (state.step() == 0) {
                layers.forEach(l -> originalFilters.put(l.name(), l.filters()));
                percents = ratios.percents(layers.size());
            }
            int step = state.step() + 1;
            Map<String, List<Integer>> removed = new LinkedHashMap<>();
            for (ConvLayerInfo layer : layers) {
                int original = originalFilters.get(layer.name());
                int goneSoFar = original - layer.filters();
                int goneAfter = LayerRatios.count(original, percents[layer.position()] * step / steps);
                removed.put(layer.name(), LayerRatios.leastImportant(state.importance().get(layer.name()),
                        Math.max(0, goneAfter - goneSoFar)));
            }
            return step == steps ? CompressionDecision.removeAndFinish(removed, Map.of())
                    : CompressionDecision.remove(removed, retrainEpochs);
        }
    }
}
