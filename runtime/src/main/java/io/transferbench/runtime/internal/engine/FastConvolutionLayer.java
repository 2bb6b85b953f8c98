package io.transferbench.runtime.internal.engine;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The training-time implementation of an NHWC convolution layer without its own activation (the
 * fast layout: the ReLU is a separate layer), installed in place of DL4J's own when its oneDNN
 * helper is active. It calls the same helper with the same arrays, minus two copies DL4J M2.1 makes
 * on that path and never reads: an NCHW copy of the input, made in every forward and every backward
 * pass only to read its sizes, and a duplicate of the output, kept so the backward pass can apply
 * the derivative of an activation the layer does not have. Anything else (another layout, an
 * activation, dropout, weight noise, "Same" padding, not FLOAT, no helper) runs as DL4J's own.
 */
public final class FastConvolutionLayer extends ConvolutionLayer {

    private static final Logger LOG = LogManager.getLogger(FastConvolutionLayer.class);
    /** Set to false to run every convolution through libnd4j's oneDNN helper (exact DL4J). */
    static final String DIRECT_PROPERTY = OneDnn.PROPERTY;

    private DirectConvolution direct;
    private boolean directRefused;

    private FastConvolutionLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (!onFastPath()) {
            return super.activate(training, workspaceMgr);
        }
        assertInputSet(false);
        org.deeplearning4j.nn.conf.layers.ConvolutionLayer conf = layerConf();
        INDArray weights = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, training, workspaceMgr);
        INDArray bias = hasBias() ? getParamWithNoise(ConvolutionParamInitializer.BIAS_KEY, training, workspaceMgr)
                : zeroBias();
        if (centreTapOnly()) {
            return centreTapForward(weights, bias, workspaceMgr);
        }
        if (direct() != null) {
            try {
                INDArray x = Networks.dense(input);
                INDArray output = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
                        direct.outputShape(x.shape()), 'c');
                direct.forward(x, weights, hasBias() ? bias : null, output);
                return output;
            } catch (RuntimeException e) {
                directFailed(e);
            }
        }
        // identity activation: the pre-activation is the output, and nothing needs a copy of it
        try {
            return helper.preOutput(input, weights, bias, conf.getKernelSize(), conf.getStride(),
                    conf.getPadding(), conf.getCudnnAlgoMode(), conf.getCudnnFwdAlgo(), convolutionMode,
                    conf.getDilation(), CNN2DFormat.NHWC, workspaceMgr);
        } catch (RuntimeException e) {
            fallBack(e);
            return super.activate(training, workspaceMgr);
        }
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (!onFastPath()) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        assertInputSet(true);
        org.deeplearning4j.nn.conf.layers.ConvolutionLayer conf = layerConf();
        INDArray weights = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, true, workspaceMgr);
        INDArray bias = getParamWithNoise(ConvolutionParamInitializer.BIAS_KEY, true, workspaceMgr);
        if (centreTapOnly()) {
            return centreTapBackward(weights, epsilon, workspaceMgr);
        }
        if (direct() != null) {
            try {
                INDArray x = Networks.dense(input);
                INDArray inputGradient = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT,
                        x.shape(), 'c');
                INDArray weightGradient = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
                INDArray biasGradient = hasBias() ? gradientViews.get(ConvolutionParamInitializer.BIAS_KEY) : null;
                direct.backward(x, weights, Networks.dense(epsilon), inputGradient, weightGradient, biasGradient);
                Gradient gradient = new DefaultGradient();
                if (hasBias()) {
                    gradient.gradientForVariable().put(ConvolutionParamInitializer.BIAS_KEY, biasGradient);
                }
                gradient.gradientForVariable().put(ConvolutionParamInitializer.WEIGHT_KEY, weightGradient);
                return new Pair<>(gradient, inputGradient);
            } catch (RuntimeException e) {
                directFailed(e);
            }
        }
        // identity activation: the loss gradient at the pre-activation is epsilon itself
        try {
            return helper.backpropGradient(input, weights, bias, epsilon, conf.getKernelSize(), conf.getStride(),
                    conf.getPadding(), gradientViews.get(ConvolutionParamInitializer.BIAS_KEY),
                    gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY), conf.getActivationFn(),
                    conf.getCudnnAlgoMode(), conf.getCudnnBwdFilterAlgo(), conf.getCudnnBwdDataAlgo(),
                    convolutionMode, conf.getDilation(), CNN2DFormat.NHWC, workspaceMgr);
        } catch (RuntimeException e) {
            fallBack(e);
            return super.backpropGradient(epsilon, workspaceMgr);
        }
    }

    /**
     * A 1x1 input padded to keep its size (VGG's last block on 28x28 images): every output sees only
     * the kernel's centre, so the convolution is a matrix product with the centre taps. oneDNN picks
     * Winograd for its backward pass here, about 60 ms a call for 512 channels against about 2 ms
     * for the product. The other taps only ever meet padding: their gradient is zero, as DL4J's.
     */
    private boolean centreTapOnly() {
        org.deeplearning4j.nn.conf.layers.ConvolutionLayer conf = layerConf();
        int[] kernel = conf.getKernelSize();
        int[] padding = conf.getPadding();
        int[] dilation = conf.getDilation();
        return input.rank() == 4 && input.size(1) == 1 && input.size(2) == 1 && kernel[0] % 2 == 1
                && kernel[1] % 2 == 1 && padding[0] == kernel[0] / 2 && padding[1] == kernel[1] / 2
                && dilation[0] == 1 && dilation[1] == 1;
    }

    private INDArray centreTaps(INDArray weights) {
        int[] kernel = layerConf().getKernelSize();
        // weights are [out, in, kernel height, kernel width]
        return weights.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(kernel[0] / 2),
                NDArrayIndex.point(kernel[1] / 2)).dup('c');
    }

    private INDArray centreTapForward(INDArray weights, INDArray bias, LayerWorkspaceMgr workspaceMgr) {
        long batch = input.size(0);
        long out = layerConf().getNOut();
        INDArray output = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, input.dataType(),
                new long[] {batch, 1, 1, out}, 'c');
        INDArray rows = output.reshape(batch, out);
        Nd4j.gemm(flatInput(input), centreTaps(weights), rows, false, true, 1.0, 0.0);
        if (hasBias()) {
            rows.addiRowVector(bias.reshape(1, out));
        }
        return output;
    }

    private Pair<Gradient, INDArray> centreTapBackward(INDArray weights, INDArray epsilon,
                                                       LayerWorkspaceMgr workspaceMgr) {
        long batch = input.size(0);
        long out = layerConf().getNOut();
        INDArray dy = flatInput(epsilon);
        INDArray x = flatInput(input);
        int[] kernel = layerConf().getKernelSize();
        INDArray weightGradient = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
        weightGradient.assign(0);
        INDArray centre = Nd4j.createUninitialized(DataType.FLOAT, out, x.size(1));
        Nd4j.gemm(dy, x, centre, true, false, 1.0, 0.0);
        weightGradient.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(kernel[0] / 2),
                NDArrayIndex.point(kernel[1] / 2)).assign(centre);
        Gradient gradient = new DefaultGradient();
        if (hasBias()) {
            INDArray biasGradient = gradientViews.get(ConvolutionParamInitializer.BIAS_KEY);
            biasGradient.assign(dy.sum(0).reshape(biasGradient.shape()));
            gradient.gradientForVariable().put(ConvolutionParamInitializer.BIAS_KEY, biasGradient);
        }
        gradient.gradientForVariable().put(ConvolutionParamInitializer.WEIGHT_KEY, weightGradient);
        INDArray inputGradient = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(),
                input.shape(), 'c');
        Nd4j.gemm(dy, centreTaps(weights), inputGradient.reshape(batch, x.size(1)), false, false, 1.0, 0.0);
        return new Pair<>(gradient, inputGradient);
    }

    /**
     * oneDNN called directly with direct convolutions ({@link DirectConvolution}), unless the
     * system property {@value #DIRECT_PROPERTY} is false, its library does not load, the kernel is
     * dilated or a call failed (then libnd4j's helper, as before, for the rest of the run).
     */
    private DirectConvolution direct() {
        if (direct == null && !directRefused) {
            org.deeplearning4j.nn.conf.layers.ConvolutionLayer conf = layerConf();
            int[] dilation = conf.getDilation();
            directRefused = dilation[0] != 1 || dilation[1] != 1 || !OneDnn.available();
            if (!directRefused) {
                direct = new DirectConvolution(conf.getNOut(), conf.getKernelSize(), conf.getStride(), conf.getPadding(),
                        hasBias());
            }
        }
        return direct;
    }

    private void directFailed(RuntimeException e) {
        LOG.warn("oneDNN's direct convolution failed in layer {}; libnd4j's helper takes over", index, e);
        direct = null;
        directRefused = true;
    }

    /** [N, 1, 1, C] as [N, C], contiguous. */
    private static INDArray flatInput(INDArray nhwc) {
        return Networks.dense(nhwc.reshape(nhwc.size(0), nhwc.size(3)));
    }

    /** As DL4J does when a helper call fails: its built-in implementation from then on, if allowed. */
    private void fallBack(RuntimeException e) {
        if (!layerConf().isCudnnAllowFallback()) {
            throw e;
        }
        helperCountFail++;
        LOG.warn("oneDNN convolution failed in layer {}; DL4J's built-in implementation takes over", index, e);
    }

    /** As DL4J's layer: the helper's forward pass gets zeros where a layer has no bias. */
    private INDArray zeroBias() {
        if (dummyBias == null) {
            try (MemoryWorkspace outside = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                dummyBias = Nd4j.create(new long[] {1, layerConf().getNOut()});
            }
        }
        return dummyBias;
    }

    /**
     * What can change after installation ({@link #fits} checked the configuration): a failed helper
     * call makes DL4J fall back, and so does this layer; the helper only takes FLOAT arrays (it
     * answers null to anything else).
     */
    private boolean onFastPath() {
        return helper instanceof MKLDNNConvHelper && helperCountFail == 0 && input != null
                && input.dataType() == DataType.FLOAT;
    }

    /** Replaces the convolution layers of a layer list that can take the fast path; returns how many. */
    public static int install(MultiLayerNetwork net) {
        return LayerSwap.swap(net, FastConvolutionLayer::replacing);
    }

    /** Replaces the convolution layers of a graph that can take the fast path; returns how many. */
    public static int install(ComputationGraph graph) {
        return LayerSwap.swap(graph, FastConvolutionLayer::replacing);
    }

    private static Layer replacing(Layer stock, DataType dataType) {
        return stock.getClass() == ConvolutionLayer.class && dataType == DataType.FLOAT
                && fits((ConvolutionLayer) stock) ? new FastConvolutionLayer(stock.conf(), dataType) : null;
    }

    private static boolean fits(ConvolutionLayer layer) {
        org.deeplearning4j.nn.conf.layers.ConvolutionLayer conf =
                (org.deeplearning4j.nn.conf.layers.ConvolutionLayer) layer.conf().getLayer();
        return layer.getHelper() instanceof MKLDNNConvHelper && conf.getCnn2dDataFormat() == CNN2DFormat.NHWC
                && conf.getActivationFn() instanceof ActivationIdentity && conf.getIDropout() == null
                && conf.getWeightNoise() == null && conf.getConvolutionMode() != ConvolutionMode.Same;
    }
}
