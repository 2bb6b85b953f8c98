package io.transferbench.runtime.internal.engine;

import io.transferbench.api.network.ConvLayerInfo;
import io.transferbench.api.importance.ImportanceMetric;
import io.transferbench.runtime.internal.data.LabelledImages;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the compression stages spend on the forward pass: an importance metric scoring every conv
 * layer of a freshly built network over the first images (as a pruning step does), and plain
 * inference throughput at a batch size.
 */
public final class ScoringBenchmark {

    /** Seconds per conv layer (in forward order) and in all. */
    public record Scoring(Map<String, Double> secondsPerLayer, double seconds) {
    }

    private ScoringBenchmark() {
    }

    /** Scores every conv layer of {@code model} with {@code metric}, the images of {@code data} as probe. */
    public static Scoring score(LabelledImages data, String model, double width, ImportanceMetric metric) {
        Dl4jEngine.start();
        MultiLayerNetwork net = Networks.layerList(TrainingBenchmark.network(data, model, width), model, "scoring filters");
        Batches images = new Batches(data, false);
        Dl4jNetworkView view = new Dl4jNetworkView(model, net, images, images);
        Map<String, Double> perLayer = new LinkedHashMap<>();
        long start = System.nanoTime();
        for (ConvLayerInfo layer : view.convLayers()) {
            long t = System.nanoTime();
            metric.score(view, layer);
            perLayer.put(layer.name(), (System.nanoTime() - t) / 1e9);
        }
        return new Scoring(perLayer, (System.nanoTime() - start) / 1e9);
    }

    /** Inference images/s: {@code batches} batches after 5 warm-up ones. */
    public static double inferenceImagesPerSecond(LabelledImages data, String model, double width, int batch,
                                                  int batches) {
        Dl4jEngine.start();
        Model net = TrainingBenchmark.network(data, model, width);
        Batches images = new Batches(data, false);
        int[] order = TrainingBenchmark.inOrder(data.size());
        long start = 0;
        for (int i = 0; i < batches + 5; i++) {
            if (i == 5) {
                start = System.nanoTime();
            }
            int s = (int) (((long) i * batch) % (data.size() - batch));
            DataSet ds = images.batch(order, s, s + batch, null);
            INDArray out = Networks.output(net, ds.getFeatures());
            out.close();
        }
        return batches * (double) batch / ((System.nanoTime() - start) / 1e9);
    }
}
