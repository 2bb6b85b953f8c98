package io.transferbench.runtime.internal.stages;

import io.transferbench.api.event.CoefficientChosenEvent;
import io.transferbench.api.event.CoefficientEvaluatedEvent;
import io.transferbench.api.event.CoefficientEvaluatedEvent.TaskScore;
import io.transferbench.api.event.PatchDiagnosticsEvent;
import io.transferbench.api.network.Evaluation;
import io.transferbench.api.patching.CoefficientChoice;
import io.transferbench.api.patching.CoefficientSearch;
import io.transferbench.api.patching.PatchObjective;
import io.transferbench.runtime.internal.data.LabelledImages;
import io.transferbench.runtime.internal.data.TaskData;
import io.transferbench.runtime.internal.descriptor.DescriptorProblem;
import io.transferbench.runtime.internal.descriptor.Fields;
import io.transferbench.runtime.internal.descriptor.Location;
import io.transferbench.runtime.internal.descriptor.Section;
import io.transferbench.runtime.internal.descriptor.StageSchema;
import io.transferbench.runtime.internal.descriptor.YamlNode;
import io.transferbench.runtime.internal.descriptor.Schema;
import io.transferbench.runtime.internal.engine.Batches;
import io.transferbench.runtime.internal.engine.Trainer;
import io.transferbench.runtime.internal.engine.WeightInterpolation;
import io.transferbench.runtime.internal.pipeline.StageComponent;
import io.transferbench.runtime.internal.pipeline.StageContext;
import io.transferbench.runtime.internal.pipeline.StageDeclaration;
import io.transferbench.runtime.internal.pipeline.StageType;
import io.transferbench.runtime.internal.plugins.ComponentKind;
import io.transferbench.runtime.internal.report.RunReport;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.dataset.DataSet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static io.transferbench.runtime.internal.descriptor.Fields.oneOf;
import static io.transferbench.runtime.internal.descriptor.Fields.optional;
import static io.transferbench.runtime.internal.descriptor.Fields.reference;
import static io.transferbench.runtime.internal.descriptor.Fields.required;
import static io.transferbench.runtime.internal.descriptor.Fields.withDefault;

/**
 * {@code patch}: PAINT's patching by weight interpolation. Between the supported network w_zs and the patched
 * one w_ft (fine-tuned from it on the patch task), each coefficient search measures w(a) = (1 - a) w_zs + a w_ft
 * on the validation split of every task and chooses a; the first search's choice becomes the stage's network.
 * The choices are then measured on the test split, and the pair's diagnostics (gradient similarity, backward
 * knowledge transfer, backward transfer) are published.
 */
public final class PatchStage implements StageType<PatchStage.Settings> {

    /** What the searches minimise. */
    public enum Objective {
        /** L_supp(a) / L_supp(0) + L_patch(a) / L_patch(0): the seed's, each loss normalised at a = 0. */
        LOSS_SUM,
        /** 1 - (acc_supp(a) + acc_patch(a)) / 2: PAINT's "accuracy on both", as an error to minimise. */
        MEAN_ACCURACY
    }

    /**
     * @param supportedTasks the tasks whose accuracy is kept, in the stage's order; L_supp is their mean loss
     * @param patchedHead    whether the stage's network takes the patched network's head (per-task heads only)
     */
    public record Settings(String supported, String patched, String network, List<String> supportedTasks,
                           String patchTask, WeightInterpolation.Heads heads, Objective objective,
                           List<StageComponent<CoefficientSearch>> searches, boolean patchedHead, Location where) {
    }

    @Override
    public StageSchema schema() {
        return new StageSchema("patch", "Patch a network by interpolating its weights with a copy fine-tuned on the "
                + "patch task (PAINT): coefficient searches choose a on the validation splits; the first search's "
                + "choice is saved as the stage's network.", List.of(
                required("supported", reference("The network trained on the supported task(s): w_zs, a = 0.", "networks")),
                required("patched", reference("The network fine-tuned from it on the patch task: w_ft, a = 1.",
                        "networks")),
                required("network", reference("The network to create: the weights at the first search's coefficient. "
                        + "With per-task heads it takes the head of the side whose task it has.", "networks")),
                optional("supported-tasks", Fields.tasks("Tasks whose accuracy the patch should keep; the supported "
                        + "network's task when absent.", 1)),
                optional("patch-task", reference("The task to patch; the patched network's task when absent.", "tasks")),
                withDefault("heads", oneOf("shared: the output layer is interpolated too (both networks have one "
                        + "head over the same classes); per-task: only the layers below it are, and each task is "
                        + "measured under its own network's head.", WeightInterpolation.Heads.class), "per-task"),
                required("search", Fields.components("Coefficient searches, run in turn on the same measurements "
                        + "(each counted on its own); the first one's choice is saved.", ComponentKind.COEFFICIENT_SEARCH, 1)),
                withDefault("objective", oneOf("What the searches minimise: loss-sum, L_supp(a)/L_supp(0) + "
                        + "L_patch(a)/L_patch(0); mean-accuracy, 1 minus the mean of supported and patch accuracy.",
                        Objective.class), "loss-sum")),
                List.of(PatchStage::checkNetworksDiffer));
    }

