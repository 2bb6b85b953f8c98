package io.transferbench.runtime.internal.engine;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fast path (oneDNN helpers, NHWC) must compute the same gradients as DL4J's plain path, for
 * every layer type and input format the model builders produce. STACK-NOTES.md measured a layout
 * (ReLU inside the conv layer) whose helper gradients are wrong; the last test shows that this check
 * catches it.
 */
class FastPathGradientIT {

    private static final String PROPERTY = Dl4jEngine.HELPERS_DISABLE;

    @BeforeAll
    static void start() {
        assertTrue(Dl4jEngine.start(), "the oneDNN helpers must be active for this comparison to mean anything");
        // the exact path: convolutions through libnd4j's helper, as DL4J's own layer calls it;
        // DirectConvolutionIT and FastBatchNormIT check oneDNN's direct convolutions within a tolerance
        System.setProperty(FastConvolutionLayer.DIRECT_PROPERTY, "false");
    }

    @AfterAll
    static void stop() {
        System.clearProperty(FastConvolutionLayer.DIRECT_PROPERTY);
    }

    @Test
    void openBlasGetsOneThreadUnlessTheUserSaysOtherwise() {
        assertEquals(Dl4jEngine.blasThreads(System.getenv(Dl4jEngine.BLAS_THREADS_VARIABLE)), Dl4jEngine.blasThreads());
        assertEquals(1, Dl4jEngine.blasThreads(null));
        assertEquals(3, Dl4jEngine.blasThreads(" 3 "));
        assertEquals(1, Dl4jEngine.blasThreads("0"));
        assertEquals(1, Dl4jEngine.blasThreads("many"));
    }

    /** Relative L2 difference (to the larger norm) of the full gradient with helpers on and off, same parameters and batch. */
    static double gradientDifference(Supplier<MultiLayerConfiguration> conf, int height, int width, int channels,
                                     int classes) {
        String before = System.getProperty(PROPERTY);
        try {
            System.setProperty(PROPERTY, "false");
            MultiLayerNetwork fast = new MultiLayerNetwork(conf.get());
            fast.init();
            System.setProperty(PROPERTY, "true");
            MultiLayerNetwork plain = new MultiLayerNetwork(conf.get());
            plain.init(fast.params().dup(), true);
            assertNotNull(convHelper(fast), "helper expected on the fast network");
            assertNull(convHelper(plain), "no helper expected on the plain network");

            Nd4j.getRandom().setSeed(11);
            INDArray x = Nd4j.rand(DataType.FLOAT, 8, height, width, channels);
            INDArray y = Nd4j.zeros(DataType.FLOAT, 8, classes);
            for (int i = 0; i < 8; i++) {
                y.putScalar(i, i % classes, 1f);
            }
            INDArray gFast = gradient(fast, x, y);
            INDArray gPlain = gradient(plain, x, y);
            if (!finite(gFast) || !finite(gPlain)) {
                return Double.POSITIVE_INFINITY; // NaN or infinite gradients are as wrong as gradients get
            }
            double scale = Math.max(Math.max(gFast.norm2Number().doubleValue(), gPlain.norm2Number().doubleValue()), 1e-12);
            return gFast.sub(gPlain).norm2Number().doubleValue() / scale;
        } finally {
            System.setProperty(PROPERTY, before == null ? "false" : before);
        }
    }

    private static boolean finite(INDArray a) {
        double norm = a.norm2Number().doubleValue();
        return !Double.isNaN(norm) && !Double.isInfinite(norm);
    }

    private static Object convHelper(MultiLayerNetwork net) {
        for (Layer layer : net.getLayers()) {
            if (layer instanceof org.deeplearning4j.nn.layers.convolution.ConvolutionLayer) {
                return ((org.deeplearning4j.nn.layers.convolution.ConvolutionLayer) layer).getHelper();
            }
        }
        throw new AssertionError("no conv layer");
    }

    private static INDArray gradient(MultiLayerNetwork net, INDArray x, INDArray y) {
        net.setInput(x.dup());
        net.setLabels(y.dup());
        net.computeGradientAndScore();
        return net.gradient().gradient().dup();
    }

