package io.transferbench.runtime.internal.engine;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.layers.normalization.BatchNormalizationHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.io.File;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

import static io.transferbench.runtime.internal.engine.FastPathGradientIT.relativeDifference;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Batch norm's training-time helper ({@link FastBatchNormHelper}) against DL4J's own (oneDNN)
 * helper. Sums run in another order, so the two cannot be bit-identical; the tolerances below are
 * about 20 times what was measured (docs/performance.md), and two realistic mistakes must exceed
 * them: an input gradient that treats the batch statistics as constants, and running statistics fed
 * the unbiased batch variance.
 */
class FastBatchNormIT {

    static final double GRADIENT_TOLERANCE = 1e-4;
    static final double PARAMETER_TOLERANCE = 2e-5;
    static final double RUNNING_STATISTICS_TOLERANCE = 2e-4;
    static final double OUTPUT_TOLERANCE = 2e-4;
    // float rounding of sums over at most 8192 values, relative to the double-precision result
    static final double LAYER_TOLERANCE = 2e-5;

    @BeforeAll
    static void start() {
        assertTrue(Dl4jEngine.start(), "the oneDNN helpers must be active for this comparison to mean anything");
    }

    /** How far the fast network ended from the stock one. */
    record Differences(double gradient, double parameters, double runningStatistics, double outputs) {
    }

    /** Batch-norm layers with the fast helper, checking that it ran: it holds the last batch's statistics. */
    private static int fastHelpersThatRan(Model net) {
        int ran = 0;
        for (Layer layer : layers(net)) {
            if (layer instanceof BatchNormalization bn && bn.getHelper() instanceof BatchNormalizationHelper helper
                    && !(helper instanceof MKLDNNBatchNormHelper) && helper.getMeanCache(DataType.FLOAT) != null) {
                ran++;
            }
        }
        return ran;
    }

    @ParameterizedTest(name = "{0} on {1}x{2}x{3}, width {4}: {5} batch-norm layers")
    @CsvSource({
            "vgg-11, 28, 28, 1, 0.125, 8",
            "vgg-16, 32, 32, 3, 0.0625, 13",
            "resnet-20, 32, 32, 3, 0.5, 21"})
    void trainsAsDl4jsOwnWithinTheStatedTolerance(String model, int h, int w, int c, double width, int batchNormLayers,
                                                  @TempDir Path dir) throws Exception {
        Model stock = network(model, h, w, c, width, null);
        Model fast = network(model, h, w, c, width, stock);
        assertEquals(batchNormLayers, FastBatchNormHelper.install(fast));
        Networks.installFastLayers(fast); // as the trainer: batch norm between the fast conv and ReLU layers
        assertEquals(0, FastBatchNormHelper.install(fast), "installing twice changes nothing");
        Differences d = train(stock, fast, randomBatch(h, w, c));
        assertEquals(batchNormLayers, fastHelpersThatRan(fast), "every batch-norm layer trained with the fast helper");
        System.out.println(model + " " + h + "x" + w + "x" + c + ": " + d);
        assertTrue(d.gradient() < GRADIENT_TOLERANCE, "gradient differs by " + d.gradient());
        assertTrue(d.parameters() < PARAMETER_TOLERANCE, "parameters after a step differ by " + d.parameters());
        assertTrue(d.runningStatistics() < RUNNING_STATISTICS_TOLERANCE,
                "running mean or log10 std differ by " + d.runningStatistics());
        assertTrue(d.outputs() < OUTPUT_TOLERANCE, "inference outputs differ by " + d.outputs());

        // the saved model is DL4J's own: stock layers, stock helper, the same outputs
        File file = dir.resolve("model.zip").toFile();
        ModelSerializer.writeModel(fast, file, true);
        Model restored = Networks.restore(file.toPath());
        for (Layer layer : layers(restored)) {
            if (layer instanceof BatchNormalization bn) {
                assertInstanceOf(MKLDNNBatchNormHelper.class, bn.getHelper());
            }
        }
        INDArray x = randomBatch(h, w, c).getFeatures();
        assertEquals(0.0, relativeDifference(Networks.output(restored, x), Networks.output(fast, x)), 1e-5);
    }

