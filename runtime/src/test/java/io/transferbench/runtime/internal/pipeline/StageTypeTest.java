package io.transferbench.runtime.internal.pipeline;

import io.transferbench.api.event.CheckpointWrittenEvent;
import io.transferbench.api.event.EpochEndedEvent;
import io.transferbench.api.event.LifecycleEvent;
import io.transferbench.api.event.RunFinishedEvent;
import io.transferbench.api.event.StageFinishedEvent;
import io.transferbench.api.event.StageStartedEvent;
import io.transferbench.runtime.internal.descriptor.DescriptorException;
import io.transferbench.runtime.internal.descriptor.DescriptorValidator;
import io.transferbench.runtime.internal.descriptor.Fields;
import io.transferbench.runtime.internal.descriptor.PipelineDescriptor;
import io.transferbench.runtime.internal.descriptor.StageSchema;
import io.transferbench.runtime.internal.events.EventLog;
import io.transferbench.runtime.internal.plugins.ComponentRegistry;
import io.transferbench.runtime.internal.report.RunReport;
import io.transferbench.runtime.internal.stages.BuiltInStageTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.transferbench.runtime.internal.descriptor.Fields.integer;
import static io.transferbench.runtime.internal.descriptor.Fields.required;
import static io.transferbench.runtime.internal.descriptor.Fields.withDefault;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stage type written in test code, registered with one line, taken through what every stage type
 * goes through: validation (its keys and their errors), a run, an interruption and {@code resume}, and
 * the report (with its own section).
 */
class StageTypeTest {

    @TempDir
    Path dir;

    /** {@code count}: counts to {@code to}, one step an "epoch", a checkpoint every {@code every} steps. */
    static final class CountStage implements StageType<CountStage.Settings> {

        record Settings(int to, int every, String network) {
        }

        /** The step at which the next run fails once (0: never), as a killed run would stop there. */
        int failAt;

        @Override
        public StageSchema schema() {
            return new StageSchema("count", "Counts.", List.of(
                    required("to", integer("The last step.", 1.0, 100.0)),
                    withDefault("every", integer("Steps between checkpoints.", 1.0, null), 2L),
                    required("network", Fields.reference("What is counted.", "networks"))), List.of());
        }

        @Override
        public Settings settings(StageDeclaration stage) {
            return new Settings((int) stage.section().integer("to"), (int) stage.section().integer("every"),
                    stage.section().string("network"));
        }

        @Override
        public void run(Settings s, StageContext context) throws Exception {
            Optional<Checkpoints.StageResume> resume = context.checkpoints().resumePoint(context.index());
            long sum = resume.map(r -> r.extra().path("sum").asLong()).orElse(0L);
            for (int step = resume.map(Checkpoints.StageResume::epochs).orElse(0) + 1; step <= s.to(); step++) {
                if (step == failAt) {
                    failAt = 0;
                    throw new IllegalStateException("killed at step " + step);
                }
                sum += step;
                context.publish(new EpochEndedEvent(context.stageName(), s.network(), step, s.to(), 1.0 / step,
                        sum / 100.0, 100 - sum, 1.0 / step, 0, 0.01));
                if (step % s.every() == 0 && step < s.to()) {
                    context.checkpoints().write(context, step, Map.of(s.network(), CountStage::writeModel),
                            Map.of("sum", sum));
                }
            }
        }