    @ParameterizedTest(name = "{0} on {1}x{2}x{3}, width {4}")
    @CsvSource({
            "small-cnn, 28, 28, 1, 1.0",
            "bench-cnn, 28, 28, 1, 1.0",
            "vgg-11, 28, 28, 1, 0.125",
            "vgg-11, 32, 32, 3, 0.125",
            "vgg-16, 32, 32, 3, 0.0625"})
    void builtModelsHaveTheSameGradientsOnTheFastPath(String model, int h, int w, int c, double width) {
        double difference = gradientDifference(() -> ModelBuilder.build(model, new ModelBuilder.InputShape(h, w, c), 5,
                width, 7, new Sgd(0.1), 0), h, w, c, 5);
        System.out.println(model + " " + h + "x" + w + "x" + c + ": relative gradient difference " + difference);
        assertTrue(difference < 1e-3, model + ": relative gradient difference " + difference);
    }

    /**
     * The trainer's ReLU and convolution layers must train exactly as DL4J's: same gradient on the
     * same batch (the input holds exact zeros, where both ReLUs give 0), the same outputs, and the
     * same parameters after a few SGD steps, whether installed before the first step or between steps.
     */
    @ParameterizedTest(name = "{0} on {1}x{2}x{3}, width {4}: {5} ReLU and {6} conv layers replaced")
    @CsvSource({
            "small-cnn, 28, 28, 1, 1.0, 2, 2",
            "bench-cnn, 28, 28, 1, 1.0, 4, 4",
            "vgg-11, 32, 32, 3, 0.125, 8, 8"})
    void fastLayersTrainExactlyAsDl4jsOwn(String model, int h, int w, int c, double width, int reluLayers,
                                          int convLayers) {
        Supplier<MultiLayerConfiguration> conf = () -> ModelBuilder.build(model, new ModelBuilder.InputShape(h, w, c), 5,
                width, 7, new Nesterovs(0.05, 0.9), 0);
        MultiLayerNetwork stock = new MultiLayerNetwork(conf.get());
        stock.init();
        MultiLayerNetwork fast = new MultiLayerNetwork(conf.get());
        fast.init(stock.params().dup(), true);
        MultiLayerNetwork late = new MultiLayerNetwork(conf.get());
        late.init(stock.params().dup(), true);
        assertEquals(reluLayers, FastReluLayer.install(fast));
        assertEquals(convLayers, FastConvolutionLayer.install(fast));
        assertEquals(0, FastReluLayer.install(fast) + FastConvolutionLayer.install(fast),
                "installing twice replaces nothing");

        DataSet batch = batchWithAZeroImage(h, w, c);
        INDArray x = batch.getFeatures();
        INDArray y = batch.getLabels();
        INDArray gStock = gradient(stock, x, y);
        INDArray gFast = gradient(fast, x, y);
        assertTrue(finite(gStock) && gStock.norm2Number().doubleValue() > 0, "a real gradient");
        double difference = relativeDifference(gFast, gStock);
        assertTrue(difference < 1e-6, model + ": relative gradient difference " + difference);
        assertEquals(stock.output(x), fast.output(x), "inference outputs");

        late.fit(batch); // gradient views exist before these layers are installed
        // batch norm's helper is not exact (FastBatchNormIT): these layers alone must be
        assertEquals(reluLayers + convLayers, FastReluLayer.install(late) + FastConvolutionLayer.install(late));
        for (int step = 0; step < 3; step++) {
            stock.fit(batch);
            fast.fit(batch);
            if (step > 0) {
                late.fit(batch);
            }
        }
        double drift = relativeDifference(fast.params(), stock.params());
        double lateDrift = relativeDifference(late.params(), stock.params());
        System.out.println(model + ": fast layers' gradient difference " + difference + ", parameters after 3 steps "
                + drift + " (installed after the first step: " + lateDrift + ")");
        assertTrue(drift < 1e-6, model + ": parameters differ after 3 steps by " + drift);
        assertTrue(lateDrift < 1e-6, model + ": parameters differ after 3 steps by " + lateDrift + " when installed late");
        assertEquals(stock.score(), fast.score(), 1e-6 * Math.max(1, Math.abs(stock.score())));
    }

