package io.transferbench.runtime.internal.stages;

import io.transferbench.api.compression.CompressionController;
import io.transferbench.api.compression.CompressionDecision;
import io.transferbench.api.compression.CompressionState;
import io.transferbench.api.event.CompressionStepCompletedEvent;
import io.transferbench.api.event.PruningStepCompletedEvent;
import io.transferbench.api.importance.ImportanceMetric;
import io.transferbench.api.network.ConvLayerInfo;
import io.transferbench.runtime.internal.data.TaskData;
import io.transferbench.runtime.internal.descriptor.Fields;
import io.transferbench.runtime.internal.descriptor.StageSchema;
import io.transferbench.runtime.internal.engine.BatchNormAdaptation;
import io.transferbench.runtime.internal.engine.Batches;
import io.transferbench.runtime.internal.engine.Dl4jNetworkView;
import io.transferbench.runtime.internal.engine.FilterSurgery;
import io.transferbench.runtime.internal.engine.ModelBuilder;
import io.transferbench.runtime.internal.engine.NetworkCost;
import io.transferbench.runtime.internal.engine.Trainer;
import io.transferbench.runtime.internal.engine.TrainingSettings;
import io.transferbench.runtime.internal.pipeline.StageComponent;
import io.transferbench.runtime.internal.pipeline.StageContext;
import io.transferbench.runtime.internal.pipeline.StageDeclaration;
import io.transferbench.runtime.internal.pipeline.StageType;
import io.transferbench.runtime.internal.plugins.ComponentKind;
import io.transferbench.runtime.internal.report.Charts;
import io.transferbench.runtime.internal.report.RunReport;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static io.transferbench.runtime.internal.descriptor.Fields.component;
import static io.transferbench.runtime.internal.descriptor.Fields.integer;
import static io.transferbench.runtime.internal.descriptor.Fields.reference;
import static io.transferbench.runtime.internal.descriptor.Fields.required;
import static io.transferbench.runtime.internal.descriptor.Fields.withDefault;

/**
 * {@code prune} (SPEC.md section 6): a copy of a trained network is compressed step by step as its
 * controller decides, then retrained for the stage's epochs. A trial masks filters in a copy and
 * measures it on the search images (a seeded subset of the training split); a removal takes filters
 * out physically, layer by layer, each layer an event with parameters, FLOPs and evaluation accuracy
 * before and after, then retrains if the controller asks. The result is a smaller, standalone DL4J
 * network under the stage's {@code network} name.
 */
public final class PruneStage implements StageType<PruneStage.Settings> {

    /** A controller that never finishes is a bug; this many steps is far beyond any real search. */
    private static final int MAX_STEPS = 10_000_000;

    /**
     * The source, the metric and controller, how many training images trials are measured on, and how a
     * candidate is prepared before it is measured.
     *
     * @param adaptationBatches       training batches its batch-norm statistics are re-estimated from (0: none)
     * @param candidateRetrainBatches training batches a masked trial is trained for, masks kept (0: none)
     */
    public record Settings(CompressionSupport.Source source, StageComponent<ImportanceMetric> importance,
                           StageComponent<CompressionController> controller, int searchImages, int adaptationBatches,
                           int candidateRetrainBatches) {
    }

    @Override
    public StageSchema schema() {
        return new StageSchema("prune", "Compress a copy of a trained network as a compression controller decides: "
                + "trials mask filters, removals take them out physically (the next layer loses the matching "
                + "inputs); then retrain for the stage's epochs.", Fields.concat(List.of(
                required("from", reference("The trained network that is compressed (it stays as it was).", "networks")),
                required("network", reference("The compressed network: its entry gives the task it is retrained "
                        + "and evaluated on (the source's task, or one with as many classes).", "networks")),
                withDefault("importance", component("The filter importance metric that ranks filters for the controller.",
                        ComponentKind.IMPORTANCE_METRIC), "hrank"),
                withDefault("controller", component("The compression controller: one-shot, iterative or rl.",
                        ComponentKind.COMPRESSION_CONTROLLER), "one-shot"),
                withDefault("search-images", integer("Training images (a seeded random subset) on which trials and steps "
                        + "are measured, so the evaluation split stays unseen.", 10.0, null), 1000L),
                withDefault("adaptive-bn-batches", integer("Adaptive batch norm (EagleEye): before a masked trial or a "
                        + "pruned network is measured, its batch-norm running statistics are re-estimated, in a copy, "
                        + "from this many training batches of the stage's batch size (no weight changes); 0 measures it "
                        + "with the statistics it inherited from the unpruned network.", 0.0, 100000.0), 10L),
                withDefault("candidate-retrain-batches", integer("Training batches each masked trial is trained for, "
                        + "masks kept, before it is measured (the report's \"the recognizer retrains with the mask\"); "
                        + "0: none. Costly: every trial trains.", 0.0, 1000000.0), 0L)),
                TrainingLoop.Training.retrainingFields()), List.of(Fields::checkSourceDiffers));
    }

