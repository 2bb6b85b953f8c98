package io.transferbench.runtime.internal.engine;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PAINT's interpolation on real DL4J networks: the ends reproduce the networks exactly, the middle is the mean
 * parameter by parameter (batch-norm statistics included, variance as a variance), the updater and the two
 * networks stay untouched; and the gradient similarity against a softmax regression computed by hand.
 */
class WeightInterpolationIT {

    private static final ModelBuilder.InputShape MNIST = new ModelBuilder.InputShape(28, 28, 1);

    @BeforeAll
    static void start() {
        Dl4jEngine.start();
    }

    /** A VGG-11 (batch norm) with every parameter, running statistics included, drawn at random from {@code seed}. */
    private static MultiLayerNetwork vgg(long seed, int classes) {
        MultiLayerNetwork net = new MultiLayerNetwork(ModelBuilder.build("vgg-11", MNIST, classes, 0.125, seed,
                new Nesterovs(0.1, 0.9), 0));
        net.init();
        SplittableRandom random = new SplittableRandom(seed);
        for (Map.Entry<String, INDArray> p : net.paramTable().entrySet()) {
            INDArray a = p.getValue();
            for (long i = 0; i < a.length(); i++) {
                double v = random.nextDouble(-1, 1);
                a.putScalar(i, p.getKey().endsWith("_log10stdev") ? 0.3 * v : v);
            }
        }
        return net;
    }

    private static float[] flat(Model net, String key) {
        return net.paramTable().get(key).dup().data().asFloat();
    }

    @Test
    void theEndsAreTheNetworksAndTheMiddleIsTheMeanStatisticsIncluded() throws Exception {
        MultiLayerNetwork zs = vgg(1, 10);
        MultiLayerNetwork ft = vgg(2, 10);
        // an updater state that is not zero, to see that nothing reads or writes it
        DataSet batch = new DataSet(Nd4j.rand(DataType.FLOAT, 4, 28, 28, 1), Nd4j.eye(10).getRows(0, 1, 2, 3));
        zs.fit(batch);
        ft.fit(batch);
        INDArray zsParams = zs.params().dup();
        INDArray ftParams = ft.params().dup();
        INDArray zsUpdater = zs.getUpdater().getStateViewArray().dup();

        WeightInterpolation w = WeightInterpolation.between(zs, ft, WeightInterpolation.Heads.SHARED);
        assertEquals(zsParams, w.copyAt(0, false).params(), "a = 0 is w_zs, bit for bit");
        assertEquals(ftParams, w.copyAt(1, false).params(), "a = 1 is w_ft, bit for bit");

        Model half = w.at(0.5, false);
        int checked = 0;
        for (String k : zs.paramTable().keySet()) {
            float[] a = flat(zs, k);
            float[] b = flat(ft, k);
            float[] m = flat(half, k);
            for (int i = 0; i < a.length; i++) {
                if (k.endsWith("_log10stdev")) {
                    // variance + eps = std^2: the mean of the two variances
                    double expected = 0.5 * (Math.pow(10, 2 * a[i]) + Math.pow(10, 2 * b[i]));
                    assertEquals(expected, Math.pow(10, 2 * m[i]), 1e-5 * expected, k + "[" + i + "]");
                    checked++;
                } else {
                    assertEquals(0.5 * (a[i] + b[i]), m[i], 1e-6, k + "[" + i + "]");
                }
            }
        }
        assertTrue(checked > 0 || zs.paramTable().keySet().stream().anyMatch(k -> k.endsWith("_var")),
                "the network has batch-norm statistics");
        assertTrue(zs.paramTable().keySet().stream().anyMatch(k -> k.endsWith("_mean")));
        assertEquals(zsParams, zs.params(), "w_zs untouched");
        assertEquals(ftParams, ft.params(), "w_ft untouched");
        assertEquals(zsUpdater, zs.getUpdater().getStateViewArray(), "the updater state untouched");
        assertEquals(zsUpdater, ((MultiLayerNetwork) w.copyAt(0.5, false)).getUpdater().getStateViewArray(),
                "the interpolated copy keeps its side's updater state, not a mixture");
    }

