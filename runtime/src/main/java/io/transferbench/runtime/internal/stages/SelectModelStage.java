package io.transferbench.runtime.internal.stages;

import io.transferbench.api.event.ExpertFinetunedEvent;
import io.transferbench.api.event.ModelSelectedEvent;
import io.transferbench.api.event.SelectionMeasuredEvent;
import io.transferbench.api.network.Evaluation;
import io.transferbench.api.selection.MetaTask;
import io.transferbench.api.selection.ModelSelector;
import io.transferbench.api.selection.Selection;
import io.transferbench.api.selection.SelectionProblem;
import io.transferbench.api.selection.TaskDistance;
import io.transferbench.runtime.internal.data.TaskData;
import io.transferbench.runtime.internal.descriptor.DescriptorProblem;
import io.transferbench.runtime.internal.descriptor.Fields;
import io.transferbench.runtime.internal.descriptor.Location;
import io.transferbench.runtime.internal.descriptor.PipelineDescriptor;
import io.transferbench.runtime.internal.descriptor.Section;
import io.transferbench.runtime.internal.descriptor.StageSchema;
import io.transferbench.runtime.internal.engine.Batches;
import io.transferbench.runtime.internal.engine.ClassifierInputs;
import io.transferbench.runtime.internal.engine.Dl4jEngine;
import io.transferbench.runtime.internal.engine.Trainer;
import io.transferbench.runtime.internal.pipeline.StageComponent;
import io.transferbench.runtime.internal.pipeline.StageContext;
import io.transferbench.runtime.internal.pipeline.StageDeclaration;
import io.transferbench.runtime.internal.pipeline.StageType;
import io.transferbench.runtime.internal.plugins.ComponentKind;
import io.transferbench.runtime.internal.plugins.PluginCalls;
import io.transferbench.runtime.internal.report.RunReport;
import org.apache.commons.math3.stat.correlation.KendallsCorrelation;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static io.transferbench.runtime.internal.descriptor.Fields.component;
import static io.transferbench.runtime.internal.descriptor.Fields.flag;
import static io.transferbench.runtime.internal.descriptor.Fields.integer;
import static io.transferbench.runtime.internal.descriptor.Fields.optional;
import static io.transferbench.runtime.internal.descriptor.Fields.reference;
import static io.transferbench.runtime.internal.descriptor.Fields.required;
import static io.transferbench.runtime.internal.descriptor.Fields.text;
import static io.transferbench.runtime.internal.descriptor.Fields.withDefault;

/**
 * {@code select-model}: model selection from a library of experts (networks trained on source tasks). For each
 * target task every selector scores the experts before any is fine-tuned on it; the best-scoring one is fine-tuned
 * (new head, the stage's training settings) and measured on the target's test split, against the oracle (every
 * expert fine-tuned, the best one), a generic network trained on everything, and a random choice's expectation.
 * Writes {@code selection.csv}.
 */
public final class SelectModelStage implements StageType<SelectModelStage.Settings> {

    /**
     * @param embeddings the embed-tasks stage whose embeddings the selectors see, if any
     * @param images     target training images the features and predictions are computed on
     */
    public record Settings(List<String> experts, List<String> targets, Optional<String> embeddings,
                           StageComponent<TaskDistance> distance, List<StageComponent<ModelSelector>> selectors,
                           Optional<String> generic, boolean oracle, int images, TrainingLoop.Training training,
                           Location where) {
    }

    @Override
    public StageSchema schema() {
        return new StageSchema("select-model", "Choose which expert of a library to fine-tune on each target task, "
                + "with every selector, and measure the choice against the oracle, a generic network and random "
                + "choice.", Fields.concat(List.of(
                required("experts", Fields.networks("The library: networks trained on their source tasks by earlier "
                        + "stages.", 2)),
                required("targets", Fields.tasks("The target tasks.", 1)),
                required("selectors", Fields.components("The model selectors, each choosing on its own.",
                        ComponentKind.MODEL_SELECTOR, 1)),
                optional("embeddings", text("The embed-tasks stage (by name) whose embeddings the selectors see; it "
                        + "must have embedded every expert's task and every target.")),
                withDefault("distance", component("The task distance task2vec and model2vec use.",
                        ComponentKind.TASK_DISTANCE), "cosine"),
                optional("generic", reference("A network trained on everything, fine-tuned on each target like the "
                        + "experts as the reference a library must beat; never chosen.", "networks")),
                withDefault("oracle", flag("Fine-tune every expert on every target: the best expert, each selector's "
                        + "rank correlation, the random expectation and model2vec's meta tasks need it."), true),
                withDefault("images", integer("Target training images (the first of a seeded shuffle) the "
                        + "selectors' features and predictions are computed on.", 2.0, 1_000_000.0), 1000L)),
                Fields.withDefault(TrainingLoop.Training.fields(), "learning-rate", 0.001)), List.of());
    }

