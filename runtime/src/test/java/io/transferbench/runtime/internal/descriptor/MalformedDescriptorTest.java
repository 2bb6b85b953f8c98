package io.transferbench.runtime.internal.descriptor;

import io.transferbench.api.ComponentParameters;
import io.transferbench.api.ParameterSpec;
import io.transferbench.api.importance.ImportanceMetric;
import io.transferbench.api.importance.ImportanceMetricFactory;
import io.transferbench.runtime.internal.plugins.ComponentKind;
import io.transferbench.runtime.internal.plugins.ComponentRegistry;
import io.transferbench.runtime.internal.plugins.DiscoveredComponent;
import io.transferbench.runtime.internal.plugins.PluginLoader;
import io.transferbench.runtime.internal.plugins.PluginSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Each malformed descriptor gets one located message: file, line, column, field and what would be right. */
class MalformedDescriptorTest {

    static final String VALID = String.join("\n",
            "name: demo",                                      // 1
            "seed: 1",                                         // 2
            "tasks:",                                          // 3
            "  source:",                                       // 4
            "    dataset: fashion-mnist",                      // 5
            "    classes: [0, 1, 2, 3, 4]",                    // 6
            "networks:",                                       // 7
            "  a: {model: small-cnn, task: source}",           // 8
            "  b: {model: small-cnn, task: source}",           // 9
            "stages:",                                         // 10
            "  - type: online-transfer",                       // 11
            "    networks: [a, b]",                            // 12
            "    epochs: 10",                                  // 13
            "    frequency: {initial: 2, rule: rule-5}",       // 14
            "");

    /** A metric with declared parameters, to check parameter validation. */
    static final class ParameterisedMetric implements ImportanceMetricFactory {
        @Override
        public String id() {
            return "ranked";
        }

        @Override
        public String description() {
            return "test metric";
        }

        @Override
        public List<ParameterSpec> parameters() {
            return List.of(ParameterSpec.integer("images", "Images ranked.").withDefault(256).withMinimum(1),
                    ParameterSpec.choice("mode", "How.", "fast", "exact").withDefault("fast"),
                    ParameterSpec.integer("batch", "Per pass.").withDefault(32));
        }

        @Override
        public ImportanceMetric create(ComponentParameters p) {
            if (p.integer("batch") > p.integer("images")) {
                throw p.invalid("batch", "must not exceed images (" + p.integer("images") + ")");
            }
            return (network, layer) -> new double[layer.filters()];
        }
    }

    static ComponentRegistry registry() {
        ComponentRegistry host = new PluginLoader().load(Optional.empty(), true);
        List<DiscoveredComponent> all = new ArrayList<>(host.all());
        all.add(new DiscoveredComponent(ComponentKind.IMPORTANCE_METRIC, new ParameterisedMetric(),
                new PluginSource(Path.of("test.jar"), Optional.empty(), Optional.empty(), "class path")));
        return new ComponentRegistry(all, List.of());
    }

    private static final DescriptorValidator VALIDATOR = new DescriptorValidator(registry(),
            io.transferbench.runtime.internal.stages.BuiltInStageTypes.all().pipelineSchema());

    static String replaceLine(int line, String text) {
        List<String> lines = new ArrayList<>(List.of(VALID.split("\n", -1)));
        lines.set(line - 1, text);
        return String.join("\n", lines);
    }

    static String insertAfter(int line, String text) {
        List<String> lines = new ArrayList<>(List.of(VALID.split("\n", -1)));
        lines.add(line, text);
        return String.join("\n", lines);
    }

