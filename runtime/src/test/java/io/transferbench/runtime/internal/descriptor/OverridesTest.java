package io.transferbench.runtime.internal.descriptor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Command-line overrides: applied like values written in the file, checked like them, errors naming them. */
class OverridesTest {

    @TempDir
    Path dir;

    private static final DescriptorValidator VALIDATOR = new DescriptorValidator(MalformedDescriptorTest.registry(),
            io.transferbench.runtime.internal.stages.BuiltInStageTypes.all().pipelineSchema());

    private PipelineDescriptor validate(String... overrides) throws Exception {
        Path file = Files.writeString(dir.resolve("p.yaml"), MalformedDescriptorTest.VALID);
        return VALIDATOR.validate(file, Overrides.parse(List.of(overrides)));
    }

    private List<String> problems(String... overrides) {
        DescriptorException e = assertThrows(DescriptorException.class, () -> validate(overrides));
        return e.problems().stream().map(Object::toString).toList();
    }

    @Test
    void valuesAreReplacedAddedAndTyped() throws Exception {
        PipelineDescriptor d = validate("seed=7", "stages[0].epochs=3", "stages[0].frequency.rule=rule-1",
                "tasks.source.classes=[0, 1]", "stages[0].ratio.initial=20", "stages[0].importance={id: random}");
        assertEquals(7, d.seed());
        Section stage = d.stages().get(0);
        assertEquals(3, stage.integer("epochs"));
        assertEquals("rule-1", stage.section("frequency").component("rule").id());
        assertEquals(2, stage.section("frequency").integer("initial"), "the rest of the mapping stays");
        assertEquals(20.0, stage.section("ratio").number("initial"));
        assertEquals("random", stage.component("importance").id());
        assertEquals(List.of(0L, 1L), d.tasks().get("source").scalars("classes"));
        assertEquals(1, validate().seed(), "without overrides, the file");
    }

    @Test
    void aWrongValueIsReportedAtTheOverride() {
        assertEquals(List.of("override 'seed=abc':1:1: seed: expected an integer >= 0, found the text 'abc'"),
                problems("seed=abc"));
        List<String> rule = problems("stages[0].frequency.rule=rule-42");
        assertTrue(rule.get(0).startsWith("override 'stages[0].frequency.rule=rule-42':1:1: stages[0].frequency.rule: "
                + "unknown adjustment rule 'rule-42'"), rule.toString());
        List<String> unknown = problems("stages[0].epoks=3");
        assertTrue(unknown.get(0).startsWith("override 'stages[0].epoks=3':1:1: stages[0].epoks: unknown key; allowed "
                + "here: type, name, networks,"), unknown.toString());
    }

    @Test
    void aKeyThatCannotBeReachedIsNamed() {
        assertEquals(List.of("override 'stages[4].epochs=1':1:1: stages[4].epochs: stages has 1 item; [4] is beyond it"),
                problems("stages[4].epochs=1"));
        assertEquals(List.of("override 'seed.x=1':1:1: seed.x: seed is not a mapping, so '.x' means nothing"),
                problems("seed.x=1"));
        assertEquals(List.of("override 'seed':1:1: expected KEY=VALUE, e.g. stages[1].frequency.rule=rule-5 or seed=7"),
                assertThrows(DescriptorException.class, () -> Overrides.parse(List.of("seed"))).problems().stream()
                        .map(Object::toString).toList());
        assertTrue(problems("stages..epochs=1").get(0).contains("is not a key path"));
    }
}