    private static void checkNetworksDiffer(YamlNode.Mapping stage, Schema.CheckContext c) {
        Object supported = ((YamlNode.Scalar) stage.entries().get("supported").value()).value();
        YamlNode patched = stage.entries().get("patched").value();
        if (supported.equals(((YamlNode.Scalar) patched).value())) {
            c.problem(patched.location(), "patched", "must differ from 'supported': the stage interpolates between two "
                    + "networks");
        }
        YamlNode network = stage.entries().get("network").value();
        Object name = ((YamlNode.Scalar) network).value();
        if (name.equals(supported) || name.equals(((YamlNode.Scalar) patched).value())) {
            c.problem(network.location(), "network", "must differ from 'supported' and 'patched': the stage creates a "
                    + "new network and leaves both as they were");
        }
    }

    @Override
    public Settings settings(StageDeclaration stage) {
        Section s = stage.section();
        String supported = s.string("supported");
        String patched = s.string("patched");
        String network = s.string("network");
        List<String> supportedTasks = s.has("supported-tasks")
                ? s.scalars("supported-tasks").stream().map(String.class::cast).toList()
                : List.of(stage.taskOf(supported));
        String patchTask = s.optionalString("patch-task").orElse(stage.taskOf(patched));
        String networkTask = stage.taskOf(network);
        boolean patchedHead = networkTask.equals(patchTask) || (!supportedTasks.contains(networkTask)
                && stage.sameClasses(networkTask, stage.taskOf(patched)));
        return new Settings(supported, patched, network, supportedTasks, patchTask,
                Fields.constant(WeightInterpolation.Heads.class, s.string("heads")),
                Fields.constant(Objective.class, s.string("objective")),
                stage.components("search", CoefficientSearch.class), patchedHead, s.location());
    }

    @Override
    public List<StageComponent<?>> components(Settings s) {
        return List.copyOf(s.searches());
    }

    @Override
    public List<DescriptorProblem> problems(Settings s, StageDeclaration stage) {
        Section section = stage.section();
        List<DescriptorProblem> out = new ArrayList<>();
        Section zs = stage.network(s.supported());
        for (String other : List.of(s.patched(), s.network())) {
            Section n = stage.network(other);
            if (!n.string("model").equals(zs.string("model")) || n.number("width") != zs.number("width")) {
                out.add(new DescriptorProblem(section.location(other.equals(s.patched()) ? "patched" : "network"),
                        section.path() + "." + (other.equals(s.patched()) ? "patched" : "network"), "network '" + other
                        + "' is a " + n.string("model") + " of width " + n.number("width") + " and '" + s.supported()
                        + "' a " + zs.string("model") + " of width " + zs.number("width") + ": only networks of one "
                        + "architecture can be interpolated"));
            }
        }
        String zsTask = stage.taskOf(s.supported());
        String ftTask = stage.taskOf(s.patched());
        boolean shared = s.heads() == WeightInterpolation.Heads.SHARED;
        if (shared && !stage.sameClasses(zsTask, ftTask)) {
            out.add(problem(section, "heads", "a shared head needs both networks' tasks to have the same classes, but '"
                    + zsTask + "' and '" + ftTask + "' differ; use heads: per-task, or give the tasks the same classes"));
        }
        for (String task : s.supportedTasks()) {
            if (!stage.sameClasses(task, zsTask)) {
                out.add(problem(section, s.supportedTasks().size() == 1 && !section.has("supported-tasks") ? "supported"
                        : "supported-tasks", "task '" + task + "' is measured under the head of '" + s.supported()
                        + "' (task '" + zsTask + "') and must have the same classes"));
            }
        }
        String patchHeadTask = shared ? zsTask : ftTask;
        if (!stage.sameClasses(s.patchTask(), patchHeadTask)) {
            out.add(problem(section, section.has("patch-task") ? "patch-task" : "patched", "task '" + s.patchTask()
                    + "' is measured under the head of '" + (shared ? s.supported() : s.patched()) + "' (task '"
                    + patchHeadTask + "') and must have the same classes"));
        }
        String networkTask = stage.taskOf(s.network());
        if (!stage.sameClasses(networkTask, s.patchedHead() ? ftTask : zsTask)) {
            out.add(problem(section, "network", "network '" + s.network() + "' (task '" + networkTask + "') gets the head "
                    + "of '" + (s.patchedHead() ? s.patched() : s.supported()) + "', whose task has other classes; give "
                    + "it a supported task or the patch task"));
        }
        Set<String> tasks = new LinkedHashSet<>(s.supportedTasks());
        tasks.add(s.patchTask());
        for (String task : tasks) {
            if (stage.pipeline().tasks().get(task).optionalInteger("validation-per-class").orElse(0L) == 0) {
                out.add(problem(section, "search", "task '" + task + "' has no validation split to choose the "
                        + "coefficient on; set tasks." + task + ".validation-per-class (the test split stays for the "
                        + "report)"));
            }
        }
        return out;
    }

