package io.transferbench.runtime.internal.engine;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.Map;

/**
 * A network's classifier seen from below: the features it classifies (the output layer's input) and its class
 * probabilities, and a new classifier fitted on cached features and attached in place of the old one. For Task2Vec
 * (the probe's head re-fitted on each task) and the transferability measures (an expert's features and source-class
 * predictions on a target).
 */
public final class ClassifierInputs {

    private static final int CHUNK = 256;

    private ClassifierInputs() {
    }

    /** The input of the output layer (after its preprocessor) for every image of {@code features}, one row each. */
    public static double[][] features(Model net, INDArray images) {
        long n = images.size(0);
        double[][] out = new double[(int) n][];
        for (long from = 0; from < n; from += CHUNK) {
            long to = Math.min(n, from + CHUNK);
            INDArray x = images.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to));
            double[][] rows = classifierInput(net, x).castTo(DataType.DOUBLE).toDoubleMatrix();
            System.arraycopy(rows, 0, out, (int) from, rows.length);
        }
        return out;
    }

    private static INDArray classifierInput(Model net, INDArray x) {
        Networks.installFastLayers(net); // every forward pass runs the same layers (Networks.output)
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        if (net instanceof MultiLayerNetwork m) {
            int last = m.getnLayers() - 1;
            java.util.List<INDArray> acts = m.feedForwardToLayer(last - 1, x, false);
            INDArray in = acts.get(acts.size() - 1);
            InputPreProcessor pre = m.getLayerWiseConfigurations().getInputPreProcess(last);
            INDArray result = pre == null ? in : pre.preProcess(in, (int) x.size(0), mgr);
            m.clear();
            return result.dup();
        }
        ComputationGraph g = (ComputationGraph) net;
        Map<String, INDArray> acts = g.feedForward(x, false);
        String input = g.getConfiguration().getVertexInputs().get("output").get(0);
        INDArray in = acts.get(input);
        InputPreProcessor pre = ((LayerVertex) g.getConfiguration().getVertices().get("output")).getPreProcessor();
        INDArray result = pre == null ? in : pre.preProcess(in, (int) x.size(0), mgr);
        g.clear();
        return result.dup();
    }

    /** The network's class probabilities, one row per image. */
    public static double[][] probabilities(Model net, INDArray images) {
        long n = images.size(0);
        double[][] out = new double[(int) n][];
        for (long from = 0; from < n; from += CHUNK) {
            long to = Math.min(n, from + CHUNK);
            INDArray x = images.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to));
            double[][] rows = Networks.output(net, x).castTo(DataType.DOUBLE).toDoubleMatrix();
            System.arraycopy(rows, 0, out, (int) from, rows.length);
        }
        return out;
    }

    /**
     * A softmax classifier fitted on cached features with {@code steps} Adam steps (mini-batches of 64 cycling through
     * seeded shuffles), as Task2Vec re-fits its probe's head; its weights {@code [features, classes]} and bias.
     */
    public record Head(INDArray weights, INDArray bias) {
    }

    public static Head fit(double[][] features, int[] labels, int classes, int steps, double learningRate, long seed) {
        int d = features[0].length;
        MultiLayerNetwork head = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(seed)
                .updater(new Adam(learningRate)).list()
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(d).nOut(classes)
                        .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build())
                .build());
        head.init();
        INDArray x = Nd4j.create(features).castTo(DataType.FLOAT);
        float[] oneHot = new float[labels.length * classes];
        for (int i = 0; i < labels.length; i++) {
            oneHot[i * classes + labels[i]] = 1f;
        }
        INDArray y = Nd4j.create(oneHot, new long[] {labels.length, classes}, 'c');
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        int n = labels.length;
        int[] perm = new int[n];
        int from = n; // a new shuffle at the start and whenever one is used up
        for (int step = 0; step < steps; step++) {
            if (from >= n) {
                for (int i = 0; i < n; i++) {
                    perm[i] = i;
                }
                for (int i = n - 1; i > 0; i--) {
                    int j = random.nextInt(i + 1);
                    int t = perm[i];
                    perm[i] = perm[j];
                    perm[j] = t;
                }
                from = 0;
            }
            int[] rows = java.util.Arrays.copyOfRange(perm, from, Math.min(n, from + 64));
            from += 64;
            head.fit(new DataSet(x.getRows(rows), y.getRows(rows)));
        }
        return new Head(head.getLayer(0).getParam("W").dup(), head.getLayer(0).getParam("b").dup());
    }

    /** A copy of the layer-list network {@code net} (stock layers) whose output layer is {@code head}. */
    public static MultiLayerNetwork withHead(MultiLayerNetwork net, Head head) {
        int last = net.getnLayers() - 1;
        long inputs = ((FeedForwardLayer) net.getLayer(last).conf().getLayer()).getNIn();
        if (inputs != head.weights().size(0)) {
            throw new IllegalArgumentException("the head takes " + head.weights().size(0) + " features, the network gives "
                    + inputs);
        }
        MultiLayerNetwork out = new TransferLearning.Builder(net.clone())
                .fineTuneConfiguration(new FineTuneConfiguration.Builder().updater(new Adam(1e-3)).build())
                .removeOutputLayer()
                .addLayer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(inputs)
                        .nOut(head.weights().size(1)).activation(Activation.SOFTMAX).name("output").build())
                .build();
        out.getLayer(last).setParam("W", head.weights().castTo(out.getLayer(last).getParam("W").dataType()));
        out.getLayer(last).setParam("b", head.bias().castTo(out.getLayer(last).getParam("b").dataType()));
        return out;
    }
}
