package io.transferbench.runtime.internal.stages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.transferbench.runtime.internal.cli.TransferbenchCommand;
import io.transferbench.runtime.internal.data.DataFiles;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real DL4J training through the command line on a small data set written in the IDX format:
 * pretrain, fine-tune, evaluate; the run folder's files; the same seed giving the same numbers.
 */
class TrainingPipelineIT {

    @TempDir
    static Path dir;

    private static Path data;

    @BeforeAll
    static void writeData() throws IOException {
        data = SquaresData.write(dir.resolve("data"));
    }

    private static Path descriptor(String name, Path output) throws IOException {
        return Files.writeString(dir.resolve(name + ".yaml"), String.join("\n",
                "name: " + name,
                "seed: 5",
                "output: " + output,
                "tasks:",
                "  source: {dataset: fashion-mnist, path: " + data + ", classes: [0, 1, 2, 3, 4]}",
                "  target: {dataset: fashion-mnist, path: " + data + ", classes: [5, 6, 7, 8, 9]}",
                "networks:",
                "  base: {model: small-cnn, task: source}",
                "  transferred: {model: small-cnn, task: target}",
                "stages:",
                "  - {type: pretrain, network: base, epochs: 2, batch-size: 32, learning-rate: 0.01}",
                "  - {type: finetune, from: base, network: transferred, epochs: 1, batch-size: 32, freeze-layers: 2}",
                "  - {type: evaluate, networks: [base, transferred]}",
                ""));
    }

