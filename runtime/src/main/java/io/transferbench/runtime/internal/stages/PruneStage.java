package io.transferbench.runtime.internal.stages;

import io.transferbench.api.compression.CompressionController;
import io.transferbench.api.compression.CompressionDecision;
import io.transferbench.api.compression.CompressionState;
import io.transferbench.api.event.CompressionStepCompletedEvent;
import io.transferbench.api.event.PruningStepCompletedEvent;
import io.transferbench.api.importance.ImportanceMetric;
import io.transferbench.api.network.ConvLayerInfo;
import io.transferbench.runtime.internal.data.TaskData;
import io.transferbench.runtime.internal.descriptor.ResolvedComponent;
import io.transferbench.runtime.internal.descriptor.Section;
import io.transferbench.runtime.internal.engine.Batches;
import io.transferbench.runtime.internal.engine.Dl4jNetworkView;
import io.transferbench.runtime.internal.engine.FilterSurgery;
import io.transferbench.runtime.internal.engine.ModelBuilder;
import io.transferbench.runtime.internal.engine.NetworkCost;
import io.transferbench.runtime.internal.engine.Trainer;
import io.transferbench.runtime.internal.engine.TrainingSettings;
import io.transferbench.runtime.internal.pipeline.StageContext;
import io.transferbench.runtime.internal.pipeline.StageExecutor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code prune} (SPEC.md section 6): a copy of a trained network is compressed step by step as its
 * controller decides, then retrained for the stage's epochs. A trial masks filters in a copy and
 * measures it on the search images (a seeded subset of the training split); a removal takes filters
 * out physically, layer by layer, each layer an event with parameters, FLOPs and evaluation accuracy
 * before and after, then retrains if the controller asks. The result is a smaller, standalone DL4J
 * network under the stage's {@code network} name.
 */
public final class PruneStage implements StageExecutor {

    /** A controller that never finishes is a bug; this many steps is far beyond any real search. */
    private static final int MAX_STEPS = 10_000_000;

    @Override
    public String type() {
        return "prune";
    }

    @Override
    public void run(StageContext context) throws Exception {
        CompressionSupport.changeAndRetrain(context, PruneStage::compress);
    }

    /** Everything the compression loop works with. */
    private record Setting(StageContext context, String network, TaskData task, ModelBuilder.InputShape input,
                           NetworkCost baseline, Batches probe, Batches eval, Batches search, ImportanceMetric metric,
                           String controllerId, TrainingSettings training, long seed) {

        Dl4jNetworkView view(MultiLayerNetwork net) {
            return new Dl4jNetworkView(network, net, probe, eval);
        }
    }

    private static MultiLayerNetwork compress(StageContext context, String name, TaskData task,
                                              TrainingSettings training, long seed) {
        Section stage = context.stage();
        MultiLayerNetwork current = CompressionSupport.sourceCopy(context, task);
        ModelBuilder.InputShape input = TrainingLoop.inputShape(task);
        ResolvedComponent controllerComponent = stage.component("controller");
        Setting s = new Setting(context, name, task, input, NetworkCost.of(current, input),
                new Batches(task.train(), false), new Batches(task.eval(), false),
                new Batches(CompressionSupport.searchImages(task.train(), (int) stage.integer("search-images"), seed), false),
                (ImportanceMetric) stage.component("importance").create(), controllerComponent.id(), training, seed);
        CompressionController controller = (CompressionController) controllerComponent.create();

        double baselineAccuracy = Trainer.evaluate(current, s.search()).accuracy();
        Map<String, double[]> importance = CompressionSupport.scores(s.metric(), s.view(current));
        CompressionState state = state(s, 0, current, importance, allKept(current, s), baselineAccuracy, baselineAccuracy);
        int removals = 0;
        for (int step = 0; step < MAX_STEPS; step++) {
            CompressionDecision decision = controller.decide(state);
            List<ConvLayerInfo> layers = state.network().convLayers();
            Map<String, int[]> filters = checked(decision, layers);
            CompressionState after;
            if (decision.action() == CompressionDecision.Action.TRY) {
                Map<String, boolean[]> masks = masks(layers, filters);
                MultiLayerNetwork trial = current.clone();
                filters.forEach((layer, off) -> FilterSurgery.maskFilters(trial, layer, off));
                double accuracy = Trainer.evaluate(trial, s.search()).accuracy();
                after = state(s, step + 1, current, importance, masks, accuracy, baselineAccuracy);
            } else {
                removals++;
                current = remove(s, current, layers, filters, removals);
                if (decision.retrainEpochs() > 0) {
                    current = retrain(s, current, decision.retrainEpochs(), removals);
                }
                if (!decision.finished()) {
                    importance = CompressionSupport.scores(s.metric(), s.view(current));
                }
                double accuracy = Trainer.evaluate(current, s.search()).accuracy();
                after = state(s, step + 1, current, importance, allKept(current, s), accuracy, baselineAccuracy);
            }
            int count = filters.values().stream().mapToInt(f -> f.length).sum();
            context.publish(new CompressionStepCompletedEvent(context.stageName(), name, step, s.controllerId(),
                    decision.action().name(), count, after.compressionRate(), after.flopsReduction(), after.accuracy(),
                    decision.diagnostics()));
            controller.observe(state, decision, after);
            state = after;
            if (decision.finished()) {
                return current;
            }
        }
        throw new IllegalStateException("compression controller '" + s.controllerId() + "' did not finish in "
                + MAX_STEPS + " steps");
    }