    @Override
    public Settings settings(StageDeclaration stage) {
        return new Settings(CompressionSupport.Source.of(stage), stage.component("importance", ImportanceMetric.class),
                stage.component("controller", CompressionController.class),
                (int) stage.section().integer("search-images"), (int) stage.section().integer("adaptive-bn-batches"),
                (int) stage.section().integer("candidate-retrain-batches"));
    }

    @Override
    public List<StageComponent<?>> components(Settings s) {
        return List.of(s.importance(), s.controller());
    }

    @Override
    public void run(Settings s, StageContext context) throws Exception {
        CompressionSupport.changeAndRetrain(context, s.source(), (c, task, seed) -> compress(c, s, task, seed));
    }

    @Override
    public Optional<RunReport.Section> report() {
        return Optional.of(PruneStage::compressionReport);
    }

    /** Everything the compression loop works with. */
    private record Setting(StageContext context, String network, TaskData task, ModelBuilder.InputShape input,
                           NetworkCost baseline, Batches probe, Batches eval, Batches search, ImportanceMetric metric,
                           String metricId, String controllerId, TrainingSettings training, long seed,
                           int adaptationBatches, int candidateRetrainBatches) {

        Dl4jNetworkView view(MultiLayerNetwork net) {
            return new Dl4jNetworkView(network, net, probe, eval);
        }

        /**
         * {@code candidate}'s accuracy on {@code on}, its batch-norm statistics re-estimated first (in a copy when
         * {@code inPlace} is false); every candidate from the same training batches, so they compare fairly.
         */
        Measured measure(MultiLayerNetwork candidate, Batches on, boolean inPlace) {
            if (adaptationBatches == 0) {
                return new Measured(Trainer.evaluate(candidate, on).accuracy(), 0);
            }
            MultiLayerNetwork adapted = inPlace ? candidate : candidate.clone();
            int used = BatchNormAdaptation.adapt(adapted, probe, adaptationBatches, training.batchSize(), seed ^ 0xADA9L);
            return new Measured(Trainer.evaluate(adapted, on).accuracy(), used);
        }
    }

    /** An accuracy and the batches its batch-norm statistics were re-estimated from. */
    private record Measured(double accuracy, int adaptationBatches) {
    }