        /** A file shaped like a DL4J model (the entries resume checks for), standing in for a network. */
        static void writeModel(Path file) throws java.io.IOException {
            try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(file))) {
                for (String entry : new String[] {"configuration.json", "coefficients.bin"}) {
                    zip.putNextEntry(new java.util.zip.ZipEntry(entry));
                    zip.write(new byte[64]);
                    zip.closeEntry();
                }
            }
        }

        @Override
        public Optional<RunReport.Section> report() {
            return Optional.of((stage, html) -> html.append("<p>counted to ")
                    .append(stage.of(EpochEndedEvent.class).size()).append("</p>\n"));
        }
    }

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-02T10:00:00Z"), ZoneOffset.UTC);

    private final CountStage count = new CountStage();
    private final StageTypes types = BuiltInStageTypes.all().with(count);
    private final DescriptorValidator validator = new DescriptorValidator(new ComponentRegistry(List.of(), List.of()),
            types.pipelineSchema());

    private PipelineDescriptor descriptor(String stage) throws DescriptorException {
        return validator.validate(dir.resolve("count.yaml"), String.join("\n",
                "name: counting",
                "output: " + dir.resolve("runs"),
                "tasks: {t: {dataset: fashion-mnist}}",
                "networks: {a: {model: small-cnn, task: t}}",
                "stages:",
                "  - " + stage,
                ""));
    }

    @Test
    void itsKeysAreValidatedWithLocatedErrors() {
        DescriptorException e = assertThrows(DescriptorException.class,
                () -> descriptor("{type: count, to: 0, network: b, extra: 1}"));
        List<String> problems = e.problems().stream().map(Object::toString).toList();
        assertTrue(problems.contains(dir.resolve("count.yaml") + ":6:23: stages[0].to: expected an integer in [1, 100], "
                + "found 0"), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("stages[0].extra: unknown key; allowed here: type, name, to, "
                + "every, network")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("stages[0].network: unknown network 'b'")), problems.toString());
        DescriptorException unknown = assertThrows(DescriptorException.class, () -> new DescriptorValidator(
                new ComponentRegistry(List.of(), List.of()), BuiltInStageTypes.all().pipelineSchema())
                .validate(dir.resolve("x.yaml"), "name: x\ntasks: {t: {dataset: mnist}}\nnetworks: {a: {model: small-cnn, "
                        + "task: t}}\nstages: [{type: count, to: 3, network: a}]\n"));
        assertTrue(unknown.problems().get(0).toString().contains("stages[0].type: unknown type the text 'count'; expected one of pretrain"), unknown.problems().toString());
    }

    @Test
    void itRunsResumesAfterAnInterruptionAndReports() throws Exception {
        PipelineDescriptor d = descriptor("{type: count, name: counter, to: 7, every: 2, network: a}");
        PipelineRunner runner = new PipelineRunner(types, CLOCK);

        RunOutcome straight = runner.run(d, Map.of()).get(0);
        assertTrue(straight.succeeded(), straight.toString());

        count.failAt = 6;
        RunOutcome interrupted = runner.run(d, Map.of()).get(0);
        assertFalse(interrupted.succeeded());
        List<LifecycleEvent> failed = EventLog.events(interrupted.runFolder().resolve(EventLog.FILE));
        StageFinishedEvent finished = EventLog.of(failed, StageFinishedEvent.class).findFirst().orElseThrow();
        assertFalse(finished.succeeded());
        assertTrue(finished.failure().contains("killed at step 6"), finished.failure());

        RunOutcome resumed = new PipelineRunner(types, CLOCK).resume(d, interrupted.runFolder(), Map.of());
        assertTrue(resumed.succeeded(), resumed.toString());

        // the same events as the run that was never interrupted (times and durations aside)
        assertEquals(comparable(straight.runFolder()), comparable(resumed.runFolder()));
        List<LifecycleEvent> events = EventLog.events(resumed.runFolder().resolve(EventLog.FILE));
        assertEquals(List.of(new io.transferbench.api.event.RunResumedEvent(resumed.runFolder().getFileName().toString(),
                "counter", 0, 4, List.of("a"))), EventLog.of(events, io.transferbench.api.event.RunResumedEvent.class).toList());
        assertEquals(7, EventLog.of(events, EpochEndedEvent.class).count());
        assertEquals(28 / 100.0, EventLog.of(events, EpochEndedEvent.class).reduce((a, b) -> b).orElseThrow().accuracy(),
                1e-12, "1 + 2 + ... + 7, the sum carried over the checkpoint");
        StageStartedEvent started = EventLog.of(events, StageStartedEvent.class).findFirst().orElseThrow();
        assertEquals(Map.of("type", "count", "to", 7, "every", 2, "network", "a"), started.settings());

        Files.delete(resumed.runFolder().resolve("descriptor.yaml"));
        Path report = RunReport.write(resumed.runFolder(), types.reportSections());
        String html = Files.readString(report);
        assertTrue(html.contains("<h2>Stage counter <span class=\"muted\">(count)</span></h2>"), html);
        assertTrue(html.contains("<p>counted to 7</p>"), "the stage type's own section");
        assertTrue(html.contains("counter evaluation accuracy per epoch"), "the generic curves");
    }

    /** A run's events without what differs between two runs of the same numbers: times and durations. */
    private static List<String> comparable(Path run) throws Exception {
        return EventLog.events(run.resolve(EventLog.FILE)).stream()
                .filter(e -> !(e instanceof io.transferbench.api.event.RunResumedEvent))
                .map(e -> e instanceof StageFinishedEvent f ? StageFinishedEvent.succeeded(f.stage(), f.stageType(),
                        f.index(), 0) : e instanceof RunFinishedEvent r ? new RunFinishedEvent("", r.succeeded(), 0)
                        : e instanceof io.transferbench.api.event.RunStartedEvent s
                        ? new io.transferbench.api.event.RunStartedEvent("", s.pipeline(), s.seed(), s.trial(), s.configuration(), Map.of())
                        : e instanceof CheckpointWrittenEvent c ? new CheckpointWrittenEvent(c.stage(), c.epoch(), "")
                        : e)
                .map(Object::toString).toList();
    }
}
