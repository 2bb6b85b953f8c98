package io.transferbench.plugins.compression;

import io.transferbench.api.ComponentParameters;
import io.transferbench.api.compression.CompressionController;
import io.transferbench.api.compression.CompressionDecision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rl controller on a toy recognizer whose best masks are known. */
class ReinforcementLearningControllerTest {

    /**
     * Three layers of 10 filters. Masking layer 0 costs 0.6 accuracy per unit fraction, layer 1 costs
     * 0.3, layer 2 nothing up to half and 0.4 beyond. With a 40 % budget (1.2 layer-fractions in all)
     * the best masks are (0, 0.7, 0.5), losing 0.21; the next best lose 0.22 (0, 0.6, 0.6) and 0.24.
     */
    private static double accuracy(double[] f) {
        return 0.9 - 0.6 * f[0] - 0.3 * f[1] - 0.4 * Math.max(0, f[2] - 0.5);
    }

    private static CompressionController controller(long seed, double targetPercent, int episodes) {
        Map<String, Object> values = defaults();
        values.put("target-rate", targetPercent);
        values.put("episodes", (long) episodes);
        return new ReinforcementLearningController().create(ComponentParameters.of("rl", values, seed));
    }

    private static Map<String, Object> defaults() {
        Map<String, Object> values = new java.util.LinkedHashMap<>();
        new ReinforcementLearningController().parameters().forEach(p -> values.put(p.name(), p.defaultValue().orElseThrow()));
        return values;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void theGreedyPolicyLearnsTheBestMasks(long seed) {
        ToyCompression toy = new ToyCompression(3, 10, ReinforcementLearningControllerTest::accuracy);
        List<ToyCompression.Step> steps = toy.run(controller(seed, 40, 500), 10_000);

        // the last three trials are the greedy episode, played after learning
        ToyCompression.Step greedyEnd = steps.get(steps.size() - 2);
        double[] f = greedyEnd.maskedFractions();
        double loss = 0.9 - greedyEnd.accuracy();
        assertEquals(0.0, f[0], 1e-9, "the expensive layer is left alone: " + java.util.Arrays.toString(f));
        assertTrue(loss <= 0.22 + 1e-9, "greedy masks " + java.util.Arrays.toString(f) + " lose " + loss);
        assertTrue(greedyEnd.rate() >= 0.4 - 1e-9);
        // and it learned: the first episodes (mostly random) lost more on average
        double early = 0;
        for (int i = 0; i < 10; i++) {
            early += 0.9 - steps.get(3 * i + 2).accuracy();
        }
        assertTrue(early / 10 > loss + 0.03, "early mean loss " + early / 10 + " vs greedy " + loss);
    }

    @Test
    void everyEpisodeAndTheFinalRemovalMeetTheBudget() {
        ToyCompression toy = new ToyCompression(4, 8, f -> 0.9 - 0.1 * (f[0] + f[1] + f[2] + f[3]));
        List<ToyCompression.Step> steps = toy.run(controller(7, 60, 40), 10_000);
        ToyCompression.Step last = steps.get(steps.size() - 1);
        assertEquals(CompressionDecision.Action.REMOVE, last.decision().action());
        assertTrue(last.decision().finished());
        assertTrue(last.rate() >= 0.6 - 1e-9, "final rate " + last.rate());
        int episodes = 0;
        for (int i = 3; i < steps.size() - 1; i += 4) {
            assertTrue(steps.get(i).rate() >= 0.6 - 1e-9, "episode ends at rate " + steps.get(i).rate());
            episodes++;
        }
        assertEquals(41, episodes, "40 exploring episodes and a greedy one, 4 trials each");
    }

    @Test
    void theDefaultsAreValidParameters() {
        ToyCompression toy = new ToyCompression(2, 4, f -> 0.9 - 0.1 * f[0] - 0.2 * f[1]);
        Map<String, Object> values = defaults();
        values.put("episodes", 5L);
        List<ToyCompression.Step> steps = toy.run(new ReinforcementLearningController()
                .create(ComponentParameters.of("rl", values, 11)), 1000);
        assertEquals(6 * 2 + 1, steps.size());
        assertTrue(steps.get(steps.size() - 1).rate() >= 0.5 - 1e-9);
    }
}
