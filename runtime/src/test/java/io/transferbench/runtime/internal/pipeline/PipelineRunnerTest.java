package io.transferbench.runtime.internal.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.transferbench.api.ComponentParameters;
import io.transferbench.api.event.EpochEndedEvent;
import io.transferbench.api.event.LifecycleListener;
import io.transferbench.api.event.LifecycleListenerFactory;
import io.transferbench.api.event.StageStartedEvent;
import io.transferbench.runtime.internal.descriptor.DescriptorValidator;
import io.transferbench.runtime.internal.descriptor.Fields;
import io.transferbench.runtime.internal.descriptor.StageSchema;
import io.transferbench.runtime.internal.descriptor.PipelineDescriptor;
import io.transferbench.runtime.internal.plugins.ComponentKind;
import io.transferbench.runtime.internal.plugins.ComponentRegistry;
import io.transferbench.runtime.internal.plugins.DiscoveredComponent;
import io.transferbench.runtime.internal.plugins.PluginSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PipelineRunnerTest {

    @TempDir
    Path dir;

    /** Throws on every stage start: a listener with a bug. */
    static final class FailingListenerFactory implements LifecycleListenerFactory {
        static final class Failing implements LifecycleListener {
            @Override
            public void onEvent(io.transferbench.api.event.LifecycleEvent event) {
                if (event instanceof StageStartedEvent) {
                    throw new IllegalStateException("bug in listener");
                }
            }
        }

        @Override
        public String id() {
            return "failing";
        }

        @Override
        public String description() {
            return "test";
        }

        @Override
        public LifecycleListener create(ComponentParameters parameters) {
            return new Failing();
        }
    }

    /** An evaluate stage that reports one epoch per listed network, and the seeds it saw. */
    static final class FakeEvaluate implements StageType<List<String>> {
        final List<Long> seeds = new ArrayList<>();

        @Override
        public StageSchema schema() {
            return new StageSchema("evaluate", "Evaluates nothing.",
                    List.of(Fields.required("networks", Fields.networks("The networks.", 1))), List.of());
        }

        @Override
        public List<String> settings(StageDeclaration stage) {
            return stage.section().scalars("networks").stream().map(String.class::cast).toList();
        }

        @Override
        public void run(List<String> networks, StageContext c) {
            seeds.add(c.seed());
            for (String network : networks) {
                c.publish(new EpochEndedEvent(c.stageName(), network, 1, 1, 0.5, 0.9, 10.0, 0.4, 0.01, 0.01));
            }
        }
    }

    private static PipelineRunner runner(FakeEvaluate stage) {
        return new PipelineRunner(new StageTypes(List.of(stage)), CLOCK);
    }

    private PipelineDescriptor descriptor(String extra) throws Exception {
        ComponentRegistry registry = new ComponentRegistry(List.of(new DiscoveredComponent(ComponentKind.LIFECYCLE_LISTENER,
                new FailingListenerFactory(), new PluginSource(Path.of("test.jar"), Optional.empty(), Optional.empty(),
                "class path"))), List.of());
        String yaml = String.join("\n",
                "name: runner",
                "output: " + dir.resolve("runs"),
                extra,
                "tasks: {t: {dataset: fashion-mnist}}",
                "networks: {a: {model: small-cnn, task: t}}",
                "stages:",
                "  - {type: evaluate, networks: [a]}",
                "  - {type: evaluate, name: again, networks: [a]}",
                "");
        return new DescriptorValidator(registry, new StageTypes(List.of(new FakeEvaluate())).pipelineSchema()).validate(dir.resolve("p.yaml"), yaml);
    }

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC);

    @Test
    void recordsEveryEventInOrderAndTheResolvedDescriptor() throws Exception {
        FakeEvaluate stage = new FakeEvaluate();
        List<RunOutcome> outcomes = runner(stage).run(descriptor(""), java.util.Map.of());
        assertEquals(1, outcomes.size());
        RunOutcome outcome = outcomes.get(0);
        assertTrue(outcome.succeeded(), outcome.toString());
        assertEquals(dir.resolve("runs/20261123-100000-runner"), outcome.runFolder());
        List<JsonNode> events = new ArrayList<>();
        for (String line : Files.readAllLines(outcome.runFolder().resolve("events.jsonl"))) {
            events.add(new ObjectMapper().readTree(line));
        }
        assertEquals(List.of("RunStarted", "StageStarted", "EpochEnded", "StageFinished", "StageStarted", "EpochEnded",
                "StageFinished", "RunFinished"), events.stream().map(e -> e.get("type").asText()).collect(Collectors.toList()));
        assertEquals("evaluate-1", events.get(1).get("stage").asText());
        assertEquals("again", events.get(4).get("stage").asText());
        assertEquals(0.9, events.get(2).get("accuracy").asDouble());
        assertEquals(42, events.get(0).get("seed").asLong());
        assertTrue(events.get(7).get("succeeded").asBoolean());
        String resolved = Files.readString(outcome.runFolder().resolve("descriptor.yaml"));
        assertTrue(resolved.contains("seed: 42") && resolved.contains("listener-failures: fail"), resolved);
    }

    @Test
    void failingListenerFailsTheRunButNotTheOtherListeners() throws Exception {
        RunOutcome outcome = runner(new FakeEvaluate())
                .run(descriptor("listeners: [failing]"), java.util.Map.of()).get(0);
        assertFalse(outcome.succeeded());
        assertEquals(2, outcome.listenerFailures().size());
        assertTrue(outcome.failure().orElseThrow().contains("listener 'failing' from test.jar"),
                outcome.failure().orElseThrow());
        assertTrue(Files.readString(outcome.runFolder().resolve("log.txt")).contains("\tat "),
                "the trace is in the run's log.txt");
        long recorded = Files.readAllLines(outcome.runFolder().resolve("events.jsonl")).size();
        assertEquals(8, recorded, "the recorder still got every event");
    }

    @Test
    void warnPolicyKeepsTheRunSuccessful() throws Exception {
        RunOutcome outcome = runner(new FakeEvaluate())
                .run(descriptor("listeners: [failing]\nlistener-failures: warn"), java.util.Map.of()).get(0);
        assertTrue(outcome.succeeded());
        assertEquals(2, outcome.listenerFailures().size());
    }

    @Test
    void trialsGetTheirOwnFoldersAndDerivedSeeds() throws Exception {
        FakeEvaluate stage = new FakeEvaluate();
        List<RunOutcome> outcomes = runner(stage).run(descriptor("trials: 3"), java.util.Map.of());
        assertEquals(3, outcomes.size());
        assertEquals(dir.resolve("runs/20261123-100000-runner-trial-2"), outcomes.get(1).runFolder());
        assertEquals(42L, stage.seeds.get(0));
        assertNotEquals(stage.seeds.get(0), stage.seeds.get(2));
        assertNotEquals(stage.seeds.get(2), stage.seeds.get(4));
        List<Long> again = new ArrayList<>();
        FakeEvaluate second = new FakeEvaluate();
        runner(second).run(descriptor("trials: 3"), java.util.Map.of());
        again.addAll(second.seeds);
        assertEquals(stage.seeds, again, "the same descriptor gives the same trial seeds");
    }
}
