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

    /** A metric that remembers the seed it was created with. */
    record SeededMetric(long seed) implements ImportanceMetric {
        @Override
        public double[] score(io.transferbench.api.network.NetworkView network, io.transferbench.api.network.ConvLayerInfo layer) {
            return new double[layer.filters()];
        }
    }

    static final class SeededMetricFactory implements ImportanceMetricFactory {
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
            return new SeededMetric(parameters.seed());
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

    @Test
    void aStageInsertedBeforeLeavesTheSeedAsItWas() throws Exception {
        StageComponent<ImportanceMetric> alone = transferStage("").importance();
        StageComponent<ImportanceMetric> afterAnother = transferStage("  - {type: evaluate, networks: [a]}").importance();
        assertEquals(alone.seed(), afterAnother.seed());
        assertEquals(((SeededMetric) alone.createFor("a")).seed(), ((SeededMetric) afterAnother.createFor("a")).seed());
    }

    @Test
    void eachNetworkHasItsOwnStream() throws Exception {
        StageComponent<ImportanceMetric> metric = transferStage("").importance();
        long a = ((SeededMetric) metric.createFor("a")).seed();
        long b = ((SeededMetric) metric.createFor("b")).seed();
        assertNotEquals(a, b);
        assertEquals(a, ((SeededMetric) metric.createFor("a")).seed(), "the same network, the same stream");
        assertNotEquals(metric.seed(), transferStage("").frequency().rule().seed(), "another key, another seed");
    }
}