    @Test
    void perTaskHeadsInterpolateTheBodyAndKeepEachHead() throws Exception {
        MultiLayerNetwork zs = vgg(3, 5);
        MultiLayerNetwork ft = vgg(4, 7);
        assertThrows(WeightInterpolation.MismatchException.class,
                () -> WeightInterpolation.between(zs, ft, WeightInterpolation.Heads.SHARED));
        WeightInterpolation w = WeightInterpolation.between(zs, ft, WeightInterpolation.Heads.PER_TASK);
        String head = (zs.getnLayers() - 1) + "_W";
        Model supportedSide = w.copyAt(0.3, false);
        Model patchedSide = w.copyAt(0.3, true);
        assertArrayEquals(flat(zs, head), flat(supportedSide, head));
        assertArrayEquals(flat(ft, head), flat(patchedSide, head));
        assertArrayEquals(flat(supportedSide, "0_W"), flat(patchedSide, "0_W"), "one body under both heads");
        assertEquals(0.7 * flat(zs, "0_W")[5] + 0.3 * flat(ft, "0_W")[5], flat(supportedSide, "0_W")[5], 1e-6);
        assertTrue(w.trainableKeys().stream().noneMatch(k -> k.startsWith((zs.getnLayers() - 1) + "_")));

        MultiLayerNetwork wider = new MultiLayerNetwork(ModelBuilder.build("vgg-11", MNIST, 5, 0.25, 5,
                new Sgd(0.1), 0));
        wider.init();
        WeightInterpolation.MismatchException e = assertThrows(WeightInterpolation.MismatchException.class,
                () -> WeightInterpolation.between(zs, wider, WeightInterpolation.Heads.PER_TASK));
        assertTrue(e.getMessage().matches("parameter 0_[Wb] has shape .*"), e.getMessage());
    }

