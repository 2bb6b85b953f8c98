package io.transferbench.runtime.internal.stages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.transferbench.runtime.internal.cli.TransferbenchCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A run killed with SIGKILL in the middle of a stage, then resumed with {@code transferbench resume},
 * ends with the same per-epoch metrics and the same events as a run that was never interrupted.
 */
class ResumeIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Path descriptor(Path data, Path output) throws IOException {
        return descriptor(data, output, "");
    }

    /** The pretrain/finetune pipeline, plus {@code extraStage} (a YAML list item) when not empty. */
    private Path descriptor(Path data, Path output, String extraStage) throws IOException {
        return Files.writeString(dir.resolve("resume-" + output.getFileName() + ".yaml"), String.join("\n",
                "name: resumable",
                "seed: 9",
                "output: " + output,
                "tasks:",
                "  source: {dataset: fashion-mnist, path: " + data + ", classes: [0, 1, 2, 3, 4]}",
                "  target: {dataset: fashion-mnist, path: " + data + ", classes: [5, 6, 7, 8, 9]}",
                "networks:",
                "  base: {model: small-cnn, task: source}",
                "  transferred: {model: small-cnn, task: target}",
                "stages:",
                "  - {type: pretrain, network: base, epochs: 8, batch-size: 32, learning-rate: 0.01,"
                        + " lr-schedule: cosine, checkpoint-every: 2}",
                "  - {type: finetune, from: base, network: transferred, epochs: 2, batch-size: 32, checkpoint-every: 1}",
                extraStage,
                ""));
    }

    private static String[] cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = TransferbenchCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new String[] {String.valueOf(code), out.toString(), err.toString()};
    }

    private static Path onlyChild(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            List<Path> all = s.collect(Collectors.toList());
            assertEquals(1, all.size(), all.toString());
            return all.get(0);
        }
    }

    /** The run in a separate JVM, so it can be killed for real. */
    private Process startChild(Path descriptor, Path log) throws IOException {
        return ChildJvm.start(log, List.of(), "run", descriptor.toString());
    }

    private static List<String> metricsWithoutTime(Path run) throws IOException {
        return Files.readAllLines(run.resolve("metrics.csv")).stream()
                .map(l -> l.substring(0, l.lastIndexOf(','))).collect(Collectors.toList());
    }

    /** Event types with the fields that identify them, times and durations left out, the resumption too. */
    private static List<String> events(Path run) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("events.jsonl"))) {
            JsonNode n = JSON.readTree(line);
            if (n.path("type").asText().equals("RunResumed")) {
                continue;
            }
            out.add(n.path("type").asText() + " " + n.path("stage").asText() + " " + n.path("network").asText()
                    + " " + n.path("epoch").asText());
        }
        return out;
    }

    @Test
    void aKilledRunResumesToTheSameResultsAsAnUninterruptedOne() throws Exception {
        Path data = SquaresData.write(dir.resolve("data"));
        Path killedRoot = dir.resolve("killed");
        killDuring(descriptor(data, killedRoot), killedRoot, 0, 4);
        Path killedRun = onlyChild(killedRoot);
        assertFalse(Files.exists(killedRun.resolve("summary.json")), "the killed run did not finish");
        int epochsAtKill = (int) Files.readAllLines(killedRun.resolve("metrics.csv")).stream()
                .filter(l -> l.startsWith("pretrain-1,")).count();
        assertTrue(epochsAtKill >= 4 && epochsAtKill < 8, "killed after " + epochsAtKill + " epochs");

        String[] resumed = cli("resume", killedRun.toString());
        assertEquals("0", resumed[0], resumed[1] + resumed[2]);
        assertTrue(resumed[1].contains("finished: " + killedRun), resumed[1]);
        String[] again = cli("resume", killedRun.toString());
        assertEquals("0", again[0], "resuming a finished run does nothing");
        assertTrue(again[1].contains("already finished: " + killedRun), again[1]);

        Path straightRoot = dir.resolve("straight");
        String[] straight = cli("run", descriptor(data, straightRoot).toString());
        assertEquals("0", straight[0], straight[2]);
        Path straightRun = onlyChild(straightRoot);

        assertEquals(metricsWithoutTime(straightRun), metricsWithoutTime(killedRun),
                "every epoch's numbers equal the uninterrupted run's, none twice");
        assertEquals(events(straightRun), events(killedRun), "the same events in the same order");
        JsonNode a = JSON.readTree(straightRun.resolve("summary.json").toFile()).path("networks");
        JsonNode b = JSON.readTree(killedRun.resolve("summary.json").toFile()).path("networks");
        assertEquals(a, b, "same final metrics");
        assertEquals(8 + 2 + 1, metricsWithoutTime(killedRun).size(), "header, 8 pretrain and 2 finetune epochs");
    }

    /** Runs the pipeline in a child JVM and kills it once stage {@code stage} has a checkpoint at {@code epochs} or later. */
    private void killDuring(Path descriptor, Path killedRoot, int stage, int epochs) throws Exception {
        Path log = dir.resolve("child-" + killedRoot.getFileName() + ".log");
        Process child = startChild(descriptor, log);
        Path state = null;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        boolean killed = false;
        try {
            while (System.nanoTime() < deadline && child.isAlive()) {
                if (state == null && Files.isDirectory(killedRoot)) {
                    try (Stream<Path> s = Files.list(killedRoot)) {
                        state = s.findFirst().map(p -> p.resolve("checkpoints/state.json")).orElse(null);
                    }
                }
                if (state != null && Files.isRegularFile(state)) {
                    JsonNode n = JSON.readTree(Files.readString(state));
                    if (n.path("completedStages").asInt() == stage && n.path("epochs").asInt() >= epochs) {
                        child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                        killed = true;
                        break;
                    }
                }
                Thread.sleep(10);
            }
        } finally {
            child.destroyForcibly();
        }
        assertTrue(killed, "the child run must be killed in the middle of stage " + (stage + 1) + "; its log:\n"
                + Files.readString(log));
    }

    @Test
    void aRunKilledDuringOnlineTransferResumesWithItsSchedules() throws Exception {
        Path data = SquaresData.write(dir.resolve("data"));
        String online = "  - {name: online, type: online-transfer, networks: [base, transferred], epochs: 6, batch-size: 32,"
                + " checkpoint-every: 2, frequency: {initial: 1, rule: rule-1}, ratio: {initial: 20, rule: rule-2},"
                + " importance: random, policy: random}"; // random components must resume to the same draws
        Path killedRoot = dir.resolve("killed-online");
        killDuring(descriptor(data, killedRoot, online), killedRoot, 2, 2);
        Path killedRun = onlyChild(killedRoot);
        String[] resumed = cli("resume", killedRun.toString());
        assertEquals("0", resumed[0], resumed[1] + resumed[2]);

        Path straightRoot = dir.resolve("straight-online");
        assertEquals("0", cli("run", descriptor(data, straightRoot, online).toString())[0]);
        Path straightRun = onlyChild(straightRoot);
        assertEquals(metricsWithoutTime(straightRun), metricsWithoutTime(killedRun));
        List<String> straightEvents = detailedEvents(straightRun);
        assertTrue(straightEvents.stream().anyMatch(e -> e.startsWith("ScheduleAdjusted")), "the rules were at work");
        List<String> resumedEvents = detailedEvents(killedRun);
        assertEquals(1, resumedEvents.stream().filter(e -> e.startsWith("RunResumed ")).count(), "the resumption is logged");
        assertEquals(straightEvents, resumedEvents.stream().filter(e -> !e.startsWith("RunResumed ")).toList(),
                "transfers, moved filters and schedule changes equal the uninterrupted run's");
        assertTrue(resumed[1].contains("at stage 'online' (stage 3), after epoch "), resumed[1]);
    }

    /** Events with the fields that matter for transfers, times left out. */
    private static List<String> detailedEvents(Path run) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("events.jsonl"))) {
            com.fasterxml.jackson.databind.node.ObjectNode n = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(line);
            n.remove(List.of("time", "seconds", "path", "runId"));
            out.add(n.path("type").asText() + " " + n);
        }
        return out;
    }

    @Test
    void resumeOfAFolderThatIsNoRunIsBadInput() throws IOException {
        Path notARun = Files.createDirectories(dir.resolve("not-a-run"));
        String[] r = cli("resume", notARun.toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("is not a run folder: expected " + notARun.resolve("descriptor.yaml")), r[2]);
    }
}
