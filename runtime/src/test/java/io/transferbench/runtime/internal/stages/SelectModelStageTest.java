package io.transferbench.runtime.internal.stages;

import io.transferbench.runtime.internal.descriptor.DescriptorException;
import io.transferbench.runtime.internal.descriptor.DescriptorProblem;
import io.transferbench.runtime.internal.descriptor.DescriptorValidator;
import io.transferbench.runtime.internal.pipeline.StageTypes;
import io.transferbench.runtime.internal.plugins.PluginLoader;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Task2Vec stages' located errors, before anything trains. */
class SelectModelStageTest {

    private static final StageTypes TYPES = BuiltInStageTypes.all();
    private static final DescriptorValidator VALIDATOR = new DescriptorValidator(
            new PluginLoader().load(Optional.empty(), true), TYPES.pipelineSchema(), TYPES::problems);

    private static String descriptor(String probeModel, String embedTasks, String embeddings, String generic,
                                     String selectors) {
        return String.join("\n",
                "name: t2v",                                                                      // 1
                "tasks:",                                                                         // 2
                "  all: {dataset: fashion-mnist}",                                                // 3
                "  a: {dataset: fashion-mnist, classes: [0, 1]}",                                 // 4
                "  b: {dataset: fashion-mnist, classes: [2, 3]}",                                 // 5
                "  t: {dataset: fashion-mnist, classes: [4, 5]}",                                 // 6
                "networks:",                                                                      // 7
                "  probe: {model: " + probeModel + ", task: all}",                                 // 8
                "  ea: {model: small-cnn, task: a}",                                              // 9
                "  eb: {model: small-cnn, task: b}",                                              // 10
                "stages:",                                                                        // 11
                "  - {type: pretrain, network: probe, epochs: 1}",                                // 12
                "  - {name: embed, type: embed-tasks, probe: probe, tasks: " + embedTasks + "}",  // 13
                "  - {type: select-model, experts: [ea, eb], targets: [t], epochs: 1,",           // 14
                "     embeddings: " + embeddings + ", generic: " + generic + ",",                 // 15
                "     selectors: " + selectors + "}",                                             // 16
                "");
    }

    private static String problems(String yaml) {
        DescriptorException e = assertThrows(DescriptorException.class, () -> VALIDATOR.validate(Path.of("p.yaml"), yaml));
        return e.problems().stream().map(DescriptorProblem::toString).collect(Collectors.joining("\n"));
    }

    @Test
    void aValidPairOfStages() throws Exception {
        assertEquals(3, VALIDATOR.validate(Path.of("p.yaml"), descriptor("small-cnn", "[a, b, t]", "embed", "probe",
                "[{id: task2vec}, {id: logme}]")).stages().size());
    }

    @Test
    void embeddingsMustComeFromAnEarlierEmbedStageCoveringEveryTask() {
        String missing = problems(descriptor("small-cnn", "[a, t]", "embed", "probe", "[{id: task2vec}]"));
        assertTrue(missing.contains("p.yaml:15") && missing.contains("does not embed [b]"), missing);
        String unknown = problems(descriptor("small-cnn", "[a, b, t]", "embedding", "probe", "[{id: task2vec}]"));
        assertTrue(unknown.contains("'embedding' is not an embed-tasks stage before this one"), unknown);
    }

    @Test
    void probeAndGenericAndSelectorsAreChecked() {
        String graph = problems(descriptor("resnet-20", "[a, b, t]", "embed", "probe", "[{id: task2vec}]"));
        assertTrue(graph.contains("p.yaml:13") && graph.contains("layer-list model"), graph);
        String generic = problems(descriptor("small-cnn", "[a, b, t]", "embed", "ea", "[{id: task2vec}]"));
        assertTrue(generic.contains("is an expert too"), generic);
        String selector = problems(descriptor("small-cnn", "[a, b, t]", "embed", "probe", "[{id: logmee}]"));
        assertTrue(selector.contains("logme"), "the nearest id is suggested: " + selector);
        String parameter = problems(descriptor("small-cnn", "[a, b, t]", "embed", "probe",
                "[{id: model2vec, steps: 0}]"));
        assertTrue(parameter.contains("steps"), parameter);
    }
}
