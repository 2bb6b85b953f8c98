package io.transferbench.runtime.internal.engine;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.convolution.Convolution;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Task2Vec's embedding: the diagonal of the Fisher information F = E_x E_{y ~ p(y|x)} [(d/dw log p(y|x))^2] of a
 * probe network's conv weights (and batch-norm scales), averaged over each filter's weights, one number per filter.
 *
 * <p>Per-sample gradients, not the square of a mini-batch gradient. They are cheap because a conv weight's
 * gradient for one image is the product of two things one batched backward pass already has: the layer's input
 * unrolled into patches (im2col) and the loss gradient at the layer's output. One batched matrix product per
 * layer, {@code [B, C k k, HW] x [B, HW, F] -> [B, C k k, F]}, gives every image's gradient of every weight;
 * squaring and averaging over each filter's weights gives the per-filter values. Batch norm runs in inference
 * mode (running statistics), a fixed per-channel affine map, so images do not interact; its backward pass is
 * that affine map's, applied here (DL4J's own batch-norm backward assumes batch statistics).
 *
 * <p>Labels are drawn from the network's own prediction ({@code labelDraws} per image, seeded), or, with 0
 * draws, the expectation over every class is taken exactly (weighted by its probability).
 */
public final class FisherEmbedding {

    /** Images per batched backward pass: bounds the per-sample gradient tensor. */
    private static final int CHUNK = 32;

    /**
     * @param layers  the parameter layers covered, in forward order (conv layers and batch norms)
     * @param filters each one's number of filters (channels)
     * @param values  one value per filter, the layers' segments in order
     */
    public record Embedding(List<String> layers, List<Integer> filters, double[] values) {
        public double norm() {
            double s = 0;
            for (double v : values) {
                s += v * v;
            }
            return Math.sqrt(s);
        }
    }

    /** A parameter layer the embedding covers: its index in the network, name, kind and filters. */
    record Target(int layer, String name, boolean batchNorm, int channels) {
    }

    private FisherEmbedding() {
    }

