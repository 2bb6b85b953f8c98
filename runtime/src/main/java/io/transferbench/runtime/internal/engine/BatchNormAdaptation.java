package io.transferbench.runtime.internal.engine;

import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.util.List;

/**
 * Adaptive batch-norm statistics (EagleEye, Li et al., ECCV 2020): a pruned or masked network whose batch-norm
 * layers still hold the statistics of the network it came from is measured far below what it is worth. Its
 * running mean and variance are re-estimated here from a few training batches: forward passes in training mode
 * (each layer normalised by its batch's statistics, as PyTorch's train mode does), no gradient, no weight
 * update; each batch-norm layer's new statistics are the mean and the unbiased variance of its inputs over all
 * the batches' values at once (a cumulative average, not a moving one).
 */
public final class BatchNormAdaptation {

    private BatchNormAdaptation() {
    }

    /**
     * Re-estimates {@code net}'s batch-norm statistics in place from {@code batches} batches of {@code batchSize}
     * images of {@code train} in an order seeded by {@code seed}; returns the batches used (0 when the network
     * has no batch norm or {@code batches} is 0). Only the running mean and variance change.
     */
    public static int adapt(MultiLayerNetwork net, Batches train, int batches, int batchSize, long seed) {
        int[] layers = batchNormLayers(net);
        if (layers.length == 0 || batches == 0 || train.size() == 0) {
            return 0;
        }
        int[] order = train.shuffledOrder(seed);
        double[][] sum = new double[layers.length][];
        double[][] squares = new double[layers.length][];
        long[] count = new long[layers.length];
        int used = 0;
        for (int from = 0; used < batches && from < order.length; from += batchSize) {
            DataSet batch = train.batch(order, from, Math.min(order.length, from + batchSize), null);
            // activations.get(i) is layer i's input (0 is the network's input)
            List<INDArray> activations = net.feedForward(batch.getFeatures(), true);
            for (int k = 0; k < layers.length; k++) {
                INDArray in = activations.get(layers[k]).castTo(DataType.DOUBLE);
                long channels = in.size(in.rank() - 1); // NHWC, or [batch, features] after a dense layer
                INDArray flat = in.reshape('c', in.length() / channels, channels);
                double[] s = flat.sum(0).toDoubleVector();
                double[] q = flat.mul(flat).sum(0).toDoubleVector();
                if (sum[k] == null) {
                    sum[k] = new double[s.length];
                    squares[k] = new double[s.length];
                }
                for (int c = 0; c < s.length; c++) {
                    sum[k][c] += s[c];
                    squares[k][c] += q[c];
                }
                count[k] += flat.size(0);
            }
            used++;
        }
        for (int k = 0; k < layers.length; k++) {
            write(net, layers[k], sum[k], squares[k], count[k]);
        }
        return used;
    }

    private static void write(MultiLayerNetwork net, int layer, double[] sum, double[] squares, long n) {
        BatchNormalization conf = (BatchNormalization) net.getLayer(layer).conf().getLayer();
        float[] mean = new float[sum.length];
        float[] variance = new float[sum.length];
        for (int c = 0; c < sum.length; c++) {
            double m = sum[c] / n;
            mean[c] = (float) m;
            variance[c] = (float) Math.max(0, (squares[c] - n * m * m) / Math.max(1, n - 1));
        }
        INDArray meanParam = net.getLayer(layer).getParam("mean");
        meanParam.assign(org.nd4j.linalg.factory.Nd4j.create(mean).reshape(meanParam.shape()).castTo(meanParam.dataType()));
        if (conf.isUseLogStd()) {
            // DL4J stores log10 of the standard deviation of the normalisation, sqrt(var + eps)
            float[] logStd = new float[variance.length];
            for (int c = 0; c < variance.length; c++) {
                logStd[c] = (float) Math.log10(Math.sqrt(variance[c] + conf.getEps()));
            }
            INDArray p = net.getLayer(layer).getParam("log10stdev");
            p.assign(org.nd4j.linalg.factory.Nd4j.create(logStd).reshape(p.shape()).castTo(p.dataType()));
        } else {
            INDArray p = net.getLayer(layer).getParam("var");
            p.assign(org.nd4j.linalg.factory.Nd4j.create(variance).reshape(p.shape()).castTo(p.dataType()));
        }
    }

    /** The indices of the network's batch-norm layers, in forward order. */
    static int[] batchNormLayers(MultiLayerNetwork net) {
        return java.util.stream.IntStream.range(0, net.getnLayers())
                .filter(i -> net.getLayer(i).conf().getLayer() instanceof BatchNormalization).toArray();
    }
}
