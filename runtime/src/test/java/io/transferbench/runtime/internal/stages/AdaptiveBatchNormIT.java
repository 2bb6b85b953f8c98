package io.transferbench.runtime.internal.stages;

import io.transferbench.runtime.internal.data.DatasetLoader;
import io.transferbench.runtime.internal.data.DatasetSplits;
import io.transferbench.runtime.internal.data.TaskData;
import io.transferbench.runtime.internal.engine.BatchNormAdaptation;
import io.transferbench.runtime.internal.engine.Batches;
import io.transferbench.runtime.internal.engine.Dl4jEngine;
import io.transferbench.runtime.internal.engine.FilterSurgery;
import io.transferbench.runtime.internal.engine.ModelBuilder;
import io.transferbench.runtime.internal.engine.Trainer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Nesterovs;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Adaptive batch-norm statistics on a small real network: a masked VGG loses its accuracy because its
 * batch-norm layers keep the unmasked network's statistics, and gets it back when they are re-estimated; the
 * weights stay as they were, the original network too, and the statistics are the inputs' own.
 */
class AdaptiveBatchNormIT {

    @TempDir
    static Path dir;

    private static TaskData task;
    private static MultiLayerNetwork trained;

    @BeforeAll
    static void train() throws Exception {
        Dl4jEngine.start();
        DatasetSplits splits = new DatasetLoader().load("fashion-mnist", SquaresData.write(dir.resolve("data")));
        task = TaskData.cut("squares", splits, new TaskData.Cut(List.of(), 0, 0));
        trained = new MultiLayerNetwork(ModelBuilder.build("vgg-11", new ModelBuilder.InputShape(28, 28, 1), 10, 0.125,
                4, new Nesterovs(0.02, 0.9), 0));
        trained.init();
        Batches train = new Batches(task.train(), false);
        for (int epoch = 0; epoch < 3; epoch++) {
            Trainer.trainEpoch(trained, train, 32, epoch);
        }
    }

    private static double accuracy(MultiLayerNetwork net) {
        return Trainer.evaluate(net, new Batches(task.eval(), false)).accuracy();
    }

    /** Every other filter of the first two conv layers masked, in a copy. */
    private static MultiLayerNetwork masked() {
        MultiLayerNetwork net = trained.clone();
        FilterSurgery.maskFilters(net, "conv1", new int[] {0, 2, 4, 6});
        FilterSurgery.maskFilters(net, "conv2", new int[] {1, 3, 5, 7, 9, 11, 13, 15});
        return net;
    }

    @Test
    void aMaskedNetworkRecoversWhenItsStatisticsAreReestimated() {
        double original = accuracy(trained);
        MultiLayerNetwork stale = masked();
        double before = accuracy(stale);
        MultiLayerNetwork adapted = masked();
        int used = BatchNormAdaptation.adapt(adapted, new Batches(task.train(), false), 10, 32, 7);
        double after = accuracy(adapted);
        assertEquals(10, used);
        assertTrue(original > 0.8, "the network learnt the squares: " + original);
        assertTrue(after > before + 0.15, "stale statistics " + before + ", re-estimated " + after
                + " (unmasked " + original + ")");
    }