    /**
     * @param net        a layer-list network with stock layers and its head fitted to the task
     * @param features   the images (NHWC, as {@link Batches} makes them)
     * @param labelDraws labels drawn per image; 0 takes the exact expectation over classes
     * @param skipConv   leading conv layers (with their batch norms) left out
     */
    public static Embedding estimate(MultiLayerNetwork net, INDArray features, int labelDraws, int skipConv, long seed) {
        List<Target> targets = targets(net, skipConv);
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("the probe has no conv layer left after skipping " + skipConv);
        }
        double[][] sums = new double[targets.size()][];
        for (int t = 0; t < targets.size(); t++) {
            sums[t] = new double[targets.get(t).channels()];
        }
        SplittableRandom random = new SplittableRandom(seed);
        long images = features.size(0);
        if (net.getFlattenedGradients() == null) {
            net.initGradientsView(); // layers write parameter gradients into it during backprop
        }
        INDArray saved = net.params().dup();
        try {
            for (long from = 0; from < images; from += CHUNK) {
                long to = Math.min(images, from + CHUNK);
                accumulate(net, features.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to)).dup(), targets,
                        sums, labelDraws, random);
            }
        } finally {
            net.setParams(saved);
            net.clear();
        }
        List<String> names = new ArrayList<>();
        List<Integer> filters = new ArrayList<>();
        int total = 0;
        for (Target t : targets) {
            names.add(t.name());
            filters.add(t.channels());
            total += t.channels();
        }
        double[] values = new double[total];
        int at = 0;
        double samples = images * (double) (labelDraws == 0 ? 1 : labelDraws);
        for (double[] s : sums) {
            for (double v : s) {
                values[at++] = v / samples;
            }
        }
        return new Embedding(names, filters, values);
    }

    /** The conv layers (and their batch norms) after the first {@code skipConv} conv layers, in forward order. */
    static List<Target> targets(MultiLayerNetwork net, int skipConv) {
        List<Target> out = new ArrayList<>();
        int convSeen = 0;
        for (int i = 0; i < net.getnLayers(); i++) {
            var conf = net.getLayer(i).conf().getLayer();
            if (conf.getClass() == ConvolutionLayer.class) {
                convSeen++;
                if (convSeen > skipConv) {
                    ConvolutionLayer c = (ConvolutionLayer) conf;
                    out.add(new Target(i, name(conf, i), false, (int) c.getNOut()));
                }
            } else if (conf instanceof BatchNormalization bn && convSeen > skipConv) {
                out.add(new Target(i, name(conf, i), true, (int) bn.getNOut()));
            }
        }
        return out;
    }

    private static String name(org.deeplearning4j.nn.conf.layers.Layer conf, int index) {
        return conf.getLayerName() != null ? conf.getLayerName() : "layer" + index;
    }

    private static void accumulate(MultiLayerNetwork net, INDArray x0, List<Target> targets, double[][] sums,
                                   int labelDraws, SplittableRandom random) {
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        int layers = net.getnLayers();
        int size = (int) x0.size(0);
        INDArray[] inputs = new INDArray[layers];
        INDArray x = x0;
        for (int i = 0; i < layers; i++) {
            InputPreProcessor pre = conf.getInputPreProcess(i);
            if (pre != null) {
                x = pre.preProcess(x, size, mgr);
            }
            inputs[i] = x;
            x = net.getLayer(i).activate(x, false, mgr);
        }
        double[][] p = x.castTo(DataType.DOUBLE).toDoubleMatrix();
        int classes = p[0].length;
        int lowest = targets.get(0).layer();
        int passes = labelDraws == 0 ? classes : labelDraws;
        for (int pass = 0; pass < passes; pass++) {
            float[] labels = new float[size * classes];
            double[] weight = new double[size];
            for (int n = 0; n < size; n++) {
                int y = labelDraws == 0 ? pass : draw(p[n], random);
                labels[n * classes + y] = 1f;
                weight[n] = labelDraws == 0 ? p[n][pass] : 1;
            }
            IOutputLayer output = (IOutputLayer) net.getLayer(layers - 1);
            // the output layer keeps its input from the forward pass; only the labels change
            output.setLabels(Nd4j.create(labels, new long[] {size, classes}, 'c').castTo(x.dataType()));
            INDArray epsilon = output.backpropGradient(null, mgr).getSecond();
            epsilon = backprop(conf, size, mgr, layers - 1, epsilon);
            int next = targets.size() - 1;
            for (int i = layers - 2; i >= lowest; i--) {
                Layer layer = net.getLayer(i);
                if (next >= 0 && targets.get(next).layer() == i) {
                    Target t = targets.get(next);
                    add(sums[next], t.batchNorm() ? batchNormScale(layer, inputs[i], epsilon)
                            : convWeights(layer, inputs[i], epsilon), weight);
                    next--;
                }
                if (i == lowest) {
                    break;
                }
                epsilon = layer.conf().getLayer() instanceof BatchNormalization
                        ? batchNormInput(layer, epsilon) : layer.backpropGradient(epsilon, mgr).getSecond();
                epsilon = backprop(conf, size, mgr, i, epsilon);
            }
        }
    }

    private static INDArray backprop(MultiLayerConfiguration conf, int size, LayerWorkspaceMgr mgr, int layer,
                                     INDArray epsilon) {
        InputPreProcessor pre = conf.getInputPreProcess(layer);
        return pre == null ? epsilon : pre.backprop(epsilon, size, mgr);
    }

    private static int draw(double[] p, SplittableRandom random) {
        double u = random.nextDouble();
        double cumulative = 0;
        for (int k = 0; k < p.length; k++) {
            cumulative += p[k];
            if (u < cumulative) {
                return k;
            }
        }
        return p.length - 1;
    }

    private static void add(double[] sums, double[][] perImage, double[] weight) {
        for (int n = 0; n < perImage.length; n++) {
            for (int c = 0; c < sums.length; c++) {
                sums[c] += weight[n] * perImage[n][c];
            }
        }
    }

    /** Per image and filter: the mean over the filter's weights of the squared per-image gradient. */
    private static double[][] convWeights(Layer layer, INDArray input, INDArray outputGradient) {
        ConvolutionLayer c = (ConvolutionLayer) layer.conf().getLayer();
        boolean nhwc = c.getCnn2dDataFormat() == CNN2DFormat.NHWC;
        INDArray in = nhwc ? input.permute(0, 3, 1, 2).dup('c') : input.dup('c');
        INDArray delta = nhwc ? outputGradient.dup('c') : outputGradient.permute(0, 2, 3, 1).dup('c');
        long b = in.size(0);
        int[] k = c.getKernelSize();
        int[] s = c.getStride();
        int[] pad = c.getPadding();
        int[] dilation = c.getDilation();
        long outH = delta.size(1);
        long outW = delta.size(2);
        long filters = delta.size(3);
        INDArray cols = Nd4j.create(in.dataType(), b, in.size(1), k[0], k[1], outH, outW);
        Convolution.im2col(in, k[0], k[1], s[0], s[1], pad[0], pad[1], dilation[0], dilation[1],
                c.getConvolutionMode() == ConvolutionMode.Same, cols);
        INDArray patches = cols.dup('c').reshape('c', b, in.size(1) * k[0] * k[1], outH * outW);
        INDArray perImage = Nd4j.matmul(patches, delta.castTo(in.dataType()).reshape('c', b, outH * outW, filters)); // [B, C k k, F]
        INDArray meanSquare = perImage.muli(perImage).mean(1); // [B, F]
        return meanSquare.castTo(DataType.DOUBLE).toDoubleMatrix();
    }

    private static double[] stats(Layer layer, String key) {
        return layer.getParam(key).castTo(DataType.DOUBLE).dup().toDoubleVector();
    }

    /** 1 / sqrt(var + eps) per channel, from whichever form DL4J stores the running variance in. */
    private static double[] inverseStd(Layer layer) {
        BatchNormalization conf = (BatchNormalization) layer.conf().getLayer();
        double[] out;
        if (conf.isUseLogStd()) {
            out = stats(layer, "log10stdev");
            for (int i = 0; i < out.length; i++) {
                out[i] = Math.pow(10, -out[i]); // DL4J's std already includes eps
            }
        } else {
            out = stats(layer, "var");
            for (int i = 0; i < out.length; i++) {
                out[i] = 1 / Math.sqrt(out[i] + conf.getEps());
            }
        }
        return out;
    }

    /** Per image and channel: (d/d gamma)^2 = (sum over positions of dL/dy * xhat)^2. */
    private static double[][] batchNormScale(Layer layer, INDArray input, INDArray outputGradient) {
        double[] mean = stats(layer, "mean");
        double[] inv = inverseStd(layer);
        INDArray xhat = channelsLast(layer, input).castTo(DataType.DOUBLE);
        INDArray g = channelsLast(layer, outputGradient).castTo(DataType.DOUBLE);
        long b = xhat.size(0);
        int channels = mean.length;
        INDArray m = Nd4j.createFromArray(mean).reshape(1, 1, 1, channels);
        INDArray v = Nd4j.createFromArray(inv).reshape(1, 1, 1, channels);
        xhat = xhat.sub(m.broadcast(xhat.shape())).muli(v.broadcast(xhat.shape()));
        INDArray perImage = xhat.muli(g).sum(1, 2); // [B, C]
        double[][] out = perImage.toDoubleMatrix();
        for (int n = 0; n < b; n++) {
            for (int c = 0; c < channels; c++) {
                out[n][c] *= out[n][c];
            }
        }
        return out;
    }

    /** The gradient at batch norm's input in inference mode: dL/dy * gamma / sqrt(var + eps). */
    private static INDArray batchNormInput(Layer layer, INDArray outputGradient) {
        double[] gamma = stats(layer, "gamma");
        double[] inv = inverseStd(layer);
        double[] scale = new double[gamma.length];
        for (int c = 0; c < scale.length; c++) {
            scale[c] = gamma[c] * inv[c];
        }
        INDArray g = channelsLast(layer, outputGradient);
        INDArray out = g.mul(Nd4j.createFromArray(scale).castTo(g.dataType()).reshape(1, 1, 1, scale.length)
                .broadcast(g.shape()));
        BatchNormalization conf = (BatchNormalization) layer.conf().getLayer();
        return conf.getCnn2DFormat() == CNN2DFormat.NHWC ? out : out.permute(0, 3, 1, 2).dup('c');
    }

    private static INDArray channelsLast(Layer layer, INDArray maps) {
        BatchNormalization conf = (BatchNormalization) layer.conf().getLayer();
        return conf.getCnn2DFormat() == CNN2DFormat.NHWC ? maps.dup('c') : maps.permute(0, 2, 3, 1).dup('c');
    }
}