    static String removeLine(int line) {
        List<String> lines = new ArrayList<>(List.of(VALID.split("\n", -1)));
        lines.remove(line - 1);
        return String.join("\n", lines);
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("unknown top-level key", insertAfter(2, "seeds: 3"),
                        "p.yaml:3:1: seeds: unknown key; did you mean 'seed'?"),
                Arguments.of("seed is text", replaceLine(2, "seed: abc"),
                        "p.yaml:2:7: seed: expected an integer >= 0, found the text 'abc'"),
                Arguments.of("seed is negative", replaceLine(2, "seed: -1"),
                        "p.yaml:2:7: seed: expected an integer >= 0, found -1"),
                Arguments.of("seed has no value", replaceLine(2, "seed:"),
                        "p.yaml:2:6: seed: has no value; expected an integer >= 0"),
                Arguments.of("name missing", removeLine(1),
                        "p.yaml:1:1: name: missing; expected a name of letters"),
                Arguments.of("name with spaces", replaceLine(1, "name: \"my run!\""),
                        "p.yaml:1:7: name: expected a name of letters, digits, '.', '_' and '-', found 'my run!'"),
                Arguments.of("misspelt dataset", replaceLine(5, "    dataset: fashion-mnst"),
                        "p.yaml:5:14: tasks.source.dataset: expected one of fashion-mnist, mnist, cifar-10, cifar-100, "
                                + "found the text 'fashion-mnst'; did you mean 'fashion-mnist'?"),
                Arguments.of("class outside the data set", replaceLine(6, "    classes: [0, 12]"),
                        "p.yaml:6:18: tasks.source.classes[1]: fashion-mnist has classes 0-9, found 12"),
                Arguments.of("repeated class", replaceLine(6, "    classes: [1, 1]"),
                        "p.yaml:6:18: tasks.source.classes[1]: repeats 1"),
                Arguments.of("single class", replaceLine(6, "    classes: [3]"),
                        "p.yaml:6:14: tasks.source.classes: expected at least 2 items, found 1"),
                Arguments.of("unknown model", replaceLine(8, "  a: {model: vgg-19, task: source}"),
                        "p.yaml:8:14: networks.a.model: expected one of small-cnn, bench-cnn, vgg-11, vgg-16, resnet-20, found the text 'vgg-19'; did you mean 'vgg-11'?"),
                Arguments.of("unknown task reference", replaceLine(8, "  a: {model: small-cnn, task: sorce}"),
                        "p.yaml:8:31: networks.a.task: unknown task 'sorce'; did you mean 'source'?; defined tasks: source"),
                Arguments.of("misspelt stage type", replaceLine(11, "  - type: online-transfr"),
                        "p.yaml:11:11: stages[0].type: unknown type the text 'online-transfr'; did you mean 'online-transfer'?"),
                Arguments.of("epochs missing", removeLine(13),
                        "p.yaml:11:5: stages[0].epochs: missing; expected an integer in [1, 100000]"),
                Arguments.of("zero epochs", replaceLine(13, "    epochs: 0"),
                        "p.yaml:13:13: stages[0].epochs: expected an integer in [1, 100000], found 0"),
                Arguments.of("epochs as a list", replaceLine(13, "    epochs: [10]"),
                        "p.yaml:13:13: stages[0].epochs: expected an integer in [1, 100000], found a list"),
                Arguments.of("misspelt stage key", replaceLine(13, "    epoch: 10"),
                        "p.yaml:13:5: stages[0].epoch: unknown key; did you mean 'epochs'?"),
                Arguments.of("unknown rule id", replaceLine(14, "    frequency: {initial: 2, rule: rule-9}"),
                        "p.yaml:14:35: stages[0].frequency.rule: unknown adjustment rule 'rule-9'; did you mean 'rule-1'?; "
                                + "available: none, rule-1, rule-2, rule-3, rule-4, rule-5"),
                Arguments.of("absolute rule for the ratio", insertAfter(14, "    ratio: {rule: rule-1}"),
                        "p.yaml:15:19: stages[0].ratio.rule: rule 'rule-1' cannot adjust the ratio; it adjusts only frequency"),
                Arguments.of("unknown importance metric", insertAfter(14, "    importance: hrnk"),
                        "p.yaml:15:17: stages[0].importance: unknown importance metric 'hrnk'"),
                Arguments.of("unknown network in a stage", replaceLine(12, "    networks: [a, c]"),
                        "p.yaml:12:19: stages[0].networks[1]: unknown network 'c'; defined networks: a, b"),
                Arguments.of("one network cannot trade filters", replaceLine(12, "    networks: [a]"),
                        "p.yaml:12:15: stages[0].networks: expected at least 2 items, found 1"),
                Arguments.of("a rotation that is not a quarter turn", insertAfter(6, "    transform: {rotate: 45}"),
                        "p.yaml:7:25: tasks.source.transform.rotate: expected 0, 90, 180 or 270, found 45"),
                Arguments.of("label noise of every label", insertAfter(6, "    label-noise: 1"),
                        "p.yaml:7:18: tasks.source.label-noise: expected a number in [0, 0.99], found 1"),
                Arguments.of("unclosed flow list", replaceLine(12, "    networks: [a, b"),
                        "p.yaml:13:11: the list opened with '[' at 12:15 is not closed; expected ',' or ']' here"),
                Arguments.of("duplicate key", insertAfter(2, "seed: 2"),
                        "p.yaml:3:1: seed: duplicate key; it is already set at p.yaml:2:1"),
                Arguments.of("first transfer after the last epoch", replaceLine(14, "    frequency: {initial: 50}"),
                        "p.yaml:14:26: stages[0].frequency.initial: is larger than the stage's 10 epochs"),
                Arguments.of("ratio bounds crossed", insertAfter(14, "    ratio: {min: 20, max: 5}"),
                        "p.yaml:15:27: stages[0].ratio.max: must be at least min (20), found 5"),
                Arguments.of("parameter for a metric without parameters", insertAfter(14, "    importance: {id: l1, images: 5}"),
                        "p.yaml:15:26: stages[0].importance.images: unknown parameter of importance metric 'l1'; it takes no parameters"),
                Arguments.of("parameter out of range", insertAfter(14, "    importance: {id: ranked, images: 0}"),
                        "p.yaml:15:38: stages[0].importance.images: expected an integer >= 1, found 0"),
                Arguments.of("parameter not among the choices", insertAfter(14, "    importance: {id: ranked, mode: quick}"),
                        "p.yaml:15:36: stages[0].importance.mode: expected one of fast, exact, found the text 'quick'"),
                Arguments.of("combination the factory rejects", insertAfter(14, "    importance: {id: ranked, images: 8, batch: 16}"),
                        "p.yaml:15:48: stages[0].importance.batch: parameter 'batch' of 'ranked': must not exceed images (8)"),
                Arguments.of("component mapping without id", insertAfter(14, "    importance: {images: 8}"),
                        "p.yaml:15:17: stages[0].importance.id: missing; name the importance metric"),
                Arguments.of("negative learning rate", insertAfter(13, "    learning-rate: -0.1"),
                        "p.yaml:14:20: stages[0].learning-rate: expected a number > 0 and <= 10, found -0.1"),
                Arguments.of("no stages", String.join("\n", List.of(VALID.split("\n")).subList(0, 9)) + "\nstages: []\n",
                        "p.yaml:10:9: stages: expected at least 1 item, found 0"),
                Arguments.of("top level is a list", "- name: demo\n",
                        "p.yaml:1:1: expected a mapping with keys name, description"),
                Arguments.of("empty file", "", "p.yaml:1:1: the descriptor is empty"),
                Arguments.of("fine-tune onto itself", VALID.replace("  - type: online-transfer\n    networks: [a, b]\n    epochs: 10\n"
                                + "    frequency: {initial: 2, rule: rule-5}", "  - type: finetune\n    from: a\n    network: a\n    epochs: 1"),
                        "p.yaml:13:14: stages[0].network: must differ from 'from'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedDescriptorGetsALocatedMessage(String title, String yaml, String expected) {
        DescriptorException e = assertThrows(DescriptorException.class, () -> VALIDATOR.validate(Path.of("p.yaml"), yaml),
                "expected '" + title + "' to be rejected");
        String all = e.problems().stream().map(DescriptorProblem::toString).collect(Collectors.joining("\n"));
        if (e.problems().stream().noneMatch(p -> p.toString().startsWith(expected))) {
            fail("no problem starts with\n  " + expected + "\ngot\n  " + all.replace("\n", "\n  "));
        }
    }

    @Test
    void theBaseDescriptorIsValid() throws DescriptorException {
        PipelineDescriptor d = VALIDATOR.validate(Path.of("p.yaml"), VALID);
        assertEquals("demo", d.name());
        assertEquals(1, d.seed());
        assertEquals(List.of("a", "b"), List.copyOf(d.networks().keySet()));
        Section stage = d.stages().get(0);
        assertEquals("rule-5", stage.section("frequency").component("rule").id());
        assertEquals("none", stage.section("ratio").component("rule").id(), "default rule");
        assertEquals(10.0, stage.section("ratio").number("initial"), "default P");
        assertEquals("l1", stage.component("importance").id(), "default metric");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        String yaml = replaceLine(13, "    epochs: 0").replace("seed: 1", "seed: x");
        DescriptorException e = assertThrows(DescriptorException.class, () -> VALIDATOR.validate(Path.of("p.yaml"), yaml));
        assertEquals(2, e.problems().size(), e.getMessage());
        assertTrue(e.problems().get(0).location().line() < e.problems().get(1).location().line(), "in file order");
    }

    @Test
    void componentParametersGetDefaultsAndLocations() throws DescriptorException {
        PipelineDescriptor d = VALIDATOR.validate(Path.of("p.yaml"), insertAfter(14, "    importance: {id: ranked, images: 64}"));
        ResolvedComponent c = d.stages().get(0).component("importance");
        assertEquals(64L, c.parameters().integer("images"));
        assertEquals("fast", c.parameters().string("mode"));
        assertEquals("p.yaml:15:38 (stages[0].importance.images)", c.parameters().locationOf("images"));
    }
}
