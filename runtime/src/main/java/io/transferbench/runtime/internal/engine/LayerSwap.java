package io.transferbench.runtime.internal.engine;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;

import java.lang.reflect.Field;

/**
 * Swaps layer implementations inside a built network, keeping its configuration, parameters and
 * gradient views, so saved models and the updater's state stay DL4J's own. Used to put the
 * training-time layers ({@link FastReluLayer}, {@link FastConvolutionLayer}) and vertices
 * ({@link FastAddVertex}) in place.
 */
final class LayerSwap {

    /** What replaces a stock layer, or null to keep it. */
    interface Replacement {
        Layer replacing(Layer stock, DataType dataType);
    }

    /** What replaces a stock vertex without a layer, or null to keep it. */
    interface VertexReplacement {
        GraphVertex replacing(ComputationGraph graph, GraphVertex stock);
    }

    private static final Logger LOG = LogManager.getLogger(LayerSwap.class);
    // LayerVertex has no setter for its layer; DL4J is on the class path, whose packages are open
    private static final Field VERTEX_LAYER = vertexLayerField();
    // the graph looks vertices up by name there too (getVertex)
    private static final Field VERTICES_BY_NAME = dl4jField(ComputationGraph.class, "verticesMap",
            "Graph vertices without layers train as DL4J's own");

    private LayerSwap() {
    }

    static int swap(MultiLayerNetwork net, Replacement replacement) {
        Layer[] layers = net.getLayers();
        CacheMode cacheMode = net.getLayerWiseConfigurations().getCacheMode();
        DataType dataType = net.getLayerWiseConfigurations().getDataType();
        int replaced = 0;
        for (int i = 0; i < layers.length; i++) {
            Layer fast = replacement.replacing(layers[i], dataType);
            if (fast != null) {
                layers[i] = adopt(fast, layers[i], cacheMode);
                replaced++;
            }
        }
        return replaced;
    }

    static int swap(ComputationGraph graph, Replacement replacement) {
        if (VERTEX_LAYER == null) {
            return 0;
        }
        Layer[] layers = graph.getLayers();
        CacheMode cacheMode = graph.getConfiguration().getCacheMode();
        DataType dataType = graph.getConfiguration().getDataType();
        int replaced = 0;
        for (GraphVertex vertex : graph.getVertices()) {
            if (!(vertex instanceof LayerVertex layerVertex) || !vertex.hasLayer()) {
                continue;
            }
            Layer stock = vertex.getLayer();
            Layer fast = replacement.replacing(stock, dataType);
            if (fast == null) {
                continue;
            }
            adopt(fast, stock, cacheMode);
            try {
                VERTEX_LAYER.set(layerVertex, fast);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("cannot swap the layer of graph vertex " + vertex.getVertexName(), e);
            }
            for (int i = 0; i < layers.length; i++) {
                if (layers[i] == stock) {
                    layers[i] = fast;
                }
            }
            replaced++;
        }
        return replaced;
    }

    /** Replaces vertices without layers (element-wise operations, merges) of a graph; returns how many. */
    @SuppressWarnings("unchecked")
    static int swapVertices(ComputationGraph graph, VertexReplacement replacement) {
        if (VERTICES_BY_NAME == null) {
            return 0;
        }
        java.util.Map<String, GraphVertex> byName;
        try {
            byName = (java.util.Map<String, GraphVertex>) VERTICES_BY_NAME.get(graph);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read the vertices of a graph", e);
        }
        GraphVertex[] vertices = graph.getVertices();
        int replaced = 0;
        for (int i = 0; i < vertices.length; i++) {
            if (vertices[i].hasLayer()) {
                continue;
            }
            GraphVertex fast = replacement.replacing(graph, vertices[i]);
            if (fast != null) {
                vertices[i] = fast;
                byName.put(fast.getVertexName(), fast);
                replaced++;
            }
        }
        return replaced;
    }

    /** Gives the new implementation the stock layer's parameter and gradient views and its state. */
    private static Layer adopt(Layer fast, Layer stock, CacheMode cacheMode) {
        if (stock.numParams() > 0) {
            fast.setParamsViewArray(stock.params());
            fast.setParamTable(stock.paramTable());
            if (stock.getGradientsViewArray() != null) { // else the network sets it when training starts
                fast.setBackpropGradientsViewArray(stock.getGradientsViewArray());
            }
        }
        fast.setIndex(stock.getIndex());
        fast.setListeners(stock.getListeners());
        fast.setCacheMode(cacheMode);
        fast.setIterationCount(stock.getIterationCount());
        fast.setEpochCount(stock.getEpochCount());
        return fast;
    }

    private static Field vertexLayerField() {
        return dl4jField(LayerVertex.class, "layer", "Graphs train with DL4J's own layers");
    }

    /**
     * A non-public field of a DL4J class, made accessible (DL4J is on the class path, whose packages
     * are open), or null after a warning saying what then runs as DL4J's own.
     */
    static Field dl4jField(Class<?> owner, String name, String consequence) {
        try {
            Field field = owner.getDeclaredField(name);
            field.setAccessible(true);
            return field;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("{}: cannot reach {}.{} ({})", consequence, owner.getSimpleName(), name, e.toString());
            return null;
        }
    }
}