    @Override
    public Settings settings(StageDeclaration stage) {
        Section s = stage.section();
        return new Settings(s.scalars("experts").stream().map(String.class::cast).toList(),
                s.scalars("targets").stream().map(String.class::cast).toList(), s.optionalString("embeddings"),
                stage.component("distance", TaskDistance.class), stage.components("selectors", ModelSelector.class),
                s.optionalString("generic"), s.flag("oracle"), (int) s.integer("images"),
                TrainingLoop.Training.of(s), s.location());
    }

    @Override
    public List<StageComponent<?>> components(Settings s) {
        List<StageComponent<?>> out = new ArrayList<>(s.selectors());
        out.add(s.distance());
        return out;
    }

    @Override
    public List<String> warnings(Settings s) {
        List<String> out = new ArrayList<>();
        if (!s.oracle()) {
            out.add("oracle: false: only the chosen experts are fine-tuned, so there is no oracle, rank correlation, "
                    + "random expectation or meta task for model2vec");
        }
        return out;
    }

    @Override
    public List<DescriptorProblem> problems(Settings s, StageDeclaration stage) {
        Section section = stage.section();
        List<DescriptorProblem> out = new ArrayList<>();
        if (s.generic().isPresent() && s.experts().contains(s.generic().get())) {
            out.add(new DescriptorProblem(section.location("generic"), section.path() + ".generic", "network '"
                    + s.generic().get() + "' is an expert too; the generic network is the reference outside the library"));
        }
        if (s.embeddings().isEmpty()) {
            return out;
        }
        String name = s.embeddings().get();
        List<Section> stages = stage.pipeline().stages();
        for (int i = 0; i < stages.size(); i++) {
            if (!PipelineDescriptor.stageName(stages.get(i), i).equals(name)) {
                continue;
            }
            if (!stages.get(i).string("type").equals("embed-tasks") || i >= stage.index()) {
                break;
            }
            Set<String> needed = new LinkedHashSet<>();
            s.experts().forEach(e -> needed.add(stage.taskOf(e)));
            needed.addAll(s.targets());
            List<Object> embedded = stages.get(i).scalars("tasks");
            needed.removeIf(embedded::contains);
            if (!needed.isEmpty()) {
                out.add(new DescriptorProblem(section.location("embeddings"), section.path() + ".embeddings", "stage '"
                        + name + "' does not embed " + needed + " (the experts' source tasks and the targets); add "
                        + "them to its tasks"));
            }
            return out;
        }
        out.add(new DescriptorProblem(section.location("embeddings"), section.path() + ".embeddings", "'" + name
                + "' is not an embed-tasks stage before this one; name one (stages are named by 'name', or by "
                + "type and position)"));
        return out;
    }

    // ------------------------------------------------------------------ running

    /** Fine-tuned accuracies by target and network, filled as networks are fine-tuned. */
    private static final class Measured {
        private final Map<String, Map<String, Double>> accuracy = new HashMap<>();

        Optional<Double> get(String target, String network) {
            return Optional.ofNullable(accuracy.getOrDefault(target, Map.of()).get(network));
        }

        void put(String target, String network, double value) {
            accuracy.computeIfAbsent(target, t -> new HashMap<>()).put(network, value);
        }

        /** Every expert's accuracy on the target, or empty when one is missing. */
        Optional<double[]> all(String target, List<String> experts) {
            double[] out = new double[experts.size()];
            for (int i = 0; i < out.length; i++) {
                Optional<Double> a = get(target, experts.get(i));
                if (a.isEmpty()) {
                    return Optional.empty();
                }
                out[i] = a.get();
            }
            return Optional.of(out);
        }
    }