    /** The same for ResNet-20, a graph: its convolutions have no bias and feed batch norm. */
    @ParameterizedTest(name = "resnet-20 on {0}x{1}x{2}: fast layers train exactly as DL4J's")
    @CsvSource({"28, 28, 1", "32, 32, 3"})
    void fastLayersTrainResNetExactlyAsDl4jsOwn(int h, int w, int c) {
        Supplier<ComputationGraphConfiguration> conf = () -> ModelBuilder.buildGraph("resnet-20",
                new ModelBuilder.InputShape(h, w, c), 5, 0.5, 7, new Nesterovs(0.05, 0.9), 0);
        ComputationGraph stock = new ComputationGraph(conf.get());
        stock.init();
        ComputationGraph fast = new ComputationGraph(conf.get());
        fast.init(stock.params().dup(), true);
        assertEquals(19, FastReluLayer.install(fast), "ReLU layers: one after the stem, two in each of 9 blocks");
        assertEquals(21, FastConvolutionLayer.install(fast), "conv layers: the stem, two in each block, 2 shortcuts");
        assertEquals(0, FastReluLayer.install(fast) + FastConvolutionLayer.install(fast),
                "installing twice replaces nothing");
        assertTrue(fast.getLayer("s2b1_shortcut") instanceof FastConvolutionLayer, "the vertex holds the new layer");
        assertTrue(java.util.Arrays.asList(fast.getLayers()).contains(fast.getLayer("s3b3_relu")),
                "the graph's layer array holds the new layer");

        DataSet batch = batchWithAZeroImage(h, w, c);
        INDArray x = batch.getFeatures();
        INDArray y = batch.getLabels();
        INDArray gStock = graphGradient(stock, x, y);
        INDArray gFast = graphGradient(fast, x, y);
        assertTrue(finite(gStock) && gStock.norm2Number().doubleValue() > 0, "a real gradient");
        double difference = relativeDifference(gFast, gStock);
        assertTrue(difference < 1e-6, "resnet-20: relative gradient difference " + difference);
        assertEquals(stock.outputSingle(false, x), fast.outputSingle(false, x), "inference outputs");

        for (int step = 0; step < 3; step++) {
            stock.fit(batch);
            fast.fit(batch);
        }
        double drift = relativeDifference(fast.params(), stock.params());
        System.out.println("resnet-20 " + h + "x" + w + "x" + c + ": fast layers' gradient difference " + difference
                + ", parameters after 3 steps " + drift);
        assertTrue(drift < 1e-6, "resnet-20: parameters differ after 3 steps by " + drift);
        assertEquals(stock.score(), fast.score(), 1e-6 * Math.max(1, Math.abs(stock.score())));
    }

