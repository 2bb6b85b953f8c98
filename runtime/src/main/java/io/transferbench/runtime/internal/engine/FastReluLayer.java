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
 *
 * <p>Where the layer before it is its only input and this layer its only consumer, a batch norm or
 * an addition can apply the ReLU itself in training passes ({@link ReluFusion}): then the forward
 * pass hands on the array that layer produced and the backward pass the gradient as it came, since
 * the producer's backward pass applies ReLU's mask.
 */
public final class FastReluLayer extends ActivationLayer {

    /** What a layer or vertex that can apply this layer's ReLU tells it about its training outputs. */
    interface ReluProducer {
        /**
         * Whether {@code array} is the output of the producer's last training pass with the ReLU
         * applied; answers true at most once for each such pass.
         */
        boolean appliedReluTo(INDArray array);
    }

    /** The {@link ReluProducer} a producer holds: it marks each output it applied the ReLU to. */
    static final class AppliedRelu implements ReluProducer {
        private INDArray output;

        /** The producer's new output, with the ReLU applied or (null) without. */
        void mark(INDArray withRelu) {
            output = withRelu;
        }

        @Override
        public boolean appliedReluTo(INDArray array) {
            boolean applied = array != null && array == output;
            output = null; // once: a later pass must not find a stale array
            return applied;
        }
    }

    private ReluProducer producer;
    private boolean passedOn;

    private FastReluLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** The producer before this layer that may apply its ReLU ({@link ReluFusion} decides). */
    void takeReluFrom(ReluProducer before) {
        producer = before;
    }

    /** Whether the last forward pass handed on its input, its ReLU already applied. */
    boolean passedOn() {
        return passedOn;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        passedOn = training && producer != null && producer.appliedReluTo(input);
        if (passedOn) {
            return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, input);
        }
        // the same op as DL4J's, in one pass instead of a copy and an in-place pass, training or not
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, input.dataType(), input.shape(),
                input.ordering());
        Nd4j.getExecutioner().exec(new RectifiedLinear(input, out, 0.0));
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (passedOn) { // the producer's backward pass zeroes it where the ReLU was 0
            return new Pair<>(new DefaultGradient(), workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD, epsilon));
        }
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
