package io.transferbench.runtime.internal.engine;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.ActivationLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The training-time implementation of a plain ReLU {@code ActivationLayer}, installed in place of
 * DL4J's own before a network trains. DL4J's copies its input before the ReLU and again before the
 * backward pass, and its backward pass runs libnd4j's per-element lambda; together they were 29 % of
 * ND4J's op time for bench-cnn (docs/performance.md). Here the forward pass writes the ReLU straight
 * into the output and the backward pass is a step function and one multiply, both vectorised.
 * The configuration is not touched, so saved models still hold stock layers.
 */
public final class FastReluLayer extends ActivationLayer {

    private FastReluLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        // the same op as DL4J's, in one pass instead of a copy and an in-place pass, training or not
        assertInputSet(false);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, input.dataType(), input.shape(),
                input.ordering());
        Nd4j.getExecutioner().exec(new RectifiedLinear(input, out, 0.0));
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        INDArray delta = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape(),
                input.ordering());
        // d relu(x)/dx is 1 where x > 0, else 0 (also at 0, as DL4J's relu_bp)
        Nd4j.getExecutioner().exec(new Step(input, delta, 0.0));
        delta.muli(epsilon);
        return new Pair<>(new DefaultGradient(), delta);
    }

    /** Replaces the plain-ReLU activation layers of a layer list; returns how many it replaced. */
    public static int install(MultiLayerNetwork net) {
        return LayerSwap.swap(net, FastReluLayer::replacing);
    }

    /** Replaces the plain-ReLU activation layers of a graph; returns how many it replaced. */
    public static int install(ComputationGraph graph) {
        return LayerSwap.swap(graph, FastReluLayer::replacing);
    }

    private static Layer replacing(Layer stock, DataType dataType) {
        return stock.getClass() == ActivationLayer.class && isPlainRelu(stock)
                ? new FastReluLayer(stock.conf(), dataType) : null;
    }

    private static boolean isPlainRelu(Layer layer) {
        IActivation fn = ((org.deeplearning4j.nn.conf.layers.ActivationLayer) layer.conf().getLayer()).getActivationFn();
        return fn instanceof ActivationReLU relu && relu.getMax() == null && isZeroOrUnset(relu.getThreshold())
                && isZeroOrUnset(relu.getNegativeSlope());
    }

    private static boolean isZeroOrUnset(Double value) {
        return value == null || value == 0.0;
    }
}