    @Override
    public void run(Settings s, StageContext context) throws Exception {
        Dl4jEngine.start();
        Map<String, Model> library = new java.util.LinkedHashMap<>();
        for (String e : s.experts()) {
            library.put(e, TrainingLoop.trainedOrFail(context, e, s.where()));
        }
        Optional<Model> generic = s.generic().map(g -> TrainingLoop.trainedOrFail(context, g, s.where()));
        Optional<TaskEmbeddingsFile.Embeddings> embeddings = s.embeddings()
                .map(name -> TaskEmbeddingsFile.read(context.runFolder(), name));
        Measured measured = new Measured();
        if (s.oracle()) {
            for (String target : s.targets()) {
                for (String expert : s.experts()) {
                    finetune(context, s, measured, target, expert, library.get(expert), "expert");
                }
            }
        }
        List<String[]> rows = new ArrayList<>();
        for (String target : s.targets()) {
            if (generic.isPresent()) {
                finetune(context, s, measured, target, s.generic().get(), generic.get(), "generic");
            }
            Problem problem = new Problem(context, s, target, library, embeddings, measured);
            for (StageComponent<ModelSelector> selector : s.selectors()) {
                long begin = System.nanoTime();
                Selection selection = selector.create().select(problem);
                double seconds = (System.nanoTime() - begin) / 1e9;
                double[] scores = selection.scores();
                if (scores.length != s.experts().size()) {
                    throw new IllegalStateException(selector.key() + " (" + selector.id() + ") scored " + scores.length
                            + " experts; the library has " + s.experts().size());
                }
                int best = 0;
                for (int i = 1; i < scores.length; i++) {
                    if (scores[i] > scores[best]) {
                        best = i;
                    }
                }
                String chosen = s.experts().get(best);
                List<Double> scoreList = new ArrayList<>();
                for (double v : scores) {
                    scoreList.add(v);
                }
                context.publish(new ModelSelectedEvent(context.stageName(), target, selector.key(), selector.id(),
                        s.experts(), scoreList, chosen, selection.how(), seconds));
                double chosenAccuracy = finetune(context, s, measured, target, chosen, library.get(chosen), "expert");
                SelectionMeasuredEvent result = measure(context, s, measured, target, selector, chosen, chosenAccuracy,
                        scores);
                context.publish(result);
                rows.add(row(result));
            }
        }
        writeCsv(context.runFolder(), context.stageName(), rows);
    }

    private static SelectionMeasuredEvent measure(StageContext context, Settings s, Measured measured, String target,
                                                  StageComponent<ModelSelector> selector, String chosen,
                                                  double chosenAccuracy, double[] scores) {
        Optional<double[]> all = measured.all(target, s.experts());
        String oracle = "";
        double oracleAccuracy = Double.NaN;
        double random = Double.NaN;
        double tau = Double.NaN;
        if (all.isPresent()) {
            double[] a = all.get();
            int best = 0;
            double sum = 0;
            for (int i = 0; i < a.length; i++) {
                sum += a[i];
                if (a[i] > a[best]) {
                    best = i;
                }
            }
            oracle = s.experts().get(best);
            oracleAccuracy = a[best];
            random = sum / a.length;
            tau = kendallTau(scores, a);
        }
        double genericAccuracy = s.generic().flatMap(g -> measured.get(target, g)).orElse(Double.NaN);
        return new SelectionMeasuredEvent(context.stageName(), target, selector.key(), selector.id(), chosen,
                chosenAccuracy, oracle, oracleAccuracy, genericAccuracy, random, tau);
    }

    /** Kendall's tau-b (ties in either ranking allowed); NaN when either side is constant. */
    static double kendallTau(double[] scores, double[] accuracies) {
        return new KendallsCorrelation().correlation(scores, accuracies);
    }

    /** Fine-tunes {@code network} on the target once per target (later calls reuse the measurement). */
    private static double finetune(StageContext context, Settings s, Measured measured, String target, String network,
                                   Model source, String role) {
        Optional<Double> known = measured.get(target, network);
        if (known.isPresent()) {
            return known.get();
        }
        long begin = System.nanoTime();
        TaskData task = context.state().task(target);
        long seed = TrainingLoop.networkSeed(context.seed(), network + "@" + target);
        Model net = FinetuneStage.withNewHead(source, task, s.training().settings(), 0, false, seed);
        Batches train = new Batches(task.train(), TrainingLoop.augment(context, target));
        for (int epoch = 1; epoch <= s.training().epochs(); epoch++) {
            Trainer.trainEpoch(net, train, s.training().settings().batchSize(), seed + epoch);
        }
        Evaluation e = Trainer.evaluate(net, new Batches(task.eval(), false));
        measured.put(target, network, e.accuracy());
        context.publish(new ExpertFinetunedEvent(context.stageName(), target, network, role, e.accuracy(), e.loss(),
                s.training().epochs(), (System.nanoTime() - begin) / 1e9));
        return e.accuracy();
    }

    /** What the selectors see of one target, computed when first asked for. */
    private static final class Problem implements SelectionProblem {
        private final Settings s;
        private final String target;
        private final List<Model> experts;
        private final List<String> sourceTasks;
        private final Optional<TaskEmbeddingsFile.Embeddings> embeddings;
        private final Measured measured;
        private final TaskData task;
        private final long seed;
        private final TaskDistance distance;
        private INDArray images;
        private int[] labels;
        private final Map<Integer, double[][]> features = new HashMap<>();
        private final Map<Integer, double[][]> predictions = new HashMap<>();