    @Test
    void onlyTheStatisticsChangeAndTheyAreTheInputsOwn() {
        INDArray originalParams = trained.params().dup();
        MultiLayerNetwork net = masked();
        Map<String, INDArray> before = copy(net.paramTable());
        Batches train = new Batches(task.train(), false);
        BatchNormAdaptation.adapt(net, train, 3, 32, 11);
        assertEquals(originalParams, trained.params(), "the network the copy came from is unchanged");
        boolean statisticsChanged = false;
        for (Map.Entry<String, INDArray> p : net.paramTable().entrySet()) {
            String name = p.getKey().substring(p.getKey().indexOf('_') + 1);
            if (List.of("mean", "var", "log10stdev").contains(name)) {
                statisticsChanged |= !before.get(p.getKey()).equals(p.getValue());
            } else {
                assertEquals(before.get(p.getKey()), p.getValue(), p.getKey() + " is a weight: untouched");
            }
        }
        assertTrue(statisticsChanged);

        // the first batch-norm layer's input is conv1's output, the same in either mode: compute its statistics
        // by hand over the same 3 batches of 32
        int[] order = train.shuffledOrder(11);
        double[] sum = null;
        double[] squares = null;
        long n = 0;
        for (int from = 0; from < 96; from += 32) {
            DataSet batch = train.batch(order, from, from + 32, null);
            INDArray conv1 = net.feedForward(batch.getFeatures(), false).get(1); // [32, 28, 28, channels]
            double[][] values = conv1.reshape('c', conv1.length() / conv1.size(3), conv1.size(3)).toDoubleMatrix();
            if (sum == null) {
                sum = new double[values[0].length];
                squares = new double[values[0].length];
            }
            for (double[] row : values) {
                for (int c = 0; c < row.length; c++) {
                    sum[c] += row[c];
                    squares[c] += row[c] * row[c];
                }
            }
            n += values.length;
        }
        int bn = 1; // conv1 is layer 0, its batch norm layer 1
        float[] mean = net.getLayer(bn).getParam("mean").dup().data().asFloat();
        for (int c = 0; c < mean.length; c++) {
            double m = sum[c] / n;
            double variance = (squares[c] - n * m * m) / (n - 1);
            assertEquals(m, mean[c], 1e-4 + 1e-4 * Math.abs(m), "mean of channel " + c);
            assertEquals(variance, storedVariance(net, bn, c), 1e-4 + 1e-3 * variance, "variance of channel " + c);
        }
        assertEquals(0.0, mean[0], 0.0, "a masked channel's input is 0");
    }

    private static double storedVariance(MultiLayerNetwork net, int layer, int channel) {
        var conf = (org.deeplearning4j.nn.conf.layers.BatchNormalization) net.getLayer(layer).conf().getLayer();
        if (conf.isUseLogStd()) {
            double std = Math.pow(10, net.getLayer(layer).getParam("log10stdev").getDouble(channel));
            return std * std - conf.getEps();
        }
        return net.getLayer(layer).getParam("var").getDouble(channel);
    }

    private static Map<String, INDArray> copy(Map<String, INDArray> table) {
        Map<String, INDArray> out = new java.util.LinkedHashMap<>();
        table.forEach((k, v) -> out.put(k, v.dup()));
        return out;
    }

    @Test
    void noBatchesOrNoBatchNormChangeNothing() {
        MultiLayerNetwork net = masked();
        INDArray before = net.params().dup();
        assertEquals(0, BatchNormAdaptation.adapt(net, new Batches(task.train(), false), 0, 32, 1));
        assertEquals(before, net.params());
        MultiLayerNetwork plain = new MultiLayerNetwork(ModelBuilder.build("small-cnn", new ModelBuilder.InputShape(28, 28, 1),
                10, 1.0, 4, new Nesterovs(0.02, 0.9), 0));
        plain.init();
        assertEquals(0, BatchNormAdaptation.adapt(plain, new Batches(task.train(), false), 5, 32, 1));
    }