    /** A convolution layer with its own activation is not on the fast path: it keeps DL4J's layer. */
    @Test
    void convolutionsWithTheirOwnActivationKeepDl4jsLayer() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.FLOAT)
                .updater(new Sgd(0.1)).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).padding(1, 1).dataFormat(CNN2DFormat.NHWC)
                        .activation(Activation.TANH).build())
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).padding(1, 1).dataFormat(CNN2DFormat.NHWC)
                        .activation(Activation.IDENTITY).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(5).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(6, 6, 1, CNN2DFormat.NHWC)).build());
        net.init();
        assertEquals(1, FastConvolutionLayer.install(net));
        assertEquals(org.deeplearning4j.nn.layers.convolution.ConvolutionLayer.class, net.getLayers()[0].getClass());
        assertEquals(FastConvolutionLayer.class, net.getLayers()[1].getClass());
    }

    /** 8 images in 5 classes; the first is exact zeros, where every ReLU input is a bias. */
    static DataSet batchWithAZeroImage(int h, int w, int c) {
        Nd4j.getRandom().setSeed(13);
        INDArray x = Nd4j.rand(DataType.FLOAT, 8, h, w, c).subi(0.3);
        x.get(NDArrayIndex.point(0)).assign(0);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 8, 5);
        for (int i = 0; i < 8; i++) {
            y.putScalar(i, i % 5, 1f);
        }
        return new DataSet(x, y);
    }

    static double relativeDifference(INDArray a, INDArray reference) {
        return a.sub(reference).norm2Number().doubleValue() / reference.norm2Number().doubleValue();
    }

    @ParameterizedTest(name = "resnet-20 on {0}x{1}x{2}, width {3}")
    @CsvSource({"28, 28, 1, 0.5", "32, 32, 3, 0.5"})
    void resnetHasTheSameGradientsOnTheFastPath(int h, int w, int c, double width) {
        String before = System.getProperty(PROPERTY);
        try {
            System.setProperty(PROPERTY, "false");
            ComputationGraph fast = new ComputationGraph(ModelBuilder.buildGraph("resnet-20", new ModelBuilder.InputShape(h, w, c),
                    5, width, 7, new Sgd(0.1), 0));
            fast.init();
            System.setProperty(PROPERTY, "true");
            ComputationGraph plain = new ComputationGraph(ModelBuilder.buildGraph("resnet-20", new ModelBuilder.InputShape(h, w, c),
                    5, width, 7, new Sgd(0.1), 0));
            plain.init(fast.params().dup(), true);
            Object fastHelper = ((org.deeplearning4j.nn.layers.convolution.ConvolutionLayer) fast.getLayer("conv1")).getHelper();
            Object plainHelper = ((org.deeplearning4j.nn.layers.convolution.ConvolutionLayer) plain.getLayer("conv1")).getHelper();
            assertNotNull(fastHelper, "helper expected on the fast graph");
            assertNull(plainHelper, "no helper expected on the plain graph");
            Nd4j.getRandom().setSeed(11);
            INDArray x = Nd4j.rand(DataType.FLOAT, 8, h, w, c);
            INDArray y = Nd4j.zeros(DataType.FLOAT, 8, 5);
            for (int i = 0; i < 8; i++) {
                y.putScalar(i, i % 5, 1f);
            }
            INDArray gFast = graphGradient(fast, x, y);
            INDArray gPlain = graphGradient(plain, x, y);
            assertTrue(finite(gFast) && finite(gPlain), "finite gradients");
            double scale = Math.max(Math.max(gFast.norm2Number().doubleValue(), gPlain.norm2Number().doubleValue()), 1e-12);
            double difference = gFast.sub(gPlain).norm2Number().doubleValue() / scale;
            System.out.println("resnet-20 " + h + "x" + w + "x" + c + ": relative gradient difference " + difference);
            assertTrue(difference < 1e-3, "resnet-20: relative gradient difference " + difference);
        } finally {
            System.setProperty(PROPERTY, before == null ? "false" : before);
        }
    }

    private static INDArray graphGradient(ComputationGraph net, INDArray x, INDArray y) {
        net.setInputs(x.dup());
        net.setLabels(y.dup());
        net.computeGradientAndScore();
        return net.gradient().gradient().dup();
    }

    @Test
    void theCheckCatchesTheKnownBadLayout() {
        // A conv layer that carries its own ReLU: the layout STACK-NOTES.md found to train wrongly with helpers.
        Supplier<MultiLayerConfiguration> bad = () -> new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.FLOAT)
                .updater(new Sgd(0.1)).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(8).padding(1, 1).dataFormat(CNN2DFormat.NHWC)
                        .activation(Activation.RELU).build())
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(8).padding(1, 1).dataFormat(CNN2DFormat.NHWC)
                        .activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(5).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(12, 12, 1, CNN2DFormat.NHWC)).build();
        double difference = gradientDifference(bad, 12, 12, 1, 5);
        System.out.println("known bad layout: relative gradient difference " + difference);
        assertTrue(difference > 1e-2, "expected the known bad layout to differ, got " + difference);
    }
}
