package io.transferbench.runtime.internal.stages;

import io.transferbench.api.event.ExpertFinetunedEvent;
import io.transferbench.api.event.LifecycleEvent;
import io.transferbench.api.event.ModelSelectedEvent;
import io.transferbench.api.event.SelectionMeasuredEvent;
import io.transferbench.api.event.TaskDistancesEvent;
import io.transferbench.api.event.TaskEmbeddedEvent;
import io.transferbench.runtime.internal.events.EventLog;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Task2Vec end to end through the command line on a small IDX data set: a probe, three experts, embeddings in the
 * file and the events alike, and every selector's result consistent with the fine-tunings it is measured by.
 */
class Task2VecIT {

    @TempDir
    static Path dir;

    private static Path data;

    @BeforeAll
    static void writeData() throws IOException {
        data = SquaresData.write(dir.resolve("data"));
    }

    @Test
    void embedSelectAndMeasure() throws IOException {
        Path output = dir.resolve("runs");
        String task = "{dataset: fashion-mnist, path: " + data;
        Path descriptor = Files.writeString(dir.resolve("t2v.yaml"), String.join("\n",
                "name: t2v",
                "seed: 5",
                "output: " + output,
                "tasks:",
                "  all: " + task + "}",
                "  low: " + task + ", classes: [0, 1, 2, 3]}",
                "  high: " + task + ", classes: [5, 6, 7, 8]}",
                "  rotated: " + task + ", classes: [0, 1, 2, 3], transform: {rotate: 90}}",
                "  low-pair: " + task + ", classes: [1, 2]}",
                "  high-pair: " + task + ", classes: [6, 7]}",
                "networks:",
                "  probe: {model: small-cnn, task: all}",
                "  low-cnn: {model: small-cnn, task: low}",
                "  high-cnn: {model: small-cnn, task: high}",
                "  rotated-cnn: {model: small-cnn, task: rotated}",
                "stages:",
                "  - {type: pretrain, network: probe, epochs: 2, batch-size: 32}",
                "  - {type: pretrain, network: low-cnn, epochs: 1, batch-size: 32}",
                "  - {type: pretrain, network: high-cnn, epochs: 1, batch-size: 32}",
                "  - {type: pretrain, network: rotated-cnn, epochs: 1, batch-size: 32}",
                "  - {name: embed, type: embed-tasks, probe: probe, tasks: [low, high, rotated, low-pair, high-pair],",
                "     images: 100, label-draws: 2, head-steps: 50}",
                "  - {name: embed-variational, type: embed-tasks, probe: probe, tasks: [low, high], method: variational,",
                "     variational-steps: 20, head-steps: 50}",
                "  - name: select",
                "    type: select-model",
                "    experts: [low-cnn, high-cnn, rotated-cnn]",
                "    targets: [low-pair, high-pair]",
                "    embeddings: embed",
                "    generic: probe",
                "    selectors: [{id: task2vec}, {id: model2vec, steps: 20}, {id: logme}, {id: leep}, {id: nce},",
                "                {id: h-score}, {id: random}]",
                "    images: 100",
                "    epochs: 1",
                "    batch-size: 32",
                ""));
        Path run = CommandLineRun.run(descriptor, output);
        assertTrue(Files.isRegularFile(run.resolve("embeddings/embed.json")), "the embeddings file is written");
        List<LifecycleEvent> events = EventLog.events(run.resolve(EventLog.FILE));

        List<TaskEmbeddedEvent> variational = EventLog.of(events, TaskEmbeddedEvent.class)
                .filter(e -> e.stage().equals("embed-variational")).toList();
        assertEquals(2, variational.size());
        for (TaskEmbeddedEvent e : variational) {
            assertEquals("variational", e.method());
            assertEquals(48, e.embedding().size());
            assertTrue(e.embedding().stream().allMatch(v -> v > 0 && Double.isFinite(v)), e.toString());
        }
        assertEquals("variational", TaskEmbeddingsFile.read(run, "embed-variational").method());
        List<TaskEmbeddedEvent> embedded = EventLog.of(events, TaskEmbeddedEvent.class)
                .filter(e -> e.stage().equals("embed")).toList();
        assertEquals(List.of("low", "high", "rotated", "low-pair", "high-pair"),
                embedded.stream().map(TaskEmbeddedEvent::task).toList());
        TaskEmbeddingsFile.Embeddings file = TaskEmbeddingsFile.read(run, "embed");
        assertEquals(List.of(16, 32), file.filters(), "small-cnn's two conv layers");
        for (TaskEmbeddedEvent e : embedded) {
            assertEquals(48, e.embedding().size());
            assertTrue(e.embedding().stream().allMatch(v -> v >= 0) && e.norm() > 0);
            assertEquals(Math.sqrt(e.embedding().stream().mapToDouble(v -> v * v).sum()), e.norm(), 1e-12);
            double[] stored = file.tasks().get(e.task()).embedding();
            for (int i = 0; i < stored.length; i++) {
                assertEquals(e.embedding().get(i), stored[i], 0, "the file holds the events' values");
            }
            assertEquals(100, e.images());
        }
        List<String> csv = Files.readAllLines(run.resolve("embeddings/embed.csv"));
        assertEquals(6, csv.size());
        assertEquals(4 + 48, csv.get(0).split(",").length);
        TaskDistancesEvent distances = EventLog.of(events, TaskDistancesEvent.class).findFirst().orElseThrow();
        for (int i = 0; i < 5; i++) {
            assertEquals(0, distances.distances().get(i).get(i), 1e-12);
            for (int j = 0; j < 5; j++) {
                assertEquals(distances.distances().get(i).get(j), distances.distances().get(j).get(i), 1e-12);
            }
        }

        List<ExpertFinetunedEvent> tuned = EventLog.of(events, ExpertFinetunedEvent.class).toList();
        assertEquals(2 * 3 + 2, tuned.size(), "every expert and the generic network on each target, once");
        List<SelectionMeasuredEvent> results = EventLog.of(events, SelectionMeasuredEvent.class).toList();
        List<ModelSelectedEvent> selected = EventLog.of(events, ModelSelectedEvent.class).toList();
        assertEquals(2 * 7, results.size());
        for (int r = 0; r < results.size(); r++) {
            SelectionMeasuredEvent m = results.get(r);
            ModelSelectedEvent s = selected.get(r);
            assertEquals(m.selectorId(), s.selectorId());
            List<Double> accuracies = List.of("low-cnn", "high-cnn", "rotated-cnn").stream()
                    .map(x -> accuracy(tuned, m.target(), x)).toList();
            assertEquals(accuracy(tuned, m.target(), m.chosen()), m.chosenAccuracy());
            int best = s.scores().indexOf(s.scores().stream().max(Double::compare).orElseThrow());
            assertEquals(s.experts().get(best), m.chosen(), "the best score is chosen");
            assertEquals(accuracies.stream().max(Double::compare).orElseThrow(), m.oracleAccuracy());
            assertEquals(accuracies.stream().mapToDouble(Double::doubleValue).average().orElseThrow(), m.randomAccuracy(),
                    1e-12);
            assertEquals(accuracy(tuned, m.target(), "probe"), m.genericAccuracy());
            double tau = tauB(s.scores(), accuracies);
            assertEquals(tau, m.kendallTau(), 1e-12, m.toString());
            assertTrue(m.oracleAccuracy() >= m.chosenAccuracy());
        }
        assertEquals(1 + 14, Files.readAllLines(run.resolve("selection-select.csv")).size());
        String report = Files.readString(run.resolve("report.html"));
        assertTrue(report.contains("Task distances (cosine)") && report.contains("Model selection")
                && report.contains("embedding norm against the task"));
    }

    private static double accuracy(List<ExpertFinetunedEvent> tuned, String target, String network) {
        return tuned.stream().filter(e -> e.target().equals(target) && e.expert().equals(network)).findFirst()
                .orElseThrow().accuracy();
    }

    /** Kendall's tau-b by counting pairs (NaN when a side is constant). */
    private static double tauB(List<Double> x, List<Double> y) {
        long concordant = 0;
        long discordant = 0;
        long tiesX = 0;
        long tiesY = 0;
        for (int i = 0; i < x.size(); i++) {
            for (int j = i + 1; j < x.size(); j++) {
                double dx = Math.signum(x.get(i) - x.get(j));
                double dy = Math.signum(y.get(i) - y.get(j));
                if (dx == 0 && dy == 0) {
                    continue;
                } else if (dx == 0) {
                    tiesX++;
                } else if (dy == 0) {
                    tiesY++;
                } else if (dx == dy) {
                    concordant++;
                } else {
                    discordant++;
                }
            }
        }
        double n = concordant + discordant;
        return (concordant - discordant) / Math.sqrt((n + tiesX) * (n + tiesY));
    }
}
