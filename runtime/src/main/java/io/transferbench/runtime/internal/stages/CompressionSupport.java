package io.transferbench.runtime.internal.stages;

import io.transferbench.api.importance.ImportanceMetric;
import io.transferbench.api.network.ConvLayerInfo;
import io.transferbench.runtime.internal.data.LabelledImages;
import io.transferbench.runtime.internal.data.TaskData;
import io.transferbench.runtime.internal.engine.Dl4jEngine;
import io.transferbench.runtime.internal.engine.Dl4jNetworkView;
import io.transferbench.runtime.internal.engine.Networks;
import io.transferbench.runtime.internal.engine.TrainingSettings;
import io.transferbench.runtime.internal.pipeline.StageContext;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.nn.transferlearning.TransferLearning;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/** What the stages that change a trained network's filters share: the source, scoring, retraining set-up. */
final class CompressionSupport {

    private CompressionSupport() {
    }

    /** How a stage changes its copy of the source network before retraining. */
    @FunctionalInterface
    interface Change {
        MultiLayerNetwork apply(StageContext context, String network, TaskData task, TrainingSettings settings, long seed);
    }

    /**
     * What {@code prune} and {@code replace-filters} share: the stage's network is {@code change}'s
     * result (or, resuming, its last checkpoint), retrained for the stage's epochs and saved.
     */
    static void changeAndRetrain(StageContext context, Change change) throws IOException {
        Dl4jEngine.start();
        String name = context.stage().string("network");
        String taskName = context.pipeline().networks().get(name).string("task");
        TaskData task = context.state().task(taskName);
        TrainingSettings settings = TrainingLoop.settings(context.stage());
        long seed = TrainingLoop.networkSeed(context.seed(), name);
        TrainingLoop.Start start = TrainingLoop.startOrResume(context, name, () -> retrainable(
                change.apply(context, name, task, settings, seed), settings, seed));
        TrainingLoop.train(context, name, start, taskName, settings);
        context.state().putNetwork(name, start.net());
        TrainingLoop.save(context, name, start.net());
    }

    /**
     * A copy of the network {@code from} (an earlier stage trained it) for the stage's {@code network},
     * whose task must have as many classes as the copy's head.
     */
    static MultiLayerNetwork sourceCopy(StageContext context, TaskData task) {
        String from = context.stage().string("from");
        Model source;
        try {
            source = TrainingLoop.trained(context, from).orElseThrow(() -> new IllegalStateException(
                    context.stage().location("from") + ": network '" + from + "' has not been trained by an earlier stage"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load network '" + from + "'", e);
        }
        MultiLayerNetwork net = Networks.layerList(source, from, context.stage().string("type")).clone();
        long classes = ((FeedForwardLayer) net.getLayer(net.getnLayers() - 1).conf().getLayer()).getNOut();
        if (classes != task.train().classes()) {
            throw new IllegalStateException(context.stage().location("network") + ": network '"
                    + context.stage().string("network") + "' has a task of " + task.train().classes()
                    + " classes, but '" + from + "' outputs " + classes + "; give it " + from + "'s task");
        }
        return net;
    }

    /** Scores of every conv layer, all taken on the network as it is now. */
    static Map<String, double[]> scores(ImportanceMetric metric, Dl4jNetworkView view) {
        Map<String, double[]> scores = new LinkedHashMap<>();
        for (ConvLayerInfo layer : view.convLayers()) {
            double[] s = metric.score(view, layer);
            if (s == null || s.length != layer.filters()) {
                throw new IllegalStateException("importance metric returned " + (s == null ? "nothing" : s.length + " scores")
                        + " for layer " + layer.name() + " of " + layer.filters() + " filters");
            }
            scores.put(layer.name(), s);
        }
        return scores;
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