    private static CompressionState state(Setting s, int step, MultiLayerNetwork net, Map<String, double[]> importance,
                                          Map<String, boolean[]> masks, double accuracy, double baselineAccuracy) {
        CompressionState.CostModel cost = new CompressionState.CostModel() {
            @Override
            public double compressionRate(Map<String, boolean[]> m) {
                return 1 - (double) NetworkCost.of(net, s.input(), m).parameters() / s.baseline().parameters();
            }

            @Override
            public double flopsReduction(Map<String, boolean[]> m) {
                return 1 - (double) NetworkCost.of(net, s.input(), m).flops() / s.baseline().flops();
            }
        };
        return new CompressionState(step, s.view(net), importance, masks, accuracy, baselineAccuracy,
                cost.compressionRate(masks), cost.flopsReduction(masks), cost);
    }

    private static Map<String, boolean[]> allKept(MultiLayerNetwork net, Setting s) {
        return masks(s.view(net).convLayers(), Map.of());
    }

    private static Map<String, boolean[]> masks(List<ConvLayerInfo> layers, Map<String, int[]> off) {
        Map<String, boolean[]> masks = new LinkedHashMap<>();
        for (ConvLayerInfo layer : layers) {
            boolean[] kept = new boolean[layer.filters()];
            java.util.Arrays.fill(kept, true);
            for (int f : off.getOrDefault(layer.name(), new int[0])) {
                kept[f] = false;
            }
            masks.put(layer.name(), kept);
        }
        return masks;
    }

    /**
     * Removes the filters layer by layer in forward order, each layer's removal an event with the
     * network's parameters, FLOPs and evaluation accuracy before and after it.
     */
    private static MultiLayerNetwork remove(Setting s, MultiLayerNetwork net, List<ConvLayerInfo> layers,
                                            Map<String, int[]> filters, int removal) {
        MultiLayerNetwork current = net;
        NetworkCost cost = NetworkCost.of(current, s.input());
        double accuracy = Trainer.evaluate(current, s.eval()).accuracy();
        for (ConvLayerInfo layer : layers) {
            int[] gone = filters.getOrDefault(layer.name(), new int[0]);
            if (gone.length == 0) {
                continue;
            }
            MultiLayerNetwork smaller = FilterSurgery.removeFilters(current, Map.of(layer.name(), gone));
            NetworkCost after = NetworkCost.of(smaller, s.input());
            double accuracyAfter = Trainer.evaluate(smaller, s.eval()).accuracy();
            s.context().publish(new PruningStepCompletedEvent(s.context().stageName(), s.network(), removal, layer.name(),
                    layer.filters(), java.util.Arrays.stream(gone).boxed().toList(), cost.parameters(), after.parameters(), cost.flops(),
                    after.flops(), accuracy, accuracyAfter));
            current = smaller;
            cost = after;
            accuracy = accuracyAfter;
        }
        return current;
    }

    /** Training between removals, published as the network {@code <network>/step-<n>}. */
    private static MultiLayerNetwork retrain(Setting s, MultiLayerNetwork net, int epochs, int removal) {
        TrainingSettings t = s.training();
        TrainingSettings between = new TrainingSettings(epochs, t.batchSize(), t.optimizer(), t.learningRate(),
                t.momentum(), t.weightDecay(), t.schedule());
        MultiLayerNetwork trainable = CompressionSupport.retrainable(net, between, s.seed());
        Batches train = new Batches(s.task().train(), TrainingLoop.augment(s.context(),
                s.context().pipeline().networks().get(s.network()).string("task")));
        String label = s.network() + "/step-" + removal;
        for (int epoch = 1; epoch <= epochs; epoch++) {
            TrainingLoop.epoch(s.context(), label, trainable, train, s.eval(), between, epoch, s.seed() + 7919L * removal);
        }
        return trainable;
    }

    /** The decision's filters as arrays, checked against the network so a faulty controller fails loudly. */
    private static Map<String, int[]> checked(CompressionDecision decision, List<ConvLayerInfo> layers) {
        Map<String, ConvLayerInfo> byName = new LinkedHashMap<>();
        layers.forEach(l -> byName.put(l.name(), l));
        Map<String, int[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<Integer>> e : decision.filters().entrySet()) {
            ConvLayerInfo layer = byName.get(e.getKey());
            if (layer == null) {
                throw new IllegalStateException("compression controller named layer '" + e.getKey()
                        + "', which the network does not have; its conv layers: " + byName.keySet());
            }
            Set<Integer> seen = new HashSet<>();
            for (int f : e.getValue()) {
                if (f < 0 || f >= layer.filters() || !seen.add(f)) {
                    throw new IllegalStateException("compression controller chose filter " + f + " of layer "
                            + layer.name() + " (" + layer.filters() + " filters) " + (f >= 0 && f < layer.filters()
                            ? "twice" : "out of range"));
                }
            }
            if (seen.size() >= layer.filters()) {
                throw new IllegalStateException("compression controller chose all " + layer.filters()
                        + " filters of layer " + layer.name() + "; at least one must stay");
            }
            out.put(e.getKey(), e.getValue().stream().mapToInt(Integer::intValue).toArray());
        }
        return out;
    }
}
