package io.transferbench.runtime.internal.engine;

import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.impl.ElementWiseVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The training-time implementation of a graph's two-input addition vertex (a residual block's
 * shortcut), put in place of DL4J's before a graph trains; the configuration stays DL4J's. DL4J's
 * copies its first input and then adds the second. Here the sum is written in one pass. Each input
 * gets its own copy of the gradient, as DL4J's (the graph adds other gradients into such an array
 * in place). Where the ReLU layer after it is its only consumer, training passes also apply
 * that ReLU ({@link ReluFusion}): max(0, a + b) in the same pass and ReLU's mask applied to the
 * gradient, through oneDNN ({@link DirectAddRelu}).
 * Anything else (broadcasting, more inputs, other data types) runs as DL4J's vertex.
 */
final class FastAddVertex extends ElementWiseVertex {

    private boolean reluAfter;
    private DirectAddRelu direct;
    private boolean handledForward;
    private boolean appliedRelu;
    private final FastReluLayer.AppliedRelu reluApplied = new FastReluLayer.AppliedRelu();
    private INDArray lastOutput;

    private FastAddVertex(ElementWiseVertex stock) {
        super(stock.getGraph(), stock.getVertexName(), stock.getVertexIndex(), stock.getInputVertices(),
                stock.getOutputVertices(), Op.Add, stock.getDataType());
        this.outputVertex = stock.isOutputVertex();
    }

    /** The implementation for a stock vertex of a graph, or null where it is not an addition. */
    static GraphVertex replacing(ComputationGraph graph, GraphVertex stock) {
        if (stock.getClass() != ElementWiseVertex.class) {
            return null;
        }
        var conf = graph.getConfiguration().getVertices().get(stock.getVertexName());
        return conf instanceof org.deeplearning4j.nn.conf.graph.ElementWiseVertex add
                && add.getOp() == org.deeplearning4j.nn.conf.graph.ElementWiseVertex.Op.Add
                ? new FastAddVertex((ElementWiseVertex) stock) : null;
    }

    /** Applies the ReLU layer that follows in training passes where oneDNN runs; returns what tells it so. */
    FastReluLayer.ReluProducer applyReluAfter() {
        reluAfter = true;
        return reluApplied;
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        reluApplied.mark(null);
        handledForward = inputs != null && inputs.length == 2 && inputs[0] != null && inputs[1] != null
                && inputs[0].dataType() == DataType.FLOAT && inputs[1].dataType() == DataType.FLOAT
                && inputs[0].equalShapes(inputs[1]);
        if (!handledForward) {
            return super.doForward(training, workspaceMgr);
        }
        INDArray a = Networks.dense(inputs[0]);
        INDArray b = Networks.dense(inputs[1]);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, a.shape(), 'c');
        appliedRelu = training && reluAfter && OneDnn.available();
        if (appliedRelu) {
            direct().forward(a, b, out);
            reluApplied.mark(out);
            lastOutput = out;
        } else {
            Nd4j.exec(new AddOp(a, b, out));
        }
        return out;
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        if (!handledForward) {
            return super.doBackward(tbptt, workspaceMgr);
        }
        if (!canDoBackward()) {
            throw new IllegalStateException("Cannot do backward pass: errors not set");
        }
        INDArray first;
        if (appliedRelu) {
            first = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, epsilon.shape(), 'c');
            direct().backward(lastOutput, Networks.dense(epsilon), first);
        } else {
            first = workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, epsilon);
        }
        return new Pair<>(null, new INDArray[] {first, workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, first)});
    }

    private DirectAddRelu direct() {
        if (direct == null) {
            direct = new DirectAddRelu();
        }
        return direct;
    }
}