    /**
     * In a prune stage: every measured candidate says from how many batches its statistics were re-estimated
     * and how many it trained; the switch changes what is measured before retraining, not the retrained result.
     */
    @Test
    void thePruneStageMeasuresAdaptedCandidatesAndSaysWhatItCost() throws Exception {
        Path descriptor = java.nio.file.Files.writeString(dir.resolve("adaptive.yaml"), String.join("\n",
                "name: adaptive",
                "seed: 8",
                "output: " + dir.resolve("runs"),
                "tasks:",
                "  all: {dataset: fashion-mnist, path: " + dir.resolve("data") + "}",
                "networks:",
                "  base: {model: vgg-11, width: 0.125, task: all}",
                "  adapted: {model: vgg-11, width: 0.125, task: all}",
                "  stale: {model: vgg-11, width: 0.125, task: all}",
                "  searched: {model: vgg-11, width: 0.125, task: all}",
                "stages:",
                "  - {type: pretrain, network: base, epochs: 2, batch-size: 32, learning-rate: 0.02}",
                "  - {name: adaptive, type: prune, from: base, network: adapted, epochs: 0, batch-size: 32, importance: l1,",
                "     controller: {id: one-shot, ratio: 50}, adaptive-bn-batches: 4}",
                "  - {name: inherited, type: prune, from: base, network: stale, epochs: 0, batch-size: 32, importance: l1,",
                "     controller: {id: one-shot, ratio: 50}, adaptive-bn-batches: 0}",
                "  - {name: rl, type: prune, from: base, network: searched, epochs: 0, batch-size: 32, importance: l1,",
                "     search-images: 100, controller: {id: rl, target-rate: 30, episodes: 1}, adaptive-bn-batches: 3,",
                "     candidate-retrain-batches: 2}",
                ""));
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int code = io.transferbench.runtime.internal.cli.TransferbenchCommand.commandLine(new java.io.PrintWriter(out, true),
                new java.io.PrintWriter(err, true)).execute("run", descriptor.toString());
        assertEquals(0, code, out + "\n" + err);
        Path run;
        try (var files = java.nio.file.Files.list(dir.resolve("runs"))) {
            run = files.findFirst().orElseThrow();
        }
        var events = io.transferbench.runtime.internal.events.EventLog.events(run.resolve("events.jsonl"));
        var removals = io.transferbench.runtime.internal.events.EventLog.of(events,
                io.transferbench.api.event.PruningStepCompletedEvent.class).toList();
        var on = removals.stream().filter(e -> e.stage().equals("adaptive")).toList();
        var off = removals.stream().filter(e -> e.stage().equals("inherited")).toList();
        assertEquals(8, on.size(), "one event per conv layer of VGG-11");
        assertTrue(on.stream().allMatch(e -> e.adaptationBatches() == 4), on.toString());
        assertTrue(off.stream().allMatch(e -> e.adaptationBatches() == 0), off.toString());
        assertEquals(off.get(0).accuracyBefore(), on.get(0).accuracyBefore(), "the same trained network");
        double lastOn = on.get(on.size() - 1).accuracyAfter();
        double lastOff = off.get(off.size() - 1).accuracyAfter();
        assertTrue(lastOn > lastOff, "measured before retraining: adapted " + lastOn + ", inherited statistics " + lastOff);
        // without retraining each stage saves the network as removal left it: the adaptation was made in a copy
        MultiLayerNetwork adapted = org.deeplearning4j.util.ModelSerializer.restoreMultiLayerNetwork(
                run.resolve("models/adapted.zip").toFile(), false);
        MultiLayerNetwork stale = org.deeplearning4j.util.ModelSerializer.restoreMultiLayerNetwork(
                run.resolve("models/stale.zip").toFile(), false);
        assertEquals(stale.params(), adapted.params(), "the same pruned network, statistics included");

        var steps = io.transferbench.runtime.internal.events.EventLog.of(events,
                io.transferbench.api.event.CompressionStepCompletedEvent.class).toList();
        assertTrue(steps.stream().filter(e -> e.stage().equals("adaptive")).allMatch(e -> e.adaptationBatches() == 4));
        var trials = steps.stream().filter(e -> e.stage().equals("rl")
                && e.action() == io.transferbench.api.compression.CompressionDecision.Action.TRY).toList();
        assertEquals(2 * 8, trials.size(), "an exploring and a greedy episode, a trial per conv layer");
        assertTrue(trials.stream().allMatch(e -> e.adaptationBatches() == 3 && e.retrainBatches() == 2), trials.toString());
        assertTrue(trials.stream().allMatch(e -> e.accuracyBeforeRetraining() >= 0 && e.accuracyInheritedStatistics() >= 0),
                "a retrained trial is also measured before its retraining, both ways");
        assertTrue(steps.stream().filter(e -> e.stage().equals("adaptive"))
                .allMatch(e -> Double.isNaN(e.accuracyBeforeRetraining())), "nothing retrained, nothing to say");
    }
}
