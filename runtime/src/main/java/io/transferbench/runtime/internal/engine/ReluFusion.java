package io.transferbench.runtime.internal.engine;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Links each training-time ReLU layer with the batch norm or addition before it, when that is its
 * only input, it is that producer's only consumer and nothing reshapes the array between them: in
 * training passes the producer then applies the ReLU in its own pass over the data and the ReLU
 * layer hands the array on (forward) and the gradient as it came (backward; the producer applies
 * ReLU's mask). ResNet-20 has 19 such pairs, VGG one per conv layer.
 *
 * <p>Why it is exact: the producer's output is max(0, y) where the ReLU layer would have computed
 * max(0, y) from y, and the mask y > 0 is the one the ReLU's own gradient uses; applying the mask
 * twice (should the ReLU layer compute its gradient anyway) changes nothing. What changes is only
 * what the producer's own output reads as in a training pass: already rectified, which only the
 * ReLU layer reads. Inference passes never fuse.
 */
final class ReluFusion {

    /** Set to false to leave every ReLU layer computing its own ReLU (links made before stay). */
    static final String PROPERTY = "transferbench.fuseRelu";

    private ReluFusion() {
    }

    /** Links the pairs of a network whose fast layers are installed; returns how many. */
    static int link(Model net) {
        if ("false".equals(System.getProperty(PROPERTY))) {
            return 0;
        }
        return net instanceof MultiLayerNetwork m ? link(m) : link((ComputationGraph) net);
    }

    private static int link(MultiLayerNetwork net) {
        Layer[] layers = net.getLayers();
        int linked = 0;
        for (int i = 0; i + 1 < layers.length; i++) {
            if (layers[i + 1] instanceof FastReluLayer relu
                    && net.getLayerWiseConfigurations().getInputPreProcess(i + 1) == null
                    && batchNormHelper(layers[i]) instanceof FastBatchNormHelper helper) {
                relu.takeReluFrom(helper.applyReluAfter());
                linked++;
            }
        }
        return linked;
    }

    private static int link(ComputationGraph graph) {
        GraphVertex[] vertices = graph.getVertices();
        var outputs = graph.getConfiguration().getNetworkOutputs();
        int linked = 0;
        for (GraphVertex vertex : vertices) {
            if (!(vertex instanceof LayerVertex layerVertex) || !(vertex.getLayer() instanceof FastReluLayer relu)
                    || layerVertex.getLayerPreProcessor() != null || vertex.getInputVertices() == null
                    || vertex.getInputVertices().length != 1) {
                continue;
            }
            GraphVertex producer = vertices[vertex.getInputVertices()[0].getVertexIndex()];
            if (producer.getOutputVertices() == null || producer.getOutputVertices().length != 1
                    || outputs.contains(producer.getVertexName())) {
                continue;
            }
            if (producer instanceof FastAddVertex add) {
                relu.takeReluFrom(add.applyReluAfter());
                linked++;
            } else if (producer.hasLayer() && batchNormHelper(producer.getLayer()) instanceof FastBatchNormHelper helper) {
                relu.takeReluFrom(helper.applyReluAfter());
                linked++;
            }
        }
        return linked;
    }

    private static Object batchNormHelper(Layer layer) {
        return layer instanceof BatchNormalization bn ? bn.getHelper() : null;
    }
}
