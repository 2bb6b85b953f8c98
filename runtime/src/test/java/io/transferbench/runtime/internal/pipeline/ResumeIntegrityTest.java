package io.transferbench.runtime.internal.pipeline;

import io.transferbench.api.event.LifecycleEvent;
import io.transferbench.api.event.RunResumedEvent;
import io.transferbench.runtime.internal.cli.TransferbenchCommand;
import io.transferbench.runtime.internal.descriptor.DescriptorValidator;
import io.transferbench.runtime.internal.descriptor.PipelineDescriptor;
import io.transferbench.runtime.internal.events.EventLog;
import io.transferbench.runtime.internal.plugins.ComponentRegistry;
import io.transferbench.runtime.internal.stages.BuiltInStageTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What resume does with damaged and half-written run folders: it names what is wrong and changes
 * nothing, or it continues to the numbers of a run that was never interrupted. Runs of the test stage
 * type {@code count} ({@link StageTypeTest.CountStage}), killed at chosen moments.
 */
class ResumeIntegrityTest {

    @TempDir
    Path dir;

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-02T10:00:00Z"), ZoneOffset.UTC);

    private final StageTypeTest.CountStage count = new StageTypeTest.CountStage();
    private final StageTypes types = BuiltInStageTypes.all().with(count);

    private PipelineDescriptor descriptor() throws Exception {
        return new DescriptorValidator(new ComponentRegistry(List.of(), List.of()), types.pipelineSchema())
                .validate(dir.resolve("count.yaml"), String.join("\n",
                        "name: counting",
                        "output: " + dir.resolve("runs"),
                        "tasks: {t: {dataset: fashion-mnist}}",
                        "networks: {a: {model: small-cnn, task: t}}",
                        "stages:",
                        "  - {type: count, name: first, to: 3, every: 2, network: a}",
                        "  - {type: count, name: second, to: 7, every: 2, network: a}",
                        ""));
    }

    private PipelineRunner runner() {
        return new PipelineRunner(types, CLOCK);
    }