    private static DescriptorProblem problem(Section section, String key, String message) {
        return new DescriptorProblem(section.location(key), section.path() + "." + key, message);
    }

    // ------------------------------------------------------------------ running

    /** The measurements of one split, by coefficient, shared by the searches (each still counts its own). */
    private static final class Measurements {
        private final StageContext context;
        private final Settings s;
        private final WeightInterpolation interpolation;
        private final Map<String, LabelledImages> supported;
        private final LabelledImages patch;
        private final String split;
        private final Map<Double, List<TaskScore>> scores = new LinkedHashMap<>();

        Measurements(StageContext context, Settings s, WeightInterpolation interpolation, String split) {
            this.context = context;
            this.s = s;
            this.interpolation = interpolation;
            this.split = split;
            this.supported = new LinkedHashMap<>();
            for (String t : s.supportedTasks()) {
                supported.put(t, of(context.state().task(t)));
            }
            this.patch = of(context.state().task(s.patchTask()));
        }

        private LabelledImages of(TaskData task) {
            return split.equals("validation") ? task.validation() : task.eval();
        }

        List<TaskScore> at(double a) {
            List<TaskScore> known = scores.get(a);
            if (known != null) {
                return known;
            }
            List<TaskScore> out = new ArrayList<>();
            Model zsHead = interpolation.at(a, false);
            for (Map.Entry<String, LabelledImages> t : supported.entrySet()) {
                out.add(score(zsHead, t.getKey(), "supported", t.getValue()));
            }
            Model patchHead = s.heads() == WeightInterpolation.Heads.SHARED ? zsHead : interpolation.at(a, true);
            out.add(score(patchHead, s.patchTask(), "patch", patch));
            scores.put(a, List.copyOf(out));
            context.publish(new CoefficientEvaluatedEvent(context.stageName(), split, a, out, objective(a)));
            return out;
        }

        private static TaskScore score(Model net, String task, String role, LabelledImages images) {
            Evaluation e = Trainer.evaluate(net, new Batches(images, false));
            return new TaskScore(task, role, e.loss(), e.accuracy(), e.images());
        }

        double supportedLoss(double a) {
            return at(a).stream().filter(t -> t.role().equals("supported")).mapToDouble(TaskScore::loss).average()
                    .orElseThrow();
        }

        double supportedAccuracy(double a) {
            return at(a).stream().filter(t -> t.role().equals("supported")).mapToDouble(TaskScore::accuracy).average()
                    .orElseThrow();
        }

        TaskScore patch(double a) {
            List<TaskScore> all = at(a);
            return all.get(all.size() - 1);
        }

        /** The objective at a (measuring a = 0 first when the losses are normalised there). */
        double objective(double a) {
            if (s.objective() == Objective.MEAN_ACCURACY) {
                return 1 - (supportedAccuracy(a) + patch(a).accuracy()) / 2;
            }
            return supportedLoss(a) / supportedLoss(0) + patch(a).loss() / patch(0).loss();
        }

        Set<Double> measured() {
            return scores.keySet();
        }
    }

    /** One search's view of the measurements: what it asked for, in order. */
    private static final class Counted implements PatchObjective {
        private final Measurements m;
        private final boolean normalised;
        private final Set<Double> asked = new LinkedHashSet<>();

        Counted(Measurements m, Objective objective) {
            this.m = m;
            this.normalised = objective == Objective.LOSS_SUM;
        }