    @ParameterizedTest(name = "the check catches {0}")
    @CsvSource({"an input gradient without the batch-statistics terms", "running statistics from the unbiased variance"})
    void theCheckCatchesRealisticMistakes(String mistake) {
        Model stock = network("vgg-11", 28, 28, 1, 0.125, null);
        Model fast = network("vgg-11", 28, 28, 1, 0.125, stock);
        boolean gradientMistake = mistake.startsWith("an input gradient");
        assertEquals(8, install(fast, helper -> new Mistaken(helper, gradientMistake)));
        Networks.installFastLayers(fast);
        Differences d = train(stock, fast, randomBatch(28, 28, 1));
        assertEquals(8, fastHelpersThatRan(fast), "every batch-norm layer trained with the mistaken helper");
        System.out.println("mistake '" + mistake + "': " + d);
        if (gradientMistake) {
            assertTrue(d.gradient() > GRADIENT_TOLERANCE, "caught: gradient differs by " + d.gradient());
        } else {
            assertTrue(d.runningStatistics() > RUNNING_STATISTICS_TOLERANCE,
                    "caught: running statistics differ by " + d.runningStatistics());
        }
    }

    /**
     * 8 random images in 5 classes, one of the batches on which neither path meets a ReLU tie. A
     * network's gradient jumps where a ReLU input crosses zero, and among the half a million ReLU
     * inputs of a ResNet-20 batch one often lies within float rounding of it: the two float paths
     * then put it on opposite sides, and batch norm's backward pass, multiplying by gamma/sqrt(var +
     * eps) of channels with little variance, turns that one element into up to 1e-2 of the whole
     * gradient. Measured against a double-precision copy of the network, the path that differs is
     * the one rounding went against: 5 of the random batches 1-9 have such a tie (1.2e-3 to 5e-2),
     * with the matrix-vector fallback too; FastPathGradientIT's batch with an all-zero image has one
     * for oneDNN's batch norm in ResNet-20 (1.6e-4).
     * Each later training step is another chance for a tie, hence one step here. The helper's
     * arithmetic itself is checked against double precision, without ReLUs, by
     * {@link #matchesDoublePrecisionLayerByLayer}.
     */
    static DataSet randomBatch(int h, int w, int c) {
        Nd4j.getRandom().setSeed(13);
        INDArray x = Nd4j.rand(DataType.FLOAT, 8, h, w, c).subi(0.3);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 8, 5);
        for (int i = 0; i < 8; i++) {
            y.putScalar(i, i % 5, 1f);
        }
        return new DataSet(x, y);
    }

    static Model network(String model, int h, int w, int c, double width, Model sameParametersAs) {
        Model net = Networks.create(model, new ModelBuilder.InputShape(h, w, c), 5, width, 7, new Nesterovs(0.05, 0.9), 0);
        if (sameParametersAs != null) {
            net.setParams(sameParametersAs.params().dup());
        }
        return net;
    }

    /** The gradient on one batch, then a Nesterov step on it: parameters, running statistics, outputs. */
    private static Differences train(Model stock, Model fast, DataSet batch) {
        double gradient = relativeDifference(gradient(fast, batch), gradient(stock, batch));
        fit(stock, batch);
        fit(fast, batch);
        double running = 0;
        Map<String, INDArray> stockParams = stock.paramTable();
        for (Map.Entry<String, INDArray> e : fast.paramTable().entrySet()) {
            if (e.getKey().endsWith("_mean") || e.getKey().endsWith("_log10stdev")) {
                running = Math.max(running, relativeDifference(e.getValue(), stockParams.get(e.getKey())));
            }
        }
        INDArray x = batch.getFeatures();
        return new Differences(gradient, relativeDifference(fast.params(), stock.params()), running,
                relativeDifference(Networks.output(fast, x), Networks.output(stock, x)));
    }

    static INDArray gradient(Model net, DataSet batch) {
        if (net instanceof MultiLayerNetwork m) {
            m.setInput(batch.getFeatures().dup());
            m.setLabels(batch.getLabels().dup());
            m.computeGradientAndScore();
        } else {
            ComputationGraph g = (ComputationGraph) net;
            g.setInputs(batch.getFeatures().dup());
            g.setLabels(batch.getLabels().dup());
            g.computeGradientAndScore();
        }
        return net.gradient().gradient().dup();
    }

    static void fit(Model net, DataSet batch) {
        if (net instanceof MultiLayerNetwork m) {
            m.fit(batch);
        } else {
            ((ComputationGraph) net).fit(batch);
        }
    }

    private static Layer[] layers(Model net) {
        return net instanceof MultiLayerNetwork m ? m.getLayers() : ((ComputationGraph) net).getLayers();
    }

    private static int install(Model net, Function<FastBatchNormHelper, BatchNormalizationHelper> wrap) {
        try {
            Field field = BatchNormalization.class.getDeclaredField("helper");
            field.setAccessible(true);
            int installed = 0;
            for (Layer layer : layers(net)) {
                if (layer instanceof BatchNormalization bn) {
                    field.set(bn, wrap.apply(new FastBatchNormHelper()));
                    installed++;
                }
            }
            return installed;
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * One DL4J batch-norm layer with this helper, in training, against the formulas in double
     * precision: the output, the batch mean and biased variance handed to the layer for its running
     * statistics, the input gradient and gamma's and beta's. The shapes are ResNet-20's and VGG's
     * (channels 8 to 64, some a single block of oneDNN's layout), and one channel is constant, where
     * the variance is 0 and epsilon alone keeps the division finite. Its value, 0.5, sums exactly in
     * float: for a value that does not, x - mean is rounding noise that x̂ divides by sqrt(eps), in
     * any float implementation (0.7 gives output errors of 3e-3 here).
     */
    @ParameterizedTest(name = "{0} images of {1}x{1}x{2}")
    @CsvSource({"8, 32, 8", "8, 16, 16", "8, 8, 32", "4, 4, 64", "3, 5, 12"})
    void matchesDoublePrecisionLayerByLayer(int n, int side, int channels) {
        double eps = 1e-5;
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3)
                .dataType(DataType.FLOAT).list()
                .layer(new org.deeplearning4j.nn.conf.layers.BatchNormalization.Builder().nOut(channels).eps(eps)
                        .dataFormat(CNN2DFormat.NHWC).build())
                .setInputType(InputType.convolutional(side, side, channels, CNN2DFormat.NHWC)).build());
        net.init();
        net.initGradientsView();
        assertEquals(1, FastBatchNormHelper.install(net));
        BatchNormalization layer = (BatchNormalization) net.getLayer(0);
        Nd4j.getRandom().setSeed(17);
        INDArray gamma = layer.getParam("gamma").assign(Nd4j.rand(DataType.FLOAT, 1, channels).addi(0.5));
        INDArray beta = layer.getParam("beta").assign(Nd4j.rand(DataType.FLOAT, 1, channels).subi(0.5));
        INDArray x = Nd4j.rand(DataType.FLOAT, n, side, side, channels).muli(3).addi(2);
        x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(1)).assign(0.5);
        INDArray dy = Nd4j.rand(DataType.FLOAT, n, side, side, channels).subi(0.5);

        LayerWorkspaceMgr noWorkspaces = LayerWorkspaceMgr.noWorkspaces();
        layer.setInput(x, noWorkspaces);
        INDArray out = layer.activate(true, noWorkspaces).dup();
        INDArray mean = ((BatchNormalizationHelper) layer.getHelper()).getMeanCache(DataType.FLOAT).dup();
        INDArray var = ((BatchNormalizationHelper) layer.getHelper()).getVarCache(DataType.FLOAT).dup();
        Pair<Gradient, INDArray> backward = layer.backpropGradient(dy, noWorkspaces);

        // the formulas, in double, over the [N*H*W, C] matrix
        INDArray rows = x.castTo(DataType.DOUBLE).reshape(-1, channels);
        INDArray dyRows = dy.castTo(DataType.DOUBLE).reshape(-1, channels);
        long m = rows.size(0);
        INDArray mu = rows.mean(0);
        INDArray centred = rows.subRowVector(mu);
        INDArray sigma2 = centred.mul(centred).mean(0);
        INDArray inverseStd = Transforms.pow(sigma2.add(eps), -0.5);
        INDArray xHat = centred.mulRowVector(inverseStd);
        INDArray g = gamma.castTo(DataType.DOUBLE).reshape(channels);
        INDArray expected = xHat.mulRowVector(g).addRowVector(beta.castTo(DataType.DOUBLE).reshape(channels));
        INDArray dBeta = dyRows.sum(0);
        INDArray dGamma = dyRows.mul(xHat).sum(0);
        INDArray dx = dyRows.subRowVector(dBeta.div(m)).subi(xHat.mulRowVector(dGamma.div(m)))
                .mulRowVector(inverseStd.mul(g));

        Map<String, Double> errors = new java.util.LinkedHashMap<>();
        errors.put("output", doubleDifference(out.reshape(-1, channels), expected));
        errors.put("batch mean", doubleDifference(mean, mu));
        errors.put("batch variance", doubleDifference(var, sigma2));
        errors.put("input gradient", doubleDifference(backward.getSecond().reshape(-1, channels), dx));
        errors.put("gamma gradient", doubleDifference(backward.getFirst().getGradientFor("gamma"), dGamma));
        errors.put("beta gradient", doubleDifference(backward.getFirst().getGradientFor("beta"), dBeta));
        System.out.printf("batch norm %dx%dx%dx%d against double: %s%n", n, side, side, channels, errors);
        errors.forEach((what, e) -> assertTrue(e < LAYER_TOLERANCE, what + " differs from double precision by " + e));
    }

    private static double doubleDifference(INDArray single, INDArray reference) {
        return relativeDifference(single.castTo(DataType.DOUBLE).reshape(reference.shape()), reference);
    }

    /** The fast helper with one realistic mistake. */
    private static final class Mistaken implements BatchNormalizationHelper {
        private final FastBatchNormHelper helper;
        private final boolean constantStatisticsGradient;
        private long count;

        Mistaken(FastBatchNormHelper helper, boolean constantStatisticsGradient) {
            this.helper = helper;
            this.constantStatisticsGradient = constantStatisticsGradient;
        }

        @Override
        public INDArray preOutput(INDArray x, boolean training, long[] shape, INDArray gamma, INDArray beta,
                                  INDArray mean, INDArray var, double decay, double eps, CNN2DFormat format,
                                  LayerWorkspaceMgr workspaceMgr) {
            if (training) {
                count = x.size(0) * x.size(1) * x.size(2);
            }
            return helper.preOutput(x, training, shape, gamma, beta, mean, var, decay, eps, format, workspaceMgr);
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray input, INDArray epsilon, long[] shape, INDArray gamma,
                                                         INDArray beta, INDArray dGammaView, INDArray dBetaView,
                                                         double eps, CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
            Pair<Gradient, INDArray> result = helper.backpropGradient(input, epsilon, shape, gamma, beta, dGammaView,
                    dBetaView, eps, format, workspaceMgr);
            if (constantStatisticsGradient) {
                // dx = gamma / sqrt(var + eps) · dy, as if mean and variance did not depend on x
                INDArray k = Transforms.pow(helper.getVarCache(DataType.FLOAT).add(eps), -0.5, false)
                        .muli(gamma.reshape(gamma.length()));
                Nd4j.exec(new BroadcastMulOp(epsilon, k, result.getSecond(), 3));
            }
            return result;
        }

        @Override
        public INDArray getMeanCache(DataType dataType) {
            return helper.getMeanCache(dataType);
        }

        @Override
        public INDArray getVarCache(DataType dataType) {
            INDArray var = helper.getVarCache(dataType);
            // the layer reads this for its running variance: the mistake hands it the unbiased one
            return constantStatisticsGradient ? var : var.mul((double) count / (count - 1));
        }

        @Override
        public boolean checkSupported(double eps, boolean fixedGammaBeta) {
            return true;
        }

        @Override
        public boolean checkSupported() {
            return true;
        }

        @Override
        public Map<String, Long> helperMemoryUse() {
            return Map.of();
        }
    }
}
