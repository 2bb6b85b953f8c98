package io.transferbench.plugins.compression;

import io.transferbench.api.ComponentParameters;
import io.transferbench.api.InvalidParameterException;
import io.transferbench.api.compression.CompressionController;
import io.transferbench.api.compression.CompressionDecision;
import io.transferbench.api.compression.CompressionState;
import io.transferbench.api.network.ConvLayerInfo;
import io.transferbench.api.network.NetworkView;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** one-shot and iterative: the least important filters, to the per-layer ratio, rounded half-even. */
class LayerRatioControllersTest {

    private static CompressionState state(int step, List<ConvLayerInfo> layers, Map<String, double[]> importance) {
        NetworkView view = ToyCompression.view(layers);
        return new CompressionState(step, view, importance, Map.of(), 0.9, 0.9, 0, 0, null);
    }

    private static ConvLayerInfo layer(String name, int position, int filters) {
        return new ConvLayerInfo(name, position, filters, 3, 3, 3, true);
    }

    private static Map<String, Object> values(Object... pairs) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("ratio", 50.0);
        v.put("layer-ratios", "");
        for (int i = 0; i < pairs.length; i += 2) {
            v.put((String) pairs[i], pairs[i + 1]);
        }
        return v;
    }

    @Test
    void oneShotRemovesTheLeastImportantToTheRatio() {
        List<ConvLayerInfo> layers = List.of(layer("conv1", 0, 5), layer("conv2", 1, 8));
        Map<String, double[]> importance = Map.of("conv1", new double[] {5, 1, 4, 2, 3},
                "conv2", new double[] {0.5, 0.1, 0.9, 0.1, 0.7, 0.3, 0.8, 0.2});
        CompressionController c = new OneShotController().create(ComponentParameters.of("one-shot", values(), 1));
        CompressionDecision d = c.decide(state(0, layers, importance));
        assertEquals(CompressionDecision.Action.REMOVE, d.action());
        assertTrue(d.finished());
        // 50 % of 5 = 2.5 -> 2 (half-even); the two lowest scores are filters 1 and 3
        assertEquals(List.of(1, 3), d.filters().get("conv1"));
        // 50 % of 8 = 4; ties (0.1 at 1 and 3) go to the lower index first
        assertEquals(List.of(1, 3, 5, 7), d.filters().get("conv2"));
    }

    @Test
    void perLayerRatiosApplyInForwardOrderAndAFilterAlwaysStays() {
        List<ConvLayerInfo> layers = List.of(layer("a", 0, 4), layer("b", 1, 10), layer("c", 2, 2));
        Map<String, double[]> importance = Map.of("a", new double[] {4, 3, 2, 1},
                "b", new double[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, "c", new double[] {1, 2});
        CompressionController c = new OneShotController().create(ComponentParameters.of("one-shot",
                values("layer-ratios", "0, 35,90"), 1));
        CompressionDecision d = c.decide(state(0, layers, importance));
        assertEquals(List.of(), d.filters().get("a"));
        assertEquals(List.of(0, 1, 2, 3), d.filters().get("b")); // 3.5 -> 4
        assertEquals(List.of(0), d.filters().get("c")); // 1.8 -> 2, but one must stay
    }

    @Test
    void aMalformedOrMiscountedListIsRejectedWithItsParameter() {
        InvalidParameterException bad = assertThrows(InvalidParameterException.class, () -> new OneShotController()
                .create(ComponentParameters.of("one-shot", values("layer-ratios", "10,x"), 1)));
        assertTrue(bad.getMessage().contains("layer-ratios") && bad.getMessage().contains("'x'"), bad.getMessage());
        CompressionController c = new OneShotController().create(ComponentParameters.of("one-shot",
                values("layer-ratios", "10,20,30"), 1));
        InvalidParameterException count = assertThrows(InvalidParameterException.class, () -> c.decide(
                state(0, List.of(layer("a", 0, 4)), Map.of("a", new double[4]))));
        assertTrue(count.getMessage().contains("1 conv layers") && count.getMessage().contains("has 3"), count.getMessage());
    }

    @Test
    void iterativeReachesTheRatioInEqualStepsWithRetrainingBetween() {
        CompressionController c = new IterativeController().create(ComponentParameters.of("iterative",
                values("ratio", 60.0, "steps", 3L, "retrain-epochs", 2L), 1));
        List<ConvLayerInfo> layers = List.of(layer("a", 0, 10), layer("b", 1, 7));
        List<Integer> removedA = new ArrayList<>();
        List<Integer> removedB = new ArrayList<>();
        for (int step = 0; step < 3; step++) {
            Map<String, double[]> importance = new LinkedHashMap<>();
            for (ConvLayerInfo l : layers) {
                double[] scores = new double[l.filters()];
                for (int f = 0; f < scores.length; f++) {
                    scores[f] = scores.length - f; // the last filters are the least important
                }
                importance.put(l.name(), scores);
            }
            CompressionDecision d = c.decide(state(step, layers, importance));
            assertEquals(step == 2, d.finished());
            assertEquals(step == 2 ? 0 : 2, d.retrainEpochs());
            removedA.add(d.filters().get("a").size());
            removedB.add(d.filters().get("b").size());
            List<ConvLayerInfo> next = new ArrayList<>();
            for (ConvLayerInfo l : layers) {
                List<Integer> gone = d.filters().get(l.name());
                for (int f : gone) {
                    assertTrue(f >= l.filters() - gone.size(), "the least important go: " + gone);
                }
                next.add(layer(l.name(), l.position(), l.filters() - gone.size()));
            }
            layers = next;
        }
        // a: 60 % of 10 over 3 steps -> 2, 4, 6 in total; b: 1.4 -> 1, 2.8 -> 3, 4.2 -> 4
        assertEquals(List.of(2, 2, 2), removedA);
        assertEquals(List.of(1, 2, 1), removedB);
        assertFalse(layers.isEmpty());
    }
}