    private static MultiLayerNetwork softmaxRegression(long seed) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(seed).updater(new Sgd(0.1))
                .dataType(DataType.FLOAT).list()
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(4).nOut(3)
                        .activation(Activation.SOFTMAX).build()).build());
        net.init();
        return net;
    }

    @Test
    void gradientSimilarityOfASoftmaxRegressionAgreesWithTheClosedForm() {
        MultiLayerNetwork zs = softmaxRegression(11);
        MultiLayerNetwork ft = softmaxRegression(12);
        SplittableRandom random = new SplittableRandom(5);
        int n = 10;
        double[][] x = new double[n][4];
        int[] y = new int[n];
        float[] features = new float[n * 4];
        float[] labels = new float[n * 3];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 4; j++) {
                x[i][j] = random.nextDouble(-2, 2);
                features[i * 4 + j] = (float) x[i][j];
            }
            y[i] = random.nextInt(3);
            labels[i * 3 + y[i]] = 1;
        }
        // two batches of different sizes: the mean is over images, not batches
        DataSet all = new DataSet(Nd4j.create(features, new long[] {n, 4}), Nd4j.create(labels, new long[] {n, 3}));
        List<DataSet> batches = List.of(new DataSet(all.getFeatures().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 7)),
                        all.getLabels().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 7))),
                new DataSet(all.getFeatures().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(7, 10)),
                        all.getLabels().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(7, 10))));

        // closed form: dL/dW[j][c] = mean_i x_ij (p_ic - y_ic), dL/db[c] = mean_i (p_ic - y_ic)
        float[] w = flat(zs, "0_W"); // [4 x 3], 'c' order
        float[] b = flat(zs, "0_b");
        double[] gradW = new double[12];
        double[] gradB = new double[3];
        for (int i = 0; i < n; i++) {
            double[] z = new double[3];
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < 3; c++) {
                z[c] = b[c];
                for (int j = 0; j < 4; j++) {
                    z[c] += x[i][j] * w[j * 3 + c];
                }
                max = Math.max(max, z[c]);
            }
            double sum = 0;
            for (int c = 0; c < 3; c++) {
                z[c] = Math.exp(z[c] - max);
                sum += z[c];
            }
            for (int c = 0; c < 3; c++) {
                double r = z[c] / sum - (y[i] == c ? 1 : 0);
                gradB[c] += r / n;
                for (int j = 0; j < 4; j++) {
                    gradW[j * 3 + c] += x[i][j] * r / n;
                }
            }
        }
        float[] dW = flat(zs, "0_W");
        float[] dB = flat(zs, "0_b");
        float[] fW = flat(ft, "0_W");
        float[] fB = flat(ft, "0_b");
        double dot = 0;
        double gg = 0;
        double dd = 0;
        for (int k = 0; k < 12; k++) {
            double d = dW[k] - fW[k];
            dot += d * gradW[k];
            gg += gradW[k] * gradW[k];
            dd += d * d;
        }
        for (int c = 0; c < 3; c++) {
            double d = dB[c] - fB[c];
            dot += d * gradB[c];
            gg += gradB[c] * gradB[c];
            dd += d * d;
        }
        WeightInterpolation interpolation;
        try {
            interpolation = WeightInterpolation.between(zs, ft, WeightInterpolation.Heads.SHARED);
        } catch (WeightInterpolation.MismatchException e) {
            throw new AssertionError(e);
        }
        double[] similarity = interpolation.gradientSimilarity(batches);
        assertEquals(Math.sqrt(gg), similarity[1], 1e-5, "||grad L||");
        assertEquals(dot / Math.sqrt(gg * dd), similarity[0], 1e-5, "cos(w_zs - w_ft, grad L)");
        assertEquals(Math.sqrt(dd), interpolation.distance(), 1e-6, "||w_zs - w_ft||");
    }

    /**
     * The first-order link the diagnostics rest on, on a CNN: d/da L(w(a)) at a = 0 is g.(w_ft - w_zs), that is
     * -GradientSimilarity ||g|| ||w_zs - w_ft||, checked against a central difference of the measured loss.
     */
    @Test
    void theGradientOfACnnPredictsTheLossAlongTheInterpolation() throws Exception {
        MultiLayerNetwork zs = new MultiLayerNetwork(ModelBuilder.build("small-cnn", MNIST, 10, 1.0, 21, new Sgd(0.1), 0));
        zs.init();
        MultiLayerNetwork ft = new MultiLayerNetwork(ModelBuilder.build("small-cnn", MNIST, 10, 1.0, 22, new Sgd(0.1), 0));
        ft.init();
        // a nearby w_ft: w_zs plus a small random step, so that the loss is smooth along the line
        ft.params().assign(zs.params().add(ft.params().sub(zs.params()).muli(0.05)));
        Nd4j.getRandom().setSeed(9);
        INDArray features = Nd4j.rand(DataType.FLOAT, 10, 28, 28, 1);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, 10, 10);
        for (int i = 0; i < 10; i++) {
            labels.putScalar(i, (i * 3) % 10, 1);
        }
        List<DataSet> batches = List.of(
                new DataSet(features.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 6)),
                        labels.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 6))),
                new DataSet(features.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(6, 10)),
                        labels.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(6, 10))));
        WeightInterpolation w = WeightInterpolation.between(zs, ft, WeightInterpolation.Heads.SHARED);
        double[] similarity = w.gradientSimilarity(batches);
        double predicted = -similarity[0] * similarity[1] * w.distance();
        double h = 1e-2;
        double up = meanLoss(w.at(h, false), features, labels);
        double down = meanLoss(w.at(-h, false), features, labels);
        double measured = (up - down) / (2 * h);
        assertEquals(measured, predicted, 0.05 * Math.abs(measured) + 1e-6,
                "dL/da measured " + measured + ", predicted from the gradient " + predicted);
    }

    private static double meanLoss(Model net, INDArray features, INDArray labels) {
        float[][] p = ((MultiLayerNetwork) net).output(features, false).toFloatMatrix();
        float[][] y = labels.toFloatMatrix();
        double loss = 0;
        for (int i = 0; i < p.length; i++) {
            for (int c = 0; c < p[i].length; c++) {
                if (y[i][c] > 0) {
                    loss -= Math.log(p[i][c]);
                }
            }
        }
        return loss / p.length;
    }
}