    private static String[] run(Path descriptor) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = TransferbenchCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute("run", descriptor.toString());
        return new String[] {String.valueOf(code), out.toString(), err.toString()};
    }

    private static Path onlyRunFolder(Path output) throws IOException {
        try (Stream<Path> s = Files.list(output)) {
            List<Path> runs = s.collect(Collectors.toList());
            assertEquals(1, runs.size(), runs.toString());
            return runs.get(0);
        }
    }

    /** metrics.csv without the wall-time column. */
    private static List<String> metricsWithoutTime(Path run) throws IOException {
        return Files.readAllLines(run.resolve("metrics.csv")).stream()
                .map(l -> l.substring(0, l.lastIndexOf(','))).collect(Collectors.toList());
    }

    @Test
    void pretrainFinetuneEvaluateWritesTheRunFolderAndRepeatsWithTheSameSeed() throws Exception {
        Path first = dir.resolve("first");
        String[] r = run(descriptor("twice", first));
        assertEquals("0", r[0], r[2]);
        Path run = onlyRunFolder(first);
        assertTrue(r[1].contains("finished: " + run), r[1]);
        assertTrue(r[1].contains("  report: " + run.resolve("report.html")), "where the report is: " + r[1]);

        List<String> metrics = metricsWithoutTime(run);
        assertEquals(4, metrics.size(), "header + 2 pretrain epochs + 1 finetune epoch: " + metrics);
        assertTrue(metrics.get(0).endsWith(",train_accuracy"), metrics.get(0));
        for (io.transferbench.api.event.EpochEndedEvent e : io.transferbench.runtime.internal.events.EventLog.of(
                io.transferbench.runtime.internal.events.EventLog.events(run.resolve("events.jsonl")),
                io.transferbench.api.event.EpochEndedEvent.class).toList()) {
            assertTrue(e.trainAccuracy() != null && e.trainAccuracy() > 0.2 && e.trainAccuracy() <= 1, e.toString());
        }
        JsonNode summary = new ObjectMapper().readTree(run.resolve("summary.json").toFile());
        assertTrue(summary.path("succeeded").asBoolean());
        double base = summary.path("networks").path("base").path("accuracy").asDouble();
        double transferred = summary.path("networks").path("transferred").path("accuracy").asDouble();
        assertTrue(base > 0.6, "the squares are learnable: base accuracy " + base);
        assertTrue(transferred > 0.6, "fine-tuned accuracy " + transferred);

        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(run.resolve("models/transferred.zip").toFile());
        assertEquals(5, restored.layerSize(restored.getnLayers() - 1), "the new head has the target task's 5 classes");
        assertTrue(restored.getLayer(0) instanceof org.deeplearning4j.nn.layers.FrozenLayer, "first layer frozen");

        List<String> types = Files.readAllLines(run.resolve("events.jsonl")).stream()
                .map(l -> l.replaceFirst("^\\{\"type\":\"([A-Za-z]+)\".*", "$1")).collect(Collectors.toList());
        assertEquals(List.of("RunStarted", "StageStarted", "EpochStarted", "EpochEnded", "EpochStarted", "EpochEnded",
                "StageFinished", "StageStarted", "EpochStarted", "EpochEnded", "StageFinished", "StageStarted",
                "NetworkEvaluated", "NetworkEvaluated", "StageFinished", "RunFinished"), types);
        for (io.transferbench.api.event.NetworkEvaluatedEvent e : io.transferbench.runtime.internal.events.EventLog.of(
                io.transferbench.runtime.internal.events.EventLog.events(run.resolve("events.jsonl")),
                io.transferbench.api.event.NetworkEvaluatedEvent.class).toList()) {
            int total = 0;
            int diagonal = 0;
            for (int row = 0; row < e.confusion().size(); row++) {
                total += e.confusion().get(row).stream().mapToInt(Integer::intValue).sum();
                diagonal += e.confusion().get(row).get(row);
            }
            assertEquals(e.images(), total, "the confusion matrix counts every evaluated image");
            assertEquals(e.accuracy(), (double) diagonal / total, 1e-12, "its diagonal is the accuracy");
        }

        Path second = dir.resolve("second");
        assertEquals("0", run(descriptor("twice", second))[0]);
        assertEquals(metrics, metricsWithoutTime(onlyRunFolder(second)), "same seed, same numbers");
    }

    @Test
    void aResidualNetworkPretrainsAndFinetunesWithAFrozenStem() throws Exception {
        Path output = dir.resolve("resnet");
        Path d = Files.writeString(dir.resolve("resnet.yaml"), String.join("\n",
                "name: resnet",
                "seed: 5",
                "output: " + output,
                "tasks:",
                "  source: {dataset: fashion-mnist, path: " + data + ", classes: [0, 1, 2, 3, 4]}",
                "  target: {dataset: fashion-mnist, path: " + data + ", classes: [5, 6, 7]}",
                "networks:",
                "  base: {model: resnet-20, task: source, width: 0.25}",
                "  transferred: {model: resnet-20, task: target, width: 0.25}",
                "stages:",
                "  - {type: pretrain, network: base, epochs: 1, batch-size: 32}",
                "  - {type: finetune, from: base, network: transferred, epochs: 1, batch-size: 32, freeze-layers: 2}",
                ""));
        String[] r = run(d);
        assertEquals("0", r[0], r[1] + r[2]);
        Path run = onlyRunFolder(output);
        org.deeplearning4j.nn.graph.ComputationGraph tuned = ModelSerializer.restoreComputationGraph(
                run.resolve("models/transferred.zip").toFile());
        assertEquals(3, tuned.getOutputLayer(0).getParam("b").length(), "the new head has the target task's 3 classes");
        assertTrue(tuned.getLayer("conv1_bn") instanceof org.deeplearning4j.nn.layers.FrozenLayer,
                "the first two layers (stem conv and its batch norm) are frozen");
        assertTrue(!(tuned.getLayer("s1b1_conv1") instanceof org.deeplearning4j.nn.layers.FrozenLayer));
    }

    @Test
    void missingDataIsBadInputNamingTheFileAndTheRemedy() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Path d = Files.writeString(dir.resolve("nodata.yaml"), String.join("\n",
                "name: nodata",
                "output: " + dir.resolve("nodata-runs"),
                "tasks:",
                "  t: {dataset: fashion-mnist, path: " + empty + "}",
                "networks: {a: {model: small-cnn, task: t}}",
                "stages: [{type: pretrain, network: a, epochs: 1}]",
                ""));
        String[] r = run(d);
        assertEquals("2", r[0], r[2]);
        assertTrue(r[2].contains(d + ":4:16: tasks.t: " + empty.resolve("train-images-idx3-ubyte") + ": file not found"), r[2]);
        assertTrue(r[2].contains("apt-get install dataset-fashion-mnist"), r[2]);
        assertTrue(!Files.exists(dir.resolve("nodata-runs")), "nothing written");
    }
}
