package io.transferbench.runtime.internal.engine;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.util.Arrays;

import static io.transferbench.runtime.internal.engine.FastBatchNormIT.fit;
import static io.transferbench.runtime.internal.engine.FastBatchNormIT.gradient;
import static io.transferbench.runtime.internal.engine.FastBatchNormIT.network;
import static io.transferbench.runtime.internal.engine.FastBatchNormIT.randomBatch;
import static io.transferbench.runtime.internal.engine.FastPathGradientIT.relativeDifference;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ReLU applied by the batch norm or addition before it ({@link ReluFusion}) against the same fast
 * layers each computing their own ReLU. The fused passes do the same float operations (a ReLU of the
 * same values; the same mask applied to the same gradient), so the two must agree to the last bit,
 * and a ReLU skipped where the producer did not apply it must be caught.
 */
class ReluFusionIT {

    @BeforeAll
    static void start() {
        assertTrue(Dl4jEngine.start(), "the oneDNN helpers must be active for this comparison to mean anything");
        assertTrue(OneDnn.available(), "oneDNN's own library must load: the fused passes run through it");
    }

    @ParameterizedTest(name = "{0} on {1}x{2}x{3}, width {4}: {5} ReLU layers")
    @CsvSource({"vgg-11, 28, 28, 1, 0.125, 8", "resnet-20, 32, 32, 3, 0.5, 19"})
    void fusedTrainingIsBitIdenticalToReluLayersOfTheirOwn(String model, int h, int w, int c, double width,
                                                             int reluLayers) {
        Model separate = network(model, h, w, c, width, null);
        String before = System.getProperty(ReluFusion.PROPERTY);
        try {
            System.setProperty(ReluFusion.PROPERTY, "false");
            Networks.installFastLayers(separate);
        } finally {
            restore(before);
        }
        Model fused = network(model, h, w, c, width, separate);
        Networks.installFastLayers(fused);
        assertEquals(reluLayers, ReluFusion.link(fused), "every ReLU layer has a producer that can apply it");
        DataSet batch = randomBatch(h, w, c);

        INDArray expected = gradient(separate, batch);
        assertEquals(0, reluLayersPassingOn(separate), "unlinked ReLU layers compute their own");
        INDArray actual = gradient(fused, batch);
        assertEquals(reluLayers, reluLayersPassingOn(fused), "each fused ReLU layer handed its input on");
        assertEquals(0.0, relativeDifference(actual, expected), "gradients");

        fit(separate, batch);
        fit(fused, batch);
        assertEquals(reluLayers, reluLayersPassingOn(fused));
        assertEquals(0.0, relativeDifference(fused.params(), separate.params()), "parameters and running statistics");
        // inference never fuses: the ReLU layers compute, and the outputs agree
        INDArray x = batch.getFeatures();
        INDArray fusedOutput = Networks.output(fused, x);
        assertEquals(0, reluLayersPassingOn(fused));
        assertEquals(0.0, relativeDifference(fusedOutput, Networks.output(separate, x)), "inference outputs");
    }

    @Test
    void theComparisonCatchesAReluSkippedWhereNothingAppliedIt() {
        Model separate = network("resnet-20", 32, 32, 3, 0.5, null);
        String before = System.getProperty(ReluFusion.PROPERTY);
        Model mistaken = network("resnet-20", 32, 32, 3, 0.5, separate);
        try {
            System.setProperty(ReluFusion.PROPERTY, "false");
            Networks.installFastLayers(separate);
            Networks.installFastLayers(mistaken);
        } finally {
            restore(before);
        }
        // the mistake: a link whose producer does not apply the ReLU (as if ReluFusion paired the wrong layers)
        for (Layer layer : layers(mistaken)) {
            if (layer instanceof FastReluLayer relu) {
                relu.takeReluFrom(array -> true);
            }
        }
        DataSet batch = randomBatch(32, 32, 3);
        double difference = relativeDifference(gradient(mistaken, batch), gradient(separate, batch));
        assertTrue(difference > 1e-2, "caught: gradient differs by " + difference);
    }

    private static void restore(String before) {
        if (before == null) {
            System.clearProperty(ReluFusion.PROPERTY);
        } else {
            System.setProperty(ReluFusion.PROPERTY, before);
        }
    }

    private static long reluLayersPassingOn(Model net) {
        return Arrays.stream(layers(net)).filter(l -> l instanceof FastReluLayer relu && relu.passedOn()).count();
    }

    private static Layer[] layers(Model net) {
        return net instanceof MultiLayerNetwork m ? m.getLayers() : ((ComputationGraph) net).getLayers();
    }
}
