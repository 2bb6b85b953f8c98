package io.transferbench.runtime.internal.compare;

import io.transferbench.api.event.EpochEndedEvent;
import io.transferbench.api.event.LifecycleEvent;
import io.transferbench.api.event.NetworkEvaluatedEvent;
import io.transferbench.api.event.RunFinishedEvent;
import io.transferbench.api.event.RunStartedEvent;
import io.transferbench.api.event.StageFinishedEvent;
import io.transferbench.api.event.StageStartedEvent;
import io.transferbench.runtime.internal.cli.TransferbenchCommand;
import io.transferbench.runtime.internal.events.EventLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code transferbench runs}: every run folder, nested ones too, at a glance. */
class RunListingTest {

    @TempDir
    Path dir;

    private Path folder(String name, List<LifecycleEvent> events) throws IOException {
        Path run = Files.createDirectories(dir.resolve("runs").resolve(name));
        Files.writeString(run.resolve("descriptor.yaml"), "name: x\n");
        Instant start = Instant.parse("2026-12-02T10:00:00Z");
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < events.size(); i++) {
            text.append(EventLog.encode(events.get(i), start.plusSeconds(30L * i))).append('\n');
        }
        Files.writeString(run.resolve("events.jsonl"), text);
        return run;
    }

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = TransferbenchCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        assertEquals(0, code, err.toString());
        return out.toString();
    }

    @Test
    void finishedFailedUnfinishedAndDamagedRunsAreTold() throws IOException {
        folder("a-finished", List.of(new RunStartedEvent("a", "demo", 1, 1, "", Map.of()),
                new StageStartedEvent("s", "evaluate", 0, Map.of()),
                new NetworkEvaluatedEvent("s", "base", "t", 0.875, 12.5, 0.4, 100, List.of()),
                StageFinishedEvent.succeeded("s", "evaluate", 0, 3), new RunFinishedEvent("a", true, 61)));
        folder("b-failed", List.of(new RunStartedEvent("b", "demo", 1, 2, "", Map.of()),
                new StageStartedEvent("p", "prune", 0, Map.of()),
                new StageFinishedEvent("p", "prune", 0, 3, false, "out of filters"), new RunFinishedEvent("b", false, 4)));
        folder("sweep/c-unfinished", List.of(new RunStartedEvent("c", "demo", 1, 1, "seed=3", Map.of()),
                new StageStartedEvent("t", "pretrain", 0, Map.of()),
                new EpochEndedEvent("t", "net", 1, 5, 1, 0.5, 50, 1, 2, 0.01)));
        Path damaged = Files.createDirectories(dir.resolve("runs/d-damaged"));
        Files.writeString(damaged.resolve("events.jsonl"), "{not json\n");

        String out = run("runs", dir.resolve("runs").toString());
        List<String> lines = out.lines().toList();
        assertEquals(4, lines.size(), out);
        assertTrue(lines.get(0).startsWith("finished") && lines.get(0).contains("demo trial 1  base 0.8750  61 s"), out);
        assertTrue(lines.get(1).startsWith("failed") && lines.get(1).contains("(stage 'p': out of filters)")
                && lines.get(1).contains("resumable: transferbench resume"), out);
        assertTrue(lines.get(2).startsWith("damaged") && lines.get(2).contains("events.jsonl:1: not a JSON event"), out);
        assertTrue(lines.get(3).startsWith("unfinished") && lines.get(3).contains("sweep/c-unfinished")
                && lines.get(3).contains("demo [seed=3] trial 1  net 0.5000  60 s"), out);

        String json = run("runs", "--json", dir.resolve("runs").toString());
        assertTrue(json.contains("\"status\" : \"failed\"") && json.contains("\"resumable\" : true"), json);
    }
}
