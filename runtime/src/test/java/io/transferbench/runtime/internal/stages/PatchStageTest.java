package io.transferbench.runtime.internal.stages;

import io.transferbench.runtime.internal.descriptor.DescriptorException;
import io.transferbench.runtime.internal.descriptor.DescriptorProblem;
import io.transferbench.runtime.internal.descriptor.DescriptorValidator;
import io.transferbench.runtime.internal.descriptor.PipelineDescriptor;
import io.transferbench.runtime.internal.engine.WeightInterpolation;
import io.transferbench.runtime.internal.pipeline.StageTypes;
import io.transferbench.runtime.internal.plugins.PluginLoader;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The patch stage's settings and the located errors for what cannot be interpolated, before anything trains. */
class PatchStageTest {

    private static final StageTypes TYPES = BuiltInStageTypes.all();
    private static final DescriptorValidator VALIDATOR = new DescriptorValidator(
            new PluginLoader().load(Optional.empty(), true), TYPES.pipelineSchema(), TYPES::problems);

    /** Two pairs: upright / inverted (shared head) and first / second half (per-task heads); line numbers matter. */
    static String descriptor(String zsModel, String invertedClasses, String validation, String head, String heads) {
        return String.join("\n",
                "name: paint",                                                                       // 1
                "tasks:",                                                                            // 2
                "  upright: {dataset: fashion-mnist" + validation + "}",                              // 3
                "  inverted: {dataset: fashion-mnist, validation-per-class: 5, transform: {invert: true}"
                        + invertedClasses + "}",                                                     // 4
                "networks:",                                                                         // 5
                "  zs: {model: " + zsModel + ", task: upright}",                                     // 6
                "  ft: {model: small-cnn, task: inverted}",                                          // 7
                "  out: {model: small-cnn, task: inverted}",                                         // 8
                "stages:",                                                                           // 9
                "  - {type: pretrain, network: zs, epochs: 1}",                                      // 10
                "  - {type: finetune, from: zs, network: ft, epochs: 1, head: " + head + "}",        // 11
                "  - {name: fix, type: patch, supported: zs, patched: ft, network: out, heads: " + heads + ",", // 12
                "     search: [{id: quasi-convex}, {id: grid, step: 0.1}]}",                         // 13
                "");
    }

    static String valid() {
        return descriptor("small-cnn", "", ", validation-per-class: 5", "keep", "shared");
    }

    private static String problems(String yaml) {
        DescriptorException e = assertThrows(DescriptorException.class, () -> VALIDATOR.validate(Path.of("p.yaml"), yaml));
        return e.problems().stream().map(DescriptorProblem::toString).collect(Collectors.joining("\n"));
    }

    @Test
    void settingsOfAValidStage() throws Exception {
        PipelineDescriptor d = VALIDATOR.validate(Path.of("p.yaml"), valid());
        PatchStage.Settings s = (PatchStage.Settings) TYPES.resolve(d).get(2).settings();
        assertEquals(List.of("upright"), s.supportedTasks(), "the supported network's task by default");
        assertEquals("inverted", s.patchTask(), "the patched network's task by default");
        assertEquals(WeightInterpolation.Heads.SHARED, s.heads());
        assertEquals(PatchStage.Objective.LOSS_SUM, s.objective());
        assertEquals(List.of("quasi-convex", "grid"), s.searches().stream().map(c -> c.id()).toList());
        assertEquals(List.of("search[0]", "search[1]"), s.searches().stream().map(c -> c.key()).toList());
        assertTrue(s.patchedHead(), "'out' has the patch task");
        assertTrue(s.searches().get(0).seed() != s.searches().get(1).seed(), "each search its own seed");
    }

    @Test
    void networksOfDifferentArchitecturesAreALocatedError() {
        String all = problems(descriptor("bench-cnn", "", ", validation-per-class: 5", "keep", "shared"));
        assertTrue(all.contains("p.yaml:12:") && all.contains("stages[2].patched: network 'ft' is a small-cnn")
                && all.contains("only networks of one architecture can be interpolated"), all);
    }

    @Test
    void aSharedHeadNeedsTheSameClasses() {
        String all = problems(descriptor("small-cnn", ", classes: [0, 1, 2]", ", validation-per-class: 5", "new",
                "shared"));
        assertTrue(all.contains("stages[2].heads: a shared head needs both networks' tasks to have the same classes"),
                all);
        // per-task heads accept them
        assertFalse(problems(descriptor("small-cnn", ", classes: [0, 1, 2]", "", "new", "per-task")).contains("heads"));
    }

    @Test
    void theCoefficientIsChosenOnAValidationSplit() {
        String all = problems(descriptor("small-cnn", "", "", "keep", "shared"));
        assertTrue(all.contains("task 'upright' has no validation split to choose the coefficient on; set "
                + "tasks.upright.validation-per-class"), all);
        assertFalse(all.contains("task 'inverted' has no validation"), all);
    }

    @Test
    void keepingTheHeadNeedsTheSameClasses() {
        String all = problems(descriptor("small-cnn", ", classes: [0, 1, 2]", ", validation-per-class: 5", "keep",
                "per-task"));
        assertTrue(all.contains("p.yaml:11:") && all.contains("stages[1].head: keep needs"), all);
    }

    @Test
    void searchesComeFromTheCoefficientSearchKind() {
        String all = problems(valid().replace("{id: grid, step: 0.1}", "{id: rule-5}"));
        assertTrue(all.contains("stages[2].search[1]"), all);
        assertTrue(problems(valid().replace("{id: grid, step: 0.1}", "{id: grid, step: 0}")).contains("step"));
    }
}