        Problem(StageContext context, Settings s, String target, Map<String, Model> library,
                Optional<TaskEmbeddingsFile.Embeddings> embeddings, Measured measured) {
            this.s = s;
            this.target = target;
            this.experts = List.copyOf(library.values());
            this.sourceTasks = s.experts().stream()
                    .map(e -> context.pipeline().networks().get(e).string("task")).toList();
            this.embeddings = embeddings;
            this.measured = measured;
            this.task = context.state().task(target);
            this.seed = TrainingLoop.networkSeed(context.seed(), "select@" + target);
            this.distance = s.distance().create();
        }

        @Override
        public String target() {
            return target;
        }

        @Override
        public List<String> experts() {
            return s.experts();
        }

        @Override
        public int targetClasses() {
            return task.train().classes();
        }

        private void load() {
            if (images == null) {
                Batches train = new Batches(task.train(), false);
                int n = Math.min(s.images(), train.size());
                int[] order = java.util.Arrays.copyOf(train.shuffledOrder(seed), n);
                images = train.batch(order, 0, n, null).getFeatures();
                labels = new int[n];
                for (int i = 0; i < n; i++) {
                    labels[i] = task.train().labels()[order[i]];
                }
            }
        }

        @Override
        public int[] targetLabels() {
            return PluginCalls.host(() -> {
                load();
                return labels.clone();
            });
        }

        @Override
        public double[][] features(int expert) {
            return PluginCalls.host(() -> {
                load();
                return copy(features.computeIfAbsent(expert, i -> ClassifierInputs.features(experts.get(i), images)));
            });
        }

        @Override
        public double[][] sourcePredictions(int expert) {
            return PluginCalls.host(() -> {
                load();
                return copy(predictions.computeIfAbsent(expert,
                        i -> ClassifierInputs.probabilities(experts.get(i), images)));
            });
        }

        private static double[][] copy(double[][] rows) {
            double[][] out = new double[rows.length][];
            for (int i = 0; i < rows.length; i++) {
                out[i] = rows[i].clone();
            }
            return out;
        }

        private TaskEmbeddingsFile.Embeddings embeddings() {
            return embeddings.orElseThrow(() -> new IllegalStateException(s.where() + ": a selector asks for task "
                    + "embeddings; name an embed-tasks stage under 'embeddings'"));
        }

        @Override
        public double[] targetEmbedding() {
            return PluginCalls.host(() -> embeddings().tasks().get(target).embedding().clone());
        }

        @Override
        public double[] sourceEmbedding(int expert) {
            return PluginCalls.host(() -> embeddings().tasks().get(sourceTasks.get(expert)).embedding().clone());
        }

        @Override
        public double distance(double[] from, double[] to) {
            return distance.between(from, to);
        }

        @Override
        public List<MetaTask> metaTasks() {
            return PluginCalls.host(() -> {
                List<MetaTask> out = new ArrayList<>();
                if (embeddings.isEmpty()) {
                    return out;
                }
                for (String other : s.targets()) {
                    if (other.equals(target)) {
                        continue; // leave the target out: its accuracies are what is being predicted
                    }
                    Optional<double[]> all = measured.all(other, s.experts());
                    all.ifPresent(a -> out.add(new MetaTask(other, embeddings().tasks().get(other).embedding(), a)));
                }
                return out;
            });
        }
    }

    private static String[] row(SelectionMeasuredEvent e) {
        return new String[] {e.target(), e.selectorId(), e.chosen(), number(e.chosenAccuracy()), e.oracle(),
                number(e.oracleAccuracy()), number(e.genericAccuracy()), number(e.randomAccuracy()),
                number(e.kendallTau())};
    }

    private static String number(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6f", v);
    }

    /** {@code selection-<stage>.csv}: one row per target and selector. */
    private static void writeCsv(Path runFolder, String stage, List<String[]> rows) throws IOException {
        StringBuilder csv = new StringBuilder("target,selector,chosen,chosen_accuracy,oracle,oracle_accuracy,"
                + "generic_accuracy,random_accuracy,kendall_tau\n");
        for (String[] r : rows) {
            csv.append(String.join(",", r)).append('\n');
        }
        TrainingLoop.writeText(runFolder.resolve("selection-" + stage + ".csv"), csv.toString());
    }

    @Override
    public Optional<RunReport.Section> report() {
        return Optional.of(SelectionReport::selection);
    }
}