    /** Every file of a run folder with its bytes, to show that nothing changed. */
    private static Map<Path, byte[]> snapshot(Path folder) throws Exception {
        Map<Path, byte[]> files = new LinkedHashMap<>();
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                files.put(folder.relativize(p), Files.readAllBytes(p));
            }
        }
        return files;
    }

    private static void assertUnchanged(Map<Path, byte[]> before, Path folder) throws Exception {
        Map<Path, byte[]> after = snapshot(folder);
        assertEquals(before.keySet(), after.keySet(), "no file was added or removed");
        before.forEach((p, bytes) -> assertArrayEquals(bytes, after.get(p), p + " changed"));
    }

    /** A run killed in stage "second" at its step 6, after its checkpoint at step 4 ("first" counts to 3 only). */
    private Path killedAtStep6() throws Exception {
        count.failAt = 6;
        RunOutcome outcome = runner().run(descriptor(), Map.of()).get(0);
        assertFalse(outcome.succeeded());
        return outcome.runFolder();
    }

    private static Path state(Path run) {
        return run.resolve("checkpoints/state.json");
    }

    @Test
    void aDamagedStateIsNamedAndNothingChanges() throws Exception {
        Path run = killedAtStep6();
        String good = Files.readString(state(run));
        Map<String, String> damages = new LinkedHashMap<>();
        damages.put("", "checkpoints/state.json: empty: the checkpoint state is damaged");
        damages.put(good.substring(0, good.length() / 2), "checkpoints/state.json: not readable as JSON");
        damages.put(good.replace("\"eventsBytes\"", "\"eventBytes\""), "field 'eventsBytes' is missing");
        damages.put(good.replace("\"finished\" : false", "\"finished\" : \"no\""), "fields 'finished' (true or false)");
        for (Map.Entry<String, String> damage : damages.entrySet()) {
            Files.writeString(state(run), damage.getKey());
            Map<Path, byte[]> before = snapshot(run);
            RunFolderException e = assertThrows(RunFolderException.class, () -> runner().resume(descriptor(), run, Map.of()));
            assertTrue(e.getMessage().contains(damage.getValue()), e.getMessage());
            assertTrue(e.getMessage().startsWith(state(run).toString()), "names the file: " + e.getMessage());
            assertTrue(e.getMessage().contains("Nothing was changed"), e.getMessage());
            assertUnchanged(before, run);
        }
        Files.writeString(state(run), good);
        assertTrue(runner().resume(descriptor(), run, Map.of()).succeeded(), "the repaired folder resumes");
    }

    @Test
    void aDamagedCheckpointOrACutLogIsNamedAndNothingChanges() throws Exception {
        Path run = killedAtStep6();
        Path model;
        try (Stream<Path> files = Files.walk(run.resolve("checkpoints"))) {
            model = files.filter(p -> p.getFileName().toString().equals("a.zip")).findFirst().orElseThrow();
        }
        byte[] whole = Files.readAllBytes(model);
        Files.write(model, Arrays.copyOf(whole, whole.length / 2));
        Map<Path, byte[]> before = snapshot(run);
        RunFolderException e = assertThrows(RunFolderException.class, () -> runner().resume(descriptor(), run, Map.of()));
        assertTrue(e.getMessage().startsWith(model + " is damaged"), e.getMessage());
        assertTrue(e.getMessage().contains("network 'a' after epoch 4"), e.getMessage());
        assertUnchanged(before, run);

        Files.write(model, whole);
        try (FileChannel events = FileChannel.open(run.resolve(EventLog.FILE), StandardOpenOption.WRITE)) {
            events.truncate(100);
        }
        before = snapshot(run);
        e = assertThrows(RunFolderException.class, () -> runner().resume(descriptor(), run, Map.of()));
        assertTrue(e.getMessage().contains("events.jsonl holds 100 bytes, but the checkpoint was taken when it held"),
                e.getMessage());
        assertUnchanged(before, run);
    }

    @Test
    void aDamagedEventBeforeTheCheckpointIsNamedAndNothingChanges() throws Exception {
        Path run = killedAtStep6();
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(run.resolve(EventLog.FILE)));
        lines.set(2, lines.get(2).replace("\"type\":", "\"tipe\":"));
        Files.write(run.resolve(EventLog.FILE), lines);
        Map<Path, byte[]> before = snapshot(run);
        RunFolderException e = assertThrows(RunFolderException.class, () -> runner().resume(descriptor(), run, Map.of()));
        assertTrue(e.getMessage().startsWith(run.resolve(EventLog.FILE) + ":3: unknown event type ''"), e.getMessage());
        assertTrue(e.getMessage().contains("the event log before the checkpoint is damaged"), e.getMessage());
        assertUnchanged(before, run);
    }

    @Test
    void theCommandLineSaysItInOneLineWithExitCode2() throws Exception {
        Path run = killedAtStep6();
        Files.writeString(state(run), "");
        Map<Path, byte[]> before = snapshot(run);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = TransferbenchCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute("resume", run.toString());
        assertEquals(2, code);
        assertEquals(1, err.toString().lines().count(), err.toString());
        assertTrue(err.toString().startsWith("error: cannot resume " + run + ": " + state(run) + ": empty"), err.toString());
        assertFalse(err.toString().contains("\tat "), "no stack trace");
        assertUnchanged(before, run);
    }

    @Test
    void aRunKilledBeforeAnythingWasLoggedStartsOverInPlace() throws Exception {
        Path straight = runner().run(descriptor(), Map.of()).get(0).runFolder();
        Path run = killedAtStep6();
        // as if killed right after descriptor.yaml and components.json were written
        try (Stream<Path> walk = Files.walk(run.resolve("checkpoints"))) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        Files.delete(run.resolve(EventLog.FILE));
        Files.delete(run.resolve("metrics.csv"));
        Files.deleteIfExists(run.resolve("summary.json"));
        Files.deleteIfExists(run.resolve("report.html"));
        assertTrue(runner().resume(descriptor(), run, Map.of()).succeeded());
        assertEquals(comparable(straight), comparable(run));
    }

    @Test
    void aStateRemovedFromARunThatLoggedIsRefused() throws Exception {
        Path run = killedAtStep6();
        Files.delete(state(run));
        Map<Path, byte[]> before = snapshot(run);
        RunFolderException e = assertThrows(RunFolderException.class, () -> runner().resume(descriptor(), run, Map.of()));
        assertTrue(e.getMessage().contains("is missing, but") && e.getMessage().contains("Nothing was changed"),
                e.getMessage());
        assertUnchanged(before, run);
    }

    @Test
    void resumeSaysWhatItRestoredAndAFinishedRunGetsItsReportBack() throws Exception {
        Path run = killedAtStep6();
        RunOutcome resumed = runner().resume(descriptor(), run, Map.of());
        assertTrue(resumed.succeeded());
        List<LifecycleEvent> events = EventLog.events(run.resolve(EventLog.FILE));
        RunResumedEvent r = EventLog.of(events, RunResumedEvent.class).findFirst().orElseThrow();
        assertEquals(new RunResumedEvent(run.getFileName().toString(), "second", 1, 4, List.of("a")), r);

        Files.delete(run.resolve("report.html"));
        Map<Path, byte[]> before = snapshot(run);
        RunOutcome again = runner().resume(descriptor(), run, Map.of());
        assertTrue(again.finishedBefore());
        assertTrue(Files.isRegularFile(run.resolve("report.html")), "the report is written again");
        before.forEach((p, bytes) -> {
            try {
                assertArrayEquals(bytes, Files.readAllBytes(run.resolve(p)), p + " changed");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private static List<String> comparable(Path run) throws Exception {
        return EventLog.events(run.resolve(EventLog.FILE)).stream()
                .filter(e -> !(e instanceof RunResumedEvent))
                .filter(e -> !(e instanceof io.transferbench.api.event.StageFinishedEvent f) || f.succeeded())
                .map(e -> e instanceof io.transferbench.api.event.StageFinishedEvent f
                        ? io.transferbench.api.event.StageFinishedEvent.succeeded(f.stage(), f.stageType(), f.index(), 0)
                        : e instanceof io.transferbench.api.event.RunFinishedEvent f
                        ? new io.transferbench.api.event.RunFinishedEvent("", f.succeeded(), 0)
                        : e instanceof io.transferbench.api.event.RunStartedEvent s
                        ? new io.transferbench.api.event.RunStartedEvent("", s.pipeline(), s.seed(), s.trial(), s.configuration(), Map.of())
                        : e instanceof io.transferbench.api.event.CheckpointWrittenEvent c
                        ? new io.transferbench.api.event.CheckpointWrittenEvent(c.stage(), c.epoch(), "") : e)
                .map(Object::toString).toList();
    }
}
