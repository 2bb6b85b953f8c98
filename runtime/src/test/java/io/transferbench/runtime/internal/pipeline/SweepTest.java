package io.transferbench.runtime.internal.pipeline;

import io.transferbench.api.event.RunStartedEvent;
import io.transferbench.runtime.internal.compare.RunRecord;
import io.transferbench.runtime.internal.descriptor.DescriptorException;
import io.transferbench.runtime.internal.descriptor.DescriptorValidator;
import io.transferbench.runtime.internal.descriptor.Overrides;
import io.transferbench.runtime.internal.descriptor.PipelineDescriptor;
import io.transferbench.runtime.internal.events.EventLog;
import io.transferbench.runtime.internal.plugins.ComponentRegistry;
import io.transferbench.runtime.internal.plugins.PluginLoader;
import io.transferbench.runtime.internal.stages.BuiltInStageTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A descriptor's sweep (and --multirun): one configuration per combination, each validated and run like a descriptor. */
class SweepTest {

    @TempDir
    Path dir;

    private static final String PIPELINE = String.join("\n",
            "name: sweeping",
            "seed: 4",
            "tasks: {t: {dataset: fashion-mnist}}",
            "networks: {a: {model: small-cnn, task: t}, b: {model: small-cnn, task: t}}",
            "stages:",
            "  - {name: trade, type: online-transfer, networks: [a, b], epochs: 6, frequency: {initial: 2}}",
            "");

    private final DescriptorValidator validator = new DescriptorValidator(
            new PluginLoader().load(Optional.empty(), true), BuiltInStageTypes.all().pipelineSchema());

    private PipelineDescriptor validate(String sweep, String... overrides) throws Exception {
        Path file = Files.writeString(dir.resolve("s.yaml"), PIPELINE + sweep);
        return validator.validate(file, Overrides.parse(List.of(overrides)), true);
    }

    @Test
    void everyCombinationIsAConfigurationOfItsOwn() throws Exception {
        PipelineDescriptor d = validate(String.join("\n",
                "sweep:",
                "  grid:",
                "    stages[0].frequency.rule: [none, rule-1, rule-5]",
                "    stages[0].ratio.initial: [10, 20]",
                "  trials: 2",
                ""));
        List<PipelineDescriptor> configurations = d.configurations();
        assertEquals(6, configurations.size());
        assertEquals("stages[0].frequency.rule=none stages[0].ratio.initial=10", configurations.get(0).configuration());
        assertEquals("stages[0].frequency.rule=rule-5 stages[0].ratio.initial=20", configurations.get(5).configuration());
        assertEquals(6, configurations.get(5).configurationIndex());
        assertEquals("rule-5", configurations.get(5).stages().get(0).section("frequency").component("rule").id());
        assertEquals(20.0, configurations.get(5).stages().get(0).section("ratio").number("initial"));
        assertEquals(2, configurations.get(0).trials(), "the sweep's trials per combination");
        assertEquals(configurations.get(0).forTrial(2).effectiveSeed(), configurations.get(4).forTrial(2).effectiveSeed(),
                "trial seeds as without a sweep: combinations differ only in the swept values");
    }

    @Test
    void aBadValueIsReportedWhereTheGridHasIt() {
        DescriptorException e = assertThrows(DescriptorException.class, () -> validate(String.join("\n",
                "sweep:",
                "  grid:",
                "    stages[0].frequency.rule: [none, rule-42]",
                "    stages[0].epochs: [6, 0]",
                "")));
        List<String> problems = e.problems().stream().map(Object::toString).toList();
        assertTrue(problems.stream().anyMatch(p -> p.startsWith(dir.resolve("s.yaml") + ":9:38: stages[0].frequency.rule: "
                + "unknown adjustment rule 'rule-42'")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith(dir.resolve("s.yaml") + ":10:27: stages[0].epochs: expected "
                + "an integer in [1, 100000], found 0")), problems.toString());
        assertEquals(problems.size(), problems.stream().distinct().count(), "each problem once, not once per combination");
        DescriptorException key = assertThrows(DescriptorException.class, () -> validate(String.join("\n",
                "sweep:", "  grid:", "    stages..epochs: [1]", "")));
        assertTrue(key.problems().get(0).toString().contains("sweep.grid.stages..epochs: expected a key path"),
                key.problems().toString());
    }

    @Test
    void multirunSweepsFromTheCommandLine() throws Exception {
        PipelineDescriptor d = validate("", "stages[0].frequency.rule=none,rule-1", "seed=9", "tasks.t.classes=[0, 1]");
        assertEquals(2, d.configurations().size());
        assertEquals("stages[0].frequency.rule=none", d.configurations().get(0).configuration());
        assertEquals(9, d.configurations().get(1).seed(), "single values stay overrides");
        assertEquals(List.of(0L, 1L), d.configurations().get(1).tasks().get("t").scalars("classes"),
                "a list value is one value, not a sweep");
    }

    @Test
    void theRunnerGivesEachCombinationItsFolderAndLabel() throws Exception {
        PipelineRunnerTest.FakeEvaluate stage = new PipelineRunnerTest.FakeEvaluate();
        StageTypes types = new StageTypes(List.of(stage));
        Path file = Files.writeString(dir.resolve("e.yaml"), String.join("\n",
                "name: evals",
                "output: " + dir.resolve("runs"),
                "tasks: {t: {dataset: fashion-mnist}}",
                "networks: {a: {model: small-cnn, task: t}, b: {model: small-cnn, task: t}}",
                "stages: [{type: evaluate, networks: [a]}]",
                "sweep: {grid: {'stages[0].networks': [[a], [b]]}}",
                ""));
        PipelineDescriptor d = new DescriptorValidator(new ComponentRegistry(List.of(), List.of()), types.pipelineSchema())
                .validate(file, List.of());
        PipelineRunner runner = new PipelineRunner(types,
                Clock.fixed(Instant.parse("2026-12-02T10:00:00Z"), ZoneOffset.UTC));
        List<Path> folders = new ArrayList<>();
        for (PipelineDescriptor c : d.configurations()) {
            runner.run(c, Map.of()).forEach(o -> folders.add(o.runFolder()));
        }
        assertEquals(List.of(dir.resolve("runs/20261202-100000-evals-1"), dir.resolve("runs/20261202-100000-evals-2")),
                folders);
        RunStartedEvent started = EventLog.of(EventLog.events(folders.get(1).resolve(EventLog.FILE)), RunStartedEvent.class)
                .findFirst().orElseThrow();
        assertEquals("stages[0].networks=[b]", started.configuration());
        assertEquals("evals [stages[0].networks=[b]]", RunRecord.read(folders.get(1)).pipeline(),
                "compare tells the combinations apart");
    }
}
