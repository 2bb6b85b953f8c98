package io.transferbench.runtime.internal.engine;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FisherEmbeddingIT {

    @BeforeAll
    static void engine() {
        Dl4jEngine.start();
    }

    private static INDArray images(int n, int side, int channels, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] v = new double[n * side * side * channels];
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextDouble();
        }
        return Nd4j.create(v, new long[] {n, side, side, channels}, 'c');
    }

    /**
     * Softmax regression written as one conv layer whose kernel covers the image: F of weight (k, j) is
     * mean_x p_k (1 - p_k) x_j^2, so filter k's value is mean_x p_k (1 - p_k) mean_j x_j^2.
     */
    @Test
    void softmaxRegressionMatchesTheClosedForm() {
        int side = 4;
        int classes = 3;
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3)
                .dataType(DataType.DOUBLE).weightInit(WeightInit.XAVIER).list()
                .layer(new ConvolutionLayer.Builder(side, side).nOut(classes).dataFormat(CNN2DFormat.NHWC)
                        .convolutionMode(ConvolutionMode.Truncate).activation(Activation.IDENTITY).name("w").build())
                .layer(new LossLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(side, side, 1, CNN2DFormat.NHWC)).build());
        net.init();
        net.params().muli(4); // confident, unequal predictions
        int n = 70; // more than one chunk
        INDArray x = images(n, side, 1, 5);
        double[][] p = net.output(x, false).toDoubleMatrix();
        double[][] pixels = x.reshape(n, side * side).toDoubleMatrix();
        double[] expected = new double[classes];
        for (int i = 0; i < n; i++) {
            double meanSquare = 0;
            for (double v : pixels[i]) {
                meanSquare += v * v / pixels[i].length;
            }
            for (int k = 0; k < classes; k++) {
                expected[k] += p[i][k] * (1 - p[i][k]) * meanSquare / n;
            }
        }
        FisherEmbedding.Embedding exact = FisherEmbedding.estimate(net, x, 0, 0, 1);
        assertEquals(List.of("w"), exact.layers());
        assertEquals(List.of(classes), exact.filters());
        for (int k = 0; k < classes; k++) {
            assertEquals(expected[k], exact.values()[k], 1e-12 * Math.max(1, expected[k]) + expected[k] * 1e-9);
        }
        // Monte Carlo label draws converge to it
        FisherEmbedding.Embedding drawn = FisherEmbedding.estimate(net, x, 400, 0, 1);
        for (int k = 0; k < classes; k++) {
            assertEquals(expected[k], drawn.values()[k], 0.08 * expected[k]);
        }
    }

    /**
     * A network with batch norm (inference mode), pooling and a dense layer: each per-sample squared gradient
     * checked against central differences of log p(y | x) through DL4J's own forward pass.
     */
    @Test
    void perSampleGradientsMatchFiniteDifferences() {
        int side = 6;
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(11)
                .dataType(DataType.DOUBLE).weightInit(WeightInit.XAVIER).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(2).padding(1, 1).dataFormat(CNN2DFormat.NHWC)
                        .convolutionMode(ConvolutionMode.Truncate).activation(Activation.IDENTITY).name("c1").build())
                .layer(new BatchNormalization.Builder().dataFormat(CNN2DFormat.NHWC).name("bn1").build())
                .layer(new ActivationLayer.Builder().activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .dataFormat(CNN2DFormat.NHWC).build())
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(3).dataFormat(CNN2DFormat.NHWC)
                        .convolutionMode(ConvolutionMode.Truncate).activation(Activation.TANH).name("c2").build())
                .layer(new DenseLayer.Builder().nOut(4).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.convolutional(side, side, 2, CNN2DFormat.NHWC)).build());
        net.init();
        // running statistics and scales away from their initial 0 / 1, as after training
        SplittableRandom random = new SplittableRandom(2);
        for (String key : List.of("gamma", "beta", "mean")) {
            INDArray param = net.getLayer(1).getParam(key);
            for (int c = 0; c < param.length(); c++) {
                param.putScalar(c, (key.equals("gamma") ? 1 : 0) + 0.5 * random.nextGaussian());
            }
        }
        int n = 5;
        INDArray x = images(n, side, 2, 9);
        FisherEmbedding.Embedding e = FisherEmbedding.estimate(net, x, 0, 0, 1);
        assertEquals(List.of("c1", "bn1", "c2"), e.layers());

        double[] expected = new double[2 + 2 + 3];
        double[][] p = net.output(x, false).toDoubleMatrix();
        INDArray flat = net.params(); // the layers' parameters are views of this vector
        java.util.Map<String, long[]> offsets = new java.util.HashMap<>();
        long offset = 0;
        for (var entry : net.paramTable().entrySet()) {
            offsets.put(entry.getKey(), new long[] {offset, entry.getValue().length()});
            offset += entry.getValue().length();
        }
        double h = 1e-6;
        for (int i = 0; i < n; i++) {
            INDArray one = x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(i, i + 1)).dup();
            for (int y = 0; y < 3; y++) {
                int at = 0;
                for (String[] param : new String[][] {{"0_W", "2"}, {"1_gamma", "2"}, {"4_W", "3"}}) {
                    long start = offsets.get(param[0])[0];
                    long length = offsets.get(param[0])[1];
                    int filters = Integer.parseInt(param[1]);
                    long per = length / filters;
                    for (long j = 0; j < length; j++) {
                        double saved = flat.getDouble(start + j);
                        flat.putScalar(start + j, saved + h);
                        double up = Math.log(net.output(one, false).getDouble(0, y));
                        flat.putScalar(start + j, saved - h);
                        double down = Math.log(net.output(one, false).getDouble(0, y));
                        flat.putScalar(start + j, saved);
                        double g = (up - down) / (2 * h);
                        expected[at + (int) (j / per)] += p[i][y] * g * g / per / n;
                    }
                    at += filters;
                }
            }
        }
        for (int k = 0; k < expected.length; k++) {
            assertEquals(expected[k], e.values()[k], 1e-6 * expected[k] + 1e-12, "filter " + k);
        }
    }

    /**
     * The variational embedding's precision 1 / sigma_f^2 on softmax regression: to second order its optimum is
     * (N / beta) F_f + 1 / lambda^2 with F_f the exact Fisher value of the filter (the Hessian of softmax regression's
     * loss does not depend on the labels).
     */
    @Test
    void variationalPrecisionMatchesTheSecondOrderOptimum() {
        int side = 4;
        int classes = 3;
        int n = 256;
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3)
                .dataType(DataType.FLOAT).weightInit(WeightInit.XAVIER).list()
                .layer(new ConvolutionLayer.Builder(side, side).nOut(classes).dataFormat(CNN2DFormat.NHWC)
                        .convolutionMode(ConvolutionMode.Truncate).activation(Activation.IDENTITY).name("w").build())
                .layer(new LossLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(side, side, 1, CNN2DFormat.NHWC)).build());
        net.init();
        net.params().muli(4);
        SplittableRandom random = new SplittableRandom(8);
        byte[] pixels = new byte[n * side * side];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = random.nextInt(classes);
            for (int p = 0; p < side * side; p++) {
                pixels[i * side * side + p] = (byte) random.nextInt(256);
            }
        }
        var images = new io.transferbench.runtime.internal.data.LabelledImages(pixels, labels, 1, side, side, classes);
        Batches batches = new Batches(images, false);
        int[] order = java.util.stream.IntStream.range(0, n).toArray();
        INDArray all = batches.batch(order, 0, n, null).getFeatures();
        double[] fisher = FisherEmbedding.estimate(net, all, 0, 0, 1).values();
        double beta = n / 1000.0;
        double prior = 10;
        FisherEmbedding.Embedding v = VariationalEmbedding.estimate(net, batches,
                new VariationalEmbedding.Settings(1500, 64, 0.05, beta, prior), 0, 5);
        assertEquals(List.of("w"), v.layers());
        for (int k = 0; k < classes; k++) {
            double expected = n / beta * fisher[k] + 1 / prior;
            // one noise draw per step and the second-order approximation: agreement within 30 %, not to the bit
            assertEquals(expected, v.values()[k], 0.3 * expected, "filter " + k + ": " + java.util.Arrays.toString(
                    v.values()) + " against " + java.util.Arrays.toString(fisher));
        }
        assertTrue(v.values()[2] < v.values()[0] && v.values()[2] < v.values()[1], "the least informative filter is "
                + "the least precise, as with the Fisher values");
    }
}
