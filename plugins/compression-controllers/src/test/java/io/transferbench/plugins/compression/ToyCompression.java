package io.transferbench.plugins.compression;

import io.transferbench.api.compression.CompressionController;
import io.transferbench.api.compression.CompressionDecision;
import io.transferbench.api.compression.CompressionState;
import io.transferbench.api.network.ActivationsWithGradients;
import io.transferbench.api.network.ConvLayerInfo;
import io.transferbench.api.network.Evaluation;
import io.transferbench.api.network.FeatureMaps;
import io.transferbench.api.network.FilterBank;
import io.transferbench.api.network.NetworkView;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * A stand-in for the compression stage: layers of equal filters whose accuracy is a known function of
 * the masked fraction per layer. Every filter costs the same, so the compression rate is the masked
 * fraction of all filters. Filter f of a layer has importance f, so the least important go first.
 */
final class ToyCompression {

    record Step(CompressionDecision decision, double rate, double accuracy, double[] maskedFractions) {
    }

    private final List<ConvLayerInfo> layers = new ArrayList<>();
    private final ToDoubleFunction<double[]> accuracy;

    ToyCompression(int layerCount, int filters, ToDoubleFunction<double[]> accuracy) {
        for (int i = 0; i < layerCount; i++) {
            layers.add(new ConvLayerInfo("conv" + i, i, filters, 3, 3, 3, false));
        }
        this.accuracy = accuracy;
    }

    double[] fractions(Map<String, boolean[]> masks) {
        double[] f = new double[layers.size()];
        for (ConvLayerInfo l : layers) {
            boolean[] kept = masks.get(l.name());
            if (kept != null) {
                int off = 0;
                for (boolean k : kept) {
                    off += k ? 0 : 1;
                }
                f[l.position()] = (double) off / l.filters();
            }
        }
        return f;
    }

    double rate(Map<String, boolean[]> masks) {
        double sum = 0;
        for (double x : fractions(masks)) {
            sum += x;
        }
        return sum / layers.size();
    }

    Map<String, boolean[]> masksOf(Map<String, List<Integer>> masked) {
        Map<String, boolean[]> masks = new LinkedHashMap<>();
        for (ConvLayerInfo l : layers) {
            boolean[] kept = new boolean[l.filters()];
            java.util.Arrays.fill(kept, true);
            for (int f : masked.getOrDefault(l.name(), List.of())) {
                kept[f] = false;
            }
            masks.put(l.name(), kept);
        }
        return masks;
    }

    private CompressionState state(int step, Map<String, boolean[]> masks) {
        Map<String, double[]> importance = new LinkedHashMap<>();
        for (ConvLayerInfo l : layers) {
            importance.put(l.name(), java.util.stream.IntStream.range(0, l.filters()).asDoubleStream().toArray());
        }
        CompressionState.CostModel cost = new CompressionState.CostModel() {
            @Override
            public double compressionRate(Map<String, boolean[]> m) {
                return rate(m);
            }

            @Override
            public double flopsReduction(Map<String, boolean[]> m) {
                return rate(m);
            }
        };
        return new CompressionState(step, view(), importance, masks, accuracy.applyAsDouble(fractions(masks)),
                accuracy.applyAsDouble(new double[layers.size()]), rate(masks), rate(masks), cost);
    }

    /** Drives a controller as the stage does, until it finishes; every step in order. */
    List<Step> run(CompressionController controller, int maxSteps) {
        List<Step> steps = new ArrayList<>();
        CompressionState state = state(0, masksOf(Map.of()));
        for (int i = 0; i < maxSteps; i++) {
            CompressionDecision decision = controller.decide(state);
            Map<String, boolean[]> masks = masksOf(decision.filters());
            steps.add(new Step(decision, rate(masks), accuracy.applyAsDouble(fractions(masks)), fractions(masks)));
            if (decision.finished()) {
                return steps;
            }
            CompressionState after = state(i + 1, masks);
            controller.observe(state, decision, after);
            state = after;
        }
        throw new AssertionError("the controller did not finish in " + maxSteps + " steps");
    }

    private NetworkView view() {
        return view(layers);
    }

    /** A view that knows only its conv layers. */
    static NetworkView view(List<ConvLayerInfo> layers) {
        return new NetworkView() {
            @Override
            public String name() {
                return "toy";
            }

            @Override
            public List<ConvLayerInfo> convLayers() {
                return layers;
            }

            @Override
            public FilterBank filters(String layer) {
                throw new UnsupportedOperationException();
            }

            @Override
            public FeatureMaps activations(String layer, int maxImages) {
                throw new UnsupportedOperationException();
            }

            @Override
            public ActivationsWithGradients activationsWithGradients(String layer, int maxImages) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Evaluation evaluate() {
                throw new UnsupportedOperationException();
            }
        };
    }
}
