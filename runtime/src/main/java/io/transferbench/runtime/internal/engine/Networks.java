package io.transferbench.runtime.internal.engine;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.IUpdater;

import java.io.IOException;
import java.nio.file.Path;
import java.util.zip.ZipFile;

/**
 * What training needs from either kind of DL4J network: layer lists ({@link MultiLayerNetwork}) and
 * graphs with skip connections ({@link ComputationGraph}). They share no interface for these calls.
 */
public final class Networks {

    private Networks() {
    }

    /** A new, initialised network of a model the descriptor names. */
    public static Model create(String model, ModelBuilder.InputShape input, int classes, double width, long seed,
                               IUpdater updater, double weightDecay) {
        if (ModelBuilder.isGraph(model)) {
            ComputationGraph graph = new ComputationGraph(ModelBuilder.buildGraph(model, input, classes, width, seed,
                    updater, weightDecay));
            graph.init();
            return graph;
        }
        MultiLayerNetwork net = new MultiLayerNetwork(ModelBuilder.build(model, input, classes, width, seed, updater,
                weightDecay));
        net.init();
        return net;
    }

    /**
     * Puts the training-time implementations of ReLU and convolution layers, of batch norm's helper
     * and of a graph's additions in place in a layer list or graph (configuration untouched; see
     * {@link FastReluLayer}, {@link FastConvolutionLayer}, {@link FastBatchNormHelper},
     * {@link FastAddVertex}) and links each ReLU to the producer that can apply it ({@link ReluFusion}).
     * A no-op once installed. Returns how many layers and vertices it changed.
     */
    public static int installFastLayers(Model net) {
        int installed = FastBatchNormHelper.install(net);
        if (net instanceof MultiLayerNetwork m) {
            installed += FastReluLayer.install(m) + FastConvolutionLayer.install(m);
        } else {
            ComputationGraph graph = (ComputationGraph) net;
            installed += FastReluLayer.install(graph) + FastConvolutionLayer.install(graph)
                    + LayerSwap.swapVertices(graph, FastAddVertex::replacing);
        }
        ReluFusion.link(net);
        return installed;
    }

    /**
     * The array itself if it is dense in C order (the fast layers' outputs are), else a dense copy:
     * what native kernels reading raw buffers, and reshapes to [rows, channels], need.
     */
    static INDArray dense(INDArray array) {
        return array.ordering() == 'c' && Shape.hasDefaultStridesForShape(array) ? array : array.dup('c');
    }

    static void fit(Model net, DataSet batch) {
        installFastLayers(net); // every batch: networks arrive from builders, restores and surgery
        if (net instanceof MultiLayerNetwork m) {
            m.fit(batch);
        } else {
            ((ComputationGraph) net).fit(batch);
        }
    }

    static void endEpoch(Model net) {
        if (net instanceof MultiLayerNetwork m) {
            m.incrementEpochCount();
        } else {
            ((ComputationGraph) net).incrementEpochCount();
        }
    }

    /**
     * Inference on the fast layers, installed first if they are not yet: a network evaluates with the
     * same layers whether it was just built, trained, restored from a file or cut by filter surgery,
     * so a resumed run computes what the uninterrupted one did (the fast layers are not bit-identical
     * to DL4J's in inference: centre-tap and direct convolutions sum in other orders).
     */
    static INDArray output(Model net, INDArray features) {
        installFastLayers(net);
        if (net instanceof MultiLayerNetwork m) {
            return m.output(features, false);
        }
        return ((ComputationGraph) net).outputSingle(false, features);
    }

    /** Reads a model written by {@link ModelSerializer}, whichever kind it is, with its updater state. */
    public static Model restore(Path file) throws IOException {
        boolean graph;
        try (ZipFile zip = new ZipFile(file.toFile())) {
            var entry = zip.getEntry("configuration.json");
            if (entry == null) {
                throw new IOException(file + " is not a DL4J model (no configuration.json inside)");
            }
            String json = new String(zip.getInputStream(entry).readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            graph = json.contains("\"vertices\"");
        } catch (java.util.zip.ZipException e) {
            throw new IOException(file + " is damaged (" + e.getMessage() + "; truncated?): not a readable DL4J model", e);
        }
        try {
            return graph ? ModelSerializer.restoreComputationGraph(file.toFile(), true)
                    : ModelSerializer.restoreMultiLayerNetwork(file.toFile(), true);
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + " cannot be read as a DL4J model (" + e + "); the file is damaged", e);
        }
    }

    /** A layer-list network, or a clear error naming what needs one. */
    public static MultiLayerNetwork layerList(Model net, String network, String purpose) {
        if (net instanceof MultiLayerNetwork m) {
            return m;
        }
        throw new IllegalStateException("network '" + network + "' has skip connections (a residual model); " + purpose
                + " works on plain conv chains (small-cnn, bench-cnn, vgg-11, vgg-16) only");
    }

}