    private static MultiLayerNetwork compress(StageContext context, Settings settings, TaskData task, long seed) {
        String name = settings.source().network();
        MultiLayerNetwork current = CompressionSupport.sourceCopy(context, settings.source(), task);
        ModelBuilder.InputShape input = TrainingLoop.inputShape(task);
        Setting s = new Setting(context, name, task, input, NetworkCost.of(current, input),
                new Batches(task.train(), false), new Batches(task.eval(), false),
                new Batches(CompressionSupport.searchImages(task.train(), settings.searchImages(), seed), false),
                settings.importance().createFor(name), settings.importance().id(), settings.controller().id(),
                settings.source().training().settings(), seed, settings.adaptationBatches(),
                settings.candidateRetrainBatches());
        CompressionController controller = settings.controller().createFor(name);

        double baselineAccuracy = Trainer.evaluate(current, s.search()).accuracy();
        Map<String, double[]> importance = CompressionSupport.scores(s.metric(), s.metricId(), s.view(current));
        CompressionState state = state(s, 0, current, importance, allKept(current, s), baselineAccuracy, baselineAccuracy);
        int removals = 0;
        for (int step = 0; step < MAX_STEPS; step++) {
            CompressionDecision decision = controller.decide(state);
            List<ConvLayerInfo> layers = state.network().convLayers();
            Map<String, int[]> filters = checked(s.controllerId(), decision, layers);
            CompressionState after;
            Measured measured;
            int retrained = 0;
            double beforeRetraining = Double.NaN;
            double inherited = Double.NaN;
            if (decision.action() == CompressionDecision.Action.TRY) {
                Map<String, boolean[]> masks = masks(layers, filters);
                MultiLayerNetwork trial = current.clone();
                filters.forEach((layer, off) -> FilterSurgery.maskFilters(trial, layer, off));
                MultiLayerNetwork candidate = trial;
                if (s.candidateRetrainBatches() > 0) {
                    inherited = Trainer.evaluate(trial, s.search()).accuracy();
                    beforeRetraining = s.adaptationBatches() == 0 ? inherited : s.measure(trial, s.search(), false).accuracy();
                    candidate = CompressionSupport.retrainable(trial, s.training(), s.seed());
                    MultiLayerNetwork masked = candidate;
                    retrained = Trainer.trainBatches(candidate, s.probe(), s.training().batchSize(),
                            s.candidateRetrainBatches(), s.seed() + step,
                            () -> filters.forEach((layer, off) -> FilterSurgery.maskFilters(masked, layer, off)));
                }
                measured = s.measure(candidate, s.search(), true); // the trial is a copy already
                after = state(s, step + 1, current, importance, masks, measured.accuracy(), baselineAccuracy);
            } else {
                removals++;
                current = remove(s, current, layers, filters, removals);
                if (decision.retrainEpochs() > 0) {
                    current = retrain(s, current, decision.retrainEpochs(), removals);
                }
                if (!decision.finished()) {
                    importance = CompressionSupport.scores(s.metric(), s.metricId(), s.view(current));
                }
                measured = s.measure(current, s.search(), false);
                after = state(s, step + 1, current, importance, allKept(current, s), measured.accuracy(), baselineAccuracy);
            }
            int count = filters.values().stream().mapToInt(f -> f.length).sum();
            context.publish(new CompressionStepCompletedEvent(context.stageName(), name, step, s.controllerId(),
                    decision.action(), count, after.compressionRate(), after.flopsReduction(), after.accuracy(),
                    decision.diagnostics(), measured.adaptationBatches(), retrained, beforeRetraining, inherited));
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
            Measured measured = s.measure(smaller, s.eval(), false);
            double accuracyAfter = measured.accuracy();
            s.context().publish(new PruningStepCompletedEvent(s.context().stageName(), s.network(), removal, layer.name(),
                    layer.filters(), java.util.Arrays.stream(gone).boxed().toList(), cost.parameters(), after.parameters(), cost.flops(),
                    after.flops(), accuracy, accuracyAfter, measured.adaptationBatches()));
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
        Batches train = new Batches(s.task().train(), TrainingLoop.augment(s.context(), s.task().name()));
        String label = s.network() + "/step-" + removal;
        for (int epoch = 1; epoch <= epochs; epoch++) {
            TrainingLoop.epoch(s.context(), label, trainable, train, s.eval(), between, epoch, s.seed() + 7919L * removal);
        }
        return trainable;
    }

    /** The decision's filters as arrays, checked against the network so a faulty controller fails loudly. */
    private static Map<String, int[]> checked(String controllerId, CompressionDecision decision, List<ConvLayerInfo> layers) {
        if (decision == null || decision.filters() == null || decision.action() == null) {
            throw new IllegalStateException("compression controller '" + controllerId + "' returned "
                    + (decision == null ? "no decision" : "a decision without filters or action"));
        }
        Map<String, ConvLayerInfo> byName = new LinkedHashMap<>();
        layers.forEach(l -> byName.put(l.name(), l));
        Map<String, int[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<Integer>> e : decision.filters().entrySet()) {
            ConvLayerInfo layer = byName.get(e.getKey());
            if (layer == null) {
                throw new IllegalStateException("compression controller '" + controllerId + "' named layer '" + e.getKey()
                        + "', which the network does not have; its conv layers: " + byName.keySet());
            }
            Set<Integer> seen = new HashSet<>();
            for (int f : e.getValue()) {
                if (f < 0 || f >= layer.filters() || !seen.add(f)) {
                    throw new IllegalStateException("compression controller '" + controllerId + "' chose filter " + f + " of layer "
                            + layer.name() + " (" + layer.filters() + " filters) " + (f >= 0 && f < layer.filters()
                            ? "twice" : "out of range"));
                }
            }
            if (seen.size() >= layer.filters()) {
                throw new IllegalStateException("compression controller '" + controllerId + "' chose all " + layer.filters()
                        + " filters of layer " + layer.name() + "; at least one must stay");
            }
            out.put(e.getKey(), e.getValue().stream().mapToInt(Integer::intValue).toArray());
        }
        return out;
    }

    /** Accuracy against compression rate over the controller's steps, and filters per layer before and after. */
    private static void compressionReport(RunReport.StageEvents stage, StringBuilder b) {
        List<CompressionStepCompletedEvent> steps = stage.of(CompressionStepCompletedEvent.class);
        List<PruningStepCompletedEvent> removals = stage.of(PruningStepCompletedEvent.class);
        if (steps.isEmpty() && removals.isEmpty()) {
            return;
        }
        if (!steps.isEmpty()) {
            XYChart chart = Charts.xy(stage.name() + ": accuracy against compression rate", "parameters removed %",
                    "accuracy on the search images");
            // fixed ranges: a single removal point would otherwise get a degenerate axis
            chart.getStyler().setXAxisMin(0.0).setXAxisMax(100.0).setYAxisMin(0.0).setYAxisMax(1.0);
            for (CompressionDecision.Action action : CompressionDecision.Action.values()) {
                List<CompressionStepCompletedEvent> of = steps.stream().filter(s -> s.action() == action).toList();
                if (!of.isEmpty()) {
                    Charts.points(chart, action == CompressionDecision.Action.TRY ? "trials (masked)" : "after removal",
                            of.stream().map(s -> 100 * s.compressionRate()).toList(),
                            of.stream().map(CompressionStepCompletedEvent::accuracy).toList());
                }
            }
            b.append(Charts.explorable(chart, stage.name() + " accuracy against compression rate"));
        }
        if (!removals.isEmpty()) {
            Map<String, Integer> before = new LinkedHashMap<>();
            Map<String, Integer> removed = new LinkedHashMap<>();
            for (PruningStepCompletedEvent r : removals) {
                before.putIfAbsent(r.layer(), r.filtersBefore());
                removed.merge(r.layer(), r.removedFilters().size(), Integer::sum);
            }
            if (!before.isEmpty()) {
                List<String> layers = new ArrayList<>(before.keySet());
                CategoryChart chart = Charts.bars(stage.name() + ": filters per conv layer", "conv layer", "filters");
                chart.addSeries("before", layers, layers.stream().map(l -> (Number) before.get(l)).toList());
                chart.addSeries("after", layers, layers.stream().map(l -> (Number) (before.get(l)
                        - removed.getOrDefault(l, 0))).toList());
                b.append(Charts.img(chart, stage.name() + " filters per conv layer before and after"));
            }
            PruningStepCompletedEvent first = removals.get(0);
            PruningStepCompletedEvent last = removals.get(removals.size() - 1);
            long p0 = first.parametersBefore();
            long p1 = last.parametersAfter();
            long f0 = first.flopsBefore();
            long f1 = last.flopsAfter();
            b.append(String.format(Locale.ROOT, "<table><tr><th></th><th>parameters</th><th>FLOPs (multiply-adds)</th>"
                            + "<th>evaluation accuracy</th></tr><tr><td>before</td><td class=\"n\">%,d</td><td class=\"n\">%,d</td>"
                            + "<td class=\"n\">%.4f</td></tr><tr><td>after removal</td><td class=\"n\">%,d</td>"
                            + "<td class=\"n\">%,d</td><td class=\"n\">%.4f</td></tr><tr><td>removed</td><td class=\"n\">%.2f %%</td>"
                            + "<td class=\"n\">%.2f %%</td><td></td></tr></table>%n", p0, f0,
                    first.accuracyBefore(), p1, f1, last.accuracyAfter(),
                    100.0 * (p0 - p1) / p0, 100.0 * (f0 - f1) / f0));
        }
    }
}
