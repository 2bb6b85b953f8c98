package io.transferbench.runtime.internal.engine;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

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
