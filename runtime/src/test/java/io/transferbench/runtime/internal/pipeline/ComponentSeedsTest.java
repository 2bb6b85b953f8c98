package io.transferbench.runtime.internal.pipeline;

import io.transferbench.api.ComponentParameters;
import io.transferbench.api.importance.ImportanceMetric;
import io.transferbench.api.importance.ImportanceMetricFactory;
import io.transferbench.runtime.internal.descriptor.DescriptorValidator;
import io.transferbench.runtime.internal.descriptor.PipelineDescriptor;
import io.transferbench.runtime.internal.plugins.ComponentKind;
import io.transferbench.runtime.internal.plugins.ComponentRegistry;
import io.transferbench.runtime.internal.plugins.DiscoveredComponent;
import io.transferbench.runtime.internal.plugins.PluginLoader;
import io.transferbench.runtime.internal.plugins.PluginSource;
import io.transferbench.runtime.internal.stages.BuiltInStageTypes;
import io.transferbench.runtime.internal.stages.OnlineTransferStage;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** Where a component's seed comes from: the stage's name and the key, then the network. */
class ComponentSeedsTest {

    /** A metric factory that records the seed of every instance it creates. */
    static final class SeededMetricFactory implements ImportanceMetricFactory {
        static final List<Long> SEEDS = new ArrayList<>();

        @Override
        public String id() {
            return "seeded";
        }

        @Override
        public String description() {
            return "test";
        }

        @Override
        public ImportanceMetric create(ComponentParameters parameters) {
            SEEDS.add(parameters.seed());
            return (network, layer) -> new double[layer.filters()];
        }
    }

    private static final StageTypes TYPES = BuiltInStageTypes.all();

    private static OnlineTransferStage.Settings transferStage(String stagesBefore) throws Exception {
        List<DiscoveredComponent> all = new ArrayList<>(new PluginLoader().load(Optional.empty(), true).all());
        all.add(new DiscoveredComponent(ComponentKind.IMPORTANCE_METRIC, new SeededMetricFactory(),
                new PluginSource(Path.of("test.jar"), Optional.empty(), Optional.empty(), "class path")));
        PipelineDescriptor d = new DescriptorValidator(new ComponentRegistry(all, List.of()), TYPES.pipelineSchema())
                .validate(Path.of("seeds.yaml"), String.join("\n",
                        "name: seeds",
                        "seed: 5",
                        "tasks: {t: {dataset: fashion-mnist}}",
                        "networks: {a: {model: small-cnn, task: t}, b: {model: small-cnn, task: t}}",
                        "stages:",
                        stagesBefore,
                        "  - {type: online-transfer, name: trade, networks: [a, b], epochs: 2, importance: seeded}",
                        ""));
        List<StageTypes.ResolvedStage<?>> stages = TYPES.resolve(d);
        return (OnlineTransferStage.Settings) stages.get(stages.size() - 1).settings();
    }

    /** The seed the factory was given for the instance {@code create} makes. */
    private static long seedOf(Runnable create) {
        create.run();
        return SeededMetricFactory.SEEDS.get(SeededMetricFactory.SEEDS.size() - 1);
    }

    @Test
    void aStageInsertedBeforeLeavesTheSeedAsItWas() throws Exception {
        StageComponent<ImportanceMetric> alone = transferStage("").importance();
        StageComponent<ImportanceMetric> afterAnother = transferStage("  - {type: evaluate, networks: [a]}").importance();
        assertEquals(alone.seed(), afterAnother.seed());
        assertEquals(seedOf(() -> alone.createFor("a")), seedOf(() -> afterAnother.createFor("a")));
    }

    @Test
    void eachNetworkHasItsOwnStream() throws Exception {
        StageComponent<ImportanceMetric> metric = transferStage("").importance();
        long a = seedOf(() -> metric.createFor("a"));
        long b = seedOf(() -> metric.createFor("b"));
        assertNotEquals(a, b);
        assertEquals(a, seedOf(() -> metric.createFor("a")), "the same network, the same stream");
        assertNotEquals(a, seedOf(() -> metric.createFor("a", 2)), "another transfer point, another stream");
        assertEquals(seedOf(() -> metric.createFor("a", 2)), seedOf(() -> metric.createFor("a", 2)));
        assertNotEquals(metric.seed(), transferStage("").frequency().rule().seed(), "another key, another seed");
    }
}