        @Override
        public double at(double coefficient) {
            if (!(coefficient >= 0 && coefficient <= 1)) {
                throw new IllegalArgumentException("the coefficient must lie in [0, 1], was asked for " + coefficient);
            }
            if (normalised) {
                asked.add(0.0); // the normalisation's losses are a measurement too
            }
            asked.add(coefficient);
            return io.transferbench.runtime.internal.plugins.PluginCalls.host(() -> m.objective(coefficient));
        }
    }

    @Override
    public void run(Settings s, StageContext context) throws Exception {
        Model zs = TrainingLoop.trainedOrFail(context, s.supported(), s.where());
        Model ft = TrainingLoop.trainedOrFail(context, s.patched(), s.where());
        checkClasses(context, s);
        WeightInterpolation interpolation;
        try {
            interpolation = WeightInterpolation.between(zs, ft, s.heads());
        } catch (WeightInterpolation.MismatchException e) {
            throw new IllegalStateException(s.where() + ": networks '" + s.supported() + "' and '" + s.patched()
                    + "' cannot be interpolated: " + e.getMessage());
        }
        Measurements validation = new Measurements(context, s, interpolation, "validation");
        List<Double> chosen = new ArrayList<>();
        for (StageComponent<CoefficientSearch> search : s.searches()) {
            Counted counted = new Counted(validation, s.objective());
            CoefficientChoice choice = search.create().search(counted);
            double objective = counted.at(choice.coefficient()); // measured, never the search's own estimate
            chosen.add(choice.coefficient());
            context.publish(new CoefficientChosenEvent(context.stageName(), search.key(), search.id(),
                    choice.coefficient(), objective, counted.asked.size(), choice.how(), List.copyOf(counted.asked)));
        }

        Measurements test = new Measurements(context, s, interpolation, "test");
        Set<Double> reported = new TreeSet<>(List.of(0.0, 1.0));
        reported.addAll(chosen);
        reported.forEach(test::at);

        double saved = chosen.get(0);
        double[] similarity = interpolation.gradientSimilarity(batches(s, context));
        double distance = interpolation.distance();
        validation.at(0.0); // the diagnostics' reference, whatever the searches measured
        Map<Double, Double> supportedLoss = new java.util.TreeMap<>();
        validation.measured().forEach(a -> supportedLoss.put(a, validation.supportedLoss(a)));
        Optional<PatchDiagnostics.Transfer> bkt = PatchDiagnostics.backwardKnowledgeTransfer(supportedLoss, distance);
        List<Double> over = supportedLoss.keySet().stream().filter(a -> a > 0).toList();
        context.publish(new PatchDiagnosticsEvent(context.stageName(), similarity[0], similarity[1], distance,
                bkt.map(PatchDiagnostics.Transfer::value).orElse(Double.NaN),
                bkt.map(PatchDiagnostics.Transfer::coefficient).orElse(Double.NaN), over, saved,
                test.supportedAccuracy(saved) - test.supportedAccuracy(0), test.supportedAccuracy(1) - test.supportedAccuracy(0)));

        Model net = interpolation.copyAt(saved, s.patchedHead());
        context.state().putNetwork(s.network(), net);
        TrainingLoop.save(context, s.network(), net);
        EvaluateStage.publishEvaluation(context, s.network(), net,
                context.pipeline().networks().get(s.network()).string("task"));
    }

    /** The data's classes agree where the descriptor could not tell (superclasses draw their fine classes). */
    private static void checkClasses(StageContext context, Settings s) {
        String zsTask = context.pipeline().networks().get(s.supported()).string("task");
        List<Integer> classes = context.state().task(zsTask).originalClasses();
        for (String t : s.supportedTasks()) {
            if (!context.state().task(t).originalClasses().equals(classes)) {
                throw new IllegalStateException(s.where() + ": task '" + t + "' has classes "
                        + context.state().task(t).originalClasses() + " and the supported network's task '" + zsTask
                        + "' " + classes + ": it cannot be measured under that network's head");
            }
        }
    }

    /** The supported tasks' validation images in batches of 500, for the gradient at w_zs. */
    private static List<DataSet> batches(Settings s, StageContext context) {
        List<DataSet> out = new ArrayList<>();
        for (String t : s.supportedTasks()) {
            LabelledImages images = context.state().task(t).validation();
            Batches batches = new Batches(images, false);
            int[] order = java.util.stream.IntStream.range(0, images.size()).toArray();
            for (int from = 0; from < order.length; from += 500) {
                out.add(batches.batch(order, from, Math.min(order.length, from + 500), null));
            }
        }
        return out;
    }

    @Override
    public Optional<RunReport.Section> report() {
        return Optional.of(PatchReport::section);
    }
}
