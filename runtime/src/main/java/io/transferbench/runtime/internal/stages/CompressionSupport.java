package io.transferbench.runtime.internal.stages;

import io.transferbench.api.importance.ImportanceMetric;
import io.transferbench.api.network.ConvLayerInfo;
import io.transferbench.runtime.internal.data.LabelledImages;
import io.transferbench.runtime.internal.data.TaskData;
import io.transferbench.runtime.internal.descriptor.Location;
import io.transferbench.runtime.internal.descriptor.Section;
import io.transferbench.runtime.internal.engine.Dl4jEngine;
import io.transferbench.runtime.internal.engine.Dl4jNetworkView;
import io.transferbench.runtime.internal.engine.Networks;
import io.transferbench.runtime.internal.engine.TrainingSettings;
import io.transferbench.runtime.internal.pipeline.StageContext;
import io.transferbench.runtime.internal.pipeline.StageDeclaration;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.nn.transferlearning.TransferLearning;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/** What the stages that change a trained network's filters share: the source, scoring, retraining set-up. */
final class CompressionSupport {

    private CompressionSupport() {
    }

    /**
     * What {@code prune} and {@code replace-filters} share in their settings: the source network, the
     * network made from it (and its task), and the retraining.
     */
    record Source(String from, Location fromLocation, String network, Location networkLocation, String stageType,
                  String task, TrainingLoop.Training training) {
        static Source of(StageDeclaration stage) {
            Section s = stage.section();
            String network = s.string("network");
            return new Source(s.string("from"), s.location("from"), network, s.location("network"), s.string("type"),
                    stage.taskOf(network), TrainingLoop.Training.of(s));
        }
    }

    /** How a stage changes its copy of the source network before retraining. */
    @FunctionalInterface
    interface Change {
        MultiLayerNetwork apply(StageContext context, TaskData task, long seed);
    }

    /**
     * What {@code prune} and {@code replace-filters} share: the stage's network is {@code change}'s
     * result (or, resuming, its last checkpoint), retrained for the stage's epochs and saved.
     */
    static void changeAndRetrain(StageContext context, Source source, Change change) throws IOException {
        Dl4jEngine.start();
        String name = source.network();
        TaskData task = context.state().task(source.task());
        TrainingSettings settings = source.training().settings();
        long seed = TrainingLoop.networkSeed(context.seed(), name);
        TrainingLoop.Start start = TrainingLoop.startOrResume(context, name, () -> retrainable(
                change.apply(context, task, seed), settings, seed));
        TrainingLoop.train(context, name, start, source.task(), source.training());
        context.state().putNetwork(name, start.net());
        TrainingLoop.save(context, name, start.net());
    }

    /**
     * A copy of the network {@code from} (an earlier stage trained it) for the stage's {@code network},
     * whose task must have as many classes as the copy's head.
     */
    static MultiLayerNetwork sourceCopy(StageContext context, Source s, TaskData task) {
        Model source = TrainingLoop.trainedOrFail(context, s.from(), s.fromLocation());
        MultiLayerNetwork net = Networks.layerList(source, s.from(), s.stageType()).clone();
        long classes = ((FeedForwardLayer) net.getLayer(net.getnLayers() - 1).conf().getLayer()).getNOut();
        if (classes != task.train().classes()) {
            throw new IllegalStateException(s.networkLocation() + ": network '" + s.network() + "' has a task of "
                    + task.train().classes() + " classes, but '" + s.from() + "' outputs " + classes + "; give it "
                    + s.from() + "'s task");
        }
        return net;
    }

    /** Scores of every conv layer, all taken on the network as it is now. */
    static Map<String, double[]> scores(ImportanceMetric metric, String metricId, Dl4jNetworkView view) {
        Map<String, double[]> scores = new LinkedHashMap<>();
        for (ConvLayerInfo layer : view.convLayers()) {
            scores.put(layer.name(), checkedScores(metricId, layer, metric.score(view, layer)));
        }
        return scores;
    }

    /** A metric's answer, checked against the API's contract: one finite score per filter. */
    static double[] checkedScores(String metricId, ConvLayerInfo layer, double[] s) {
        if (s == null || s.length != layer.filters()) {
            throw new IllegalStateException("importance metric '" + metricId + "' returned "
                    + (s == null ? "nothing" : s.length + " scores") + " for layer " + layer.name() + " of "
                    + layer.filters() + " filters");
        }
        for (int i = 0; i < s.length; i++) {
            if (!Double.isFinite(s[i])) {
                throw new IllegalStateException("importance metric '" + metricId + "' scored filter " + i + " of layer "
                        + layer.name() + " " + s[i] + "; scores must be finite numbers");
            }
        }
        return s;
    }

    /**
     * The network ready to train with the stage's optimiser, learning rate and weight decay (the source's
     * were set for its own training), with its epoch counter at 0 so schedules start over.
     */
    static MultiLayerNetwork retrainable(MultiLayerNetwork net, TrainingSettings settings, long seed) {
        FineTuneConfiguration fineTune = new FineTuneConfiguration.Builder().updater(settings.updater())
                .weightDecay(settings.weightDecay()).seed(seed).build();
        MultiLayerNetwork tuned = new TransferLearning.Builder(net).fineTuneConfiguration(fineTune).build();
        tuned.setEpochCount(0);
        return tuned;
    }

    /** A seeded random subset of the training images, for measuring trials without touching the evaluation split. */
    static LabelledImages searchImages(LabelledImages train, int count, long seed) {
        int n = Math.min(count, train.size());
        int[] order = new int[train.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            int j = i + random.nextInt(order.length - i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int[] identity = new int[train.classes()];
        for (int c = 0; c < identity.length; c++) {
            identity[c] = c;
        }
        return train.select(java.util.Arrays.copyOf(order, n), identity, train.classes());
    }
}
