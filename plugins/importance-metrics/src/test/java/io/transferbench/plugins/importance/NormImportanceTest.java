package io.transferbench.plugins.importance;

import io.transferbench.api.ComponentParameters;
import io.transferbench.api.importance.ImportanceMetric;
import io.transferbench.api.importance.ImportanceMetricFactory;
import io.transferbench.api.network.ActivationsWithGradients;
import io.transferbench.api.network.ConvLayerInfo;
import io.transferbench.api.network.Evaluation;
import io.transferbench.api.network.FeatureMaps;
import io.transferbench.api.network.FilterBank;
import io.transferbench.api.network.NetworkView;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class NormImportanceTest {

    /** Two filters of 1 input channel, 2x1 kernels: (3, -4) and (1, 0); biases must not count. */
    private static final ConvLayerInfo LAYER = new ConvLayerInfo("conv1", 0, 2, 1, 2, 1, false);
    private static final NetworkView NETWORK = new NetworkView() {
        @Override public String name() { return "net"; }
        @Override public List<ConvLayerInfo> convLayers() { return List.of(LAYER); }
        @Override public FilterBank filters(String layer) {
            return new FilterBank(LAYER, new float[] {3, -4, 1, 0}, new float[] {100, -100}, Optional.empty());
        }
        @Override public FeatureMaps activations(String layer, int maxImages) { throw new UnsupportedOperationException(); }
        @Override public ActivationsWithGradients activationsWithGradients(String layer, int maxImages) {
            throw new UnsupportedOperationException();
        }
        @Override public Evaluation evaluate() { throw new UnsupportedOperationException(); }
    };

    private static ImportanceMetric create(ImportanceMetricFactory f, long seed) {
        return f.create(ComponentParameters.of(f.id(), Map.of(), seed));
    }

    @Test
    void l1SumsAbsoluteWeights() {
        assertArrayEquals(new double[] {7, 1}, create(new L1NormImportance(), 0).score(NETWORK, LAYER), 1e-12);
    }

    @Test
    void l2IsTheEuclideanNorm() {
        assertArrayEquals(new double[] {5, 1}, create(new L2NormImportance(), 0).score(NETWORK, LAYER), 1e-12);
    }

    @Test
    void randomIsRepeatableForASeedAndDiffersAcrossSeeds() {
        double[] a = create(new RandomImportance(), 7).score(NETWORK, LAYER);
        double[] b = create(new RandomImportance(), 7).score(NETWORK, LAYER);
        double[] c = create(new RandomImportance(), 8).score(NETWORK, LAYER);
        assertEquals(2, a.length);
        assertArrayEquals(a, b);
        assertNotEquals(a[0], c[0]);
    }
}
