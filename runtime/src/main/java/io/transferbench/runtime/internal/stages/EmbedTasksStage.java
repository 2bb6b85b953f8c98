package io.transferbench.runtime.internal.stages;

import io.transferbench.api.event.TaskDistancesEvent;
import io.transferbench.api.event.TaskEmbeddedEvent;
import io.transferbench.api.network.Evaluation;
import io.transferbench.api.selection.TaskDistance;
import io.transferbench.runtime.internal.data.TaskData;
import io.transferbench.runtime.internal.descriptor.DescriptorProblem;
import io.transferbench.runtime.internal.descriptor.Fields;
import io.transferbench.runtime.internal.descriptor.Location;
import io.transferbench.runtime.internal.descriptor.Section;
import io.transferbench.runtime.internal.descriptor.StageSchema;
import io.transferbench.runtime.internal.engine.Batches;
import io.transferbench.runtime.internal.engine.ClassifierInputs;
import io.transferbench.runtime.internal.engine.Dl4jEngine;
import io.transferbench.runtime.internal.engine.FisherEmbedding;
import io.transferbench.runtime.internal.engine.ModelBuilder;
import io.transferbench.runtime.internal.engine.Trainer;
import io.transferbench.runtime.internal.engine.VariationalEmbedding;
import io.transferbench.runtime.internal.pipeline.StageComponent;
import io.transferbench.runtime.internal.pipeline.StageContext;
import io.transferbench.runtime.internal.pipeline.StageDeclaration;
import io.transferbench.runtime.internal.pipeline.StageType;
import io.transferbench.runtime.internal.plugins.ComponentKind;
import io.transferbench.runtime.internal.report.RunReport;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.transferbench.runtime.internal.descriptor.Fields.component;
import static io.transferbench.runtime.internal.descriptor.Fields.integer;
import static io.transferbench.runtime.internal.descriptor.Fields.oneOf;
import static io.transferbench.runtime.internal.descriptor.Fields.positive;
import static io.transferbench.runtime.internal.descriptor.Fields.reference;
import static io.transferbench.runtime.internal.descriptor.Fields.required;
import static io.transferbench.runtime.internal.descriptor.Fields.withDefault;

/**
 * {@code embed-tasks}: Task2Vec. For each task the probe's classifier is re-fitted on the task (the rest frozen:
 * the head is fitted on the probe's cached features), then the Fisher information of the probe's conv weights and
 * batch-norm scales is estimated per filter ({@link FisherEmbedding}). The embeddings go to
 * {@code embeddings/<stage>.json|csv} and to events.
 */
public final class EmbedTasksStage implements StageType<EmbedTasksStage.Settings> {

    /**
     * @param images     training images per task the Fisher information is averaged over (all when fewer)
     * @param labelDraws labels drawn per image from the probe's prediction; 0 takes the exact expectation
     * @param distance   the distance the report's matrix uses
     */
    public record Settings(String probe, List<String> tasks, Method method, int images, int labelDraws,
                           int skipLayers, int headSteps, double headLearningRate,
                           VariationalEmbedding.Settings variational, StageComponent<TaskDistance> distance,
                           Location where) {
    }

    /** How the per-filter information is estimated. */
    public enum Method {
        /** The Fisher information's diagonal from per-sample gradients (the paper's Monte Carlo estimate). */
        FISHER,
        /** The precision of the largest Gaussian weight perturbation the task tolerates (the paper's variational one). */
        VARIATIONAL
    }

    @Override
    public StageSchema schema() {
        return new StageSchema("embed-tasks", "Embed tasks with Task2Vec: re-fit a trained probe network's classifier "
                + "on each task and take the Fisher information of its conv filters, one number per filter.", List.of(
                required("probe", reference("The trained probe network (a layer-list model: small-cnn, bench-cnn, "
                        + "vgg-11 or vgg-16).", "networks")),
                required("tasks", Fields.tasks("The tasks to embed.", 1)),
                withDefault("method", oneOf("fisher: the Fisher information's diagonal from per-sample gradients; "
                        + "variational: the precision 1 / sigma^2 of the per-filter Gaussian weight noise that minimises "
                        + "the task's loss plus beta / N times its KL divergence from the prior.", Method.class), "fisher"),
                withDefault("images", integer("Training images per task the Fisher information is averaged over "
                        + "(the first ones of a seeded shuffle; all when the task has fewer).", 1.0, 1_000_000.0), 1000L),
                withDefault("label-draws", integer("Labels drawn per image from the probe's own prediction; 0 takes "
                        + "the exact expectation over the classes (one backward pass per class).", 0.0, 1000.0), 1L),
                withDefault("skip-layers", integer("Leading conv layers left out of the embedding.", 0.0, 1000.0), 0L),
                withDefault("head-steps", integer("Adam steps of fitting the re-fitted classifier on the probe's "
                        + "features of the task (batches of 64 cycling through a seeded shuffle): a count of steps, not "
                        + "epochs, so that a task of 100 images is fitted as far as one of 5000.", 1.0, 1_000_000.0),
                        1000L),
                withDefault("head-learning-rate", positive("Adam's learning rate for the classifier.", 1.0), 0.005),
                withDefault("variational-steps", integer("method: variational: Adam steps on the log-variances "
                        + "(batches of 64 of the task's training images, the last quarter averaged).", 1.0, 1_000_000.0),
                        500L),
                withDefault("variational-beta", positive("method: variational: weight of the KL term (1: the "
                        + "evidence lower bound).", 1e6), 1.0),
                withDefault("prior-variance", positive("method: variational: the prior's variance lambda^2 per "
                        + "weight.", 1e6), 0.01),
                withDefault("distance", component("The task distance of the report's distance matrix.",
                        ComponentKind.TASK_DISTANCE), "cosine")),
                List.of());
    }

    @Override
    public Settings settings(StageDeclaration stage) {
        Section s = stage.section();
        return new Settings(s.string("probe"), s.scalars("tasks").stream().map(String.class::cast).toList(),
                Fields.constant(Method.class, s.string("method")), (int) s.integer("images"),
                (int) s.integer("label-draws"), (int) s.integer("skip-layers"), (int) s.integer("head-steps"),
                s.number("head-learning-rate"), new VariationalEmbedding.Settings((int) s.integer("variational-steps"),
                64, 0.05, s.number("variational-beta"), s.number("prior-variance")),
                stage.component("distance", TaskDistance.class), s.location("probe"));
    }

    @Override
    public List<StageComponent<?>> components(Settings s) {
        return List.of(s.distance());
    }

    @Override
    public List<DescriptorProblem> problems(Settings s, StageDeclaration stage) {
        String model = stage.network(s.probe()).string("model");
        if (ModelBuilder.isGraph(model)) {
            return List.of(new DescriptorProblem(s.where(), stage.section().path() + ".probe", "network '" + s.probe()
                    + "' is a " + model + ", a graph; the probe must be a layer-list model (small-cnn, bench-cnn, "
                    + "vgg-11, vgg-16)"));
        }
        return List.of();
    }

    @Override
    public void run(Settings s, StageContext context) throws Exception {
        Dl4jEngine.start();
        Model trained = TrainingLoop.trainedOrFail(context, s.probe(), s.where());
        // a copy with DL4J's stock layers: the training-time fast layers do not keep what a backward pass needs
        // after an inference-mode forward pass
        MultiLayerNetwork probe = ((MultiLayerNetwork) trained).clone();
        TaskData probeTask = context.state().task(context.pipeline().networks().get(s.probe()).string("task"));
        Map<String, TaskEmbeddingsFile.Task> out = new LinkedHashMap<>();
        FisherEmbedding.Embedding last = null;
        for (String name : s.tasks()) {
            TaskData task = context.state().task(name);
            checkShape(s, name, task, probeTask);
            Embedded e = embed(probe, task, s, TrainingLoop.networkSeed(context.seed(), s.probe() + "@" + name));
            last = e.embedding();
            List<Double> values = new ArrayList<>();
            for (double v : e.embedding().values()) {
                values.add(v);
            }
            context.publish(new TaskEmbeddedEvent(context.stageName(), name, s.probe(), method(s),
                    e.embedding().layers(), e.embedding().filters(), values, e.embedding().norm(), e.images(),
                    s.labelDraws(), e.head().accuracy(), e.head().loss()));
            out.put(name, new TaskEmbeddingsFile.Task(name, e.embedding().values(), e.embedding().norm(),
                    e.head().accuracy(), e.head().loss()));
        }
        TaskDistance distance = s.distance().create();
        List<List<Double>> matrix = new ArrayList<>();
        for (TaskEmbeddingsFile.Task a : out.values()) {
            List<Double> row = new ArrayList<>();
            for (TaskEmbeddingsFile.Task b : out.values()) {
                row.add(distance.between(a.embedding(), b.embedding()));
            }
            matrix.add(row);
        }
        context.publish(new TaskDistancesEvent(context.stageName(), s.distance().id(), List.copyOf(out.keySet()), matrix));
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("method", Fields.word(s.method()));
        settings.put("images", s.images());
        settings.put("label-draws", s.labelDraws());
        settings.put("skip-layers", s.skipLayers());
        settings.put("head-steps", s.headSteps());
        settings.put("head-learning-rate", s.headLearningRate());
        if (s.method() == Method.VARIATIONAL) {
            settings.put("variational-steps", s.variational().steps());
            settings.put("variational-beta", s.variational().beta());
            settings.put("prior-variance", s.variational().priorVariance());
        }
        TaskEmbeddingsFile.write(context.runFolder(), new TaskEmbeddingsFile.Embeddings(context.stageName(), s.probe(),
                method(s), settings, last.layers(), last.filters(), out));
    }

    private static String method(Settings s) {
        return s.method() == Method.VARIATIONAL ? "variational" : s.labelDraws() == 0 ? "exact" : "monte-carlo";
    }

    private record Embedded(FisherEmbedding.Embedding embedding, Evaluation head, int images) {
    }

    private static Embedded embed(MultiLayerNetwork probe, TaskData task, Settings s, long seed) {
        Batches train = new Batches(task.train(), false);
        int[] fileOrder = java.util.stream.IntStream.range(0, train.size()).toArray();
        INDArray all = train.batch(fileOrder, 0, fileOrder.length, null).getFeatures();
        double[][] features = ClassifierInputs.features(probe, all);
        ClassifierInputs.Head head = ClassifierInputs.fit(features, task.train().labels(), task.train().classes(),
                s.headSteps(), s.headLearningRate(), seed);
        MultiLayerNetwork net = ClassifierInputs.withHead(probe, head);
        Evaluation evaluation = Trainer.evaluate(net, new Batches(task.eval(), false));
        if (s.method() == Method.VARIATIONAL) {
            return new Embedded(VariationalEmbedding.estimate(net, train, s.variational(), s.skipLayers(), seed),
                    evaluation, train.size());
        }
        int n = Math.min(s.images(), train.size());
        INDArray x = train.batch(train.shuffledOrder(seed), 0, n, null).getFeatures();
        return new Embedded(FisherEmbedding.estimate(net, x, s.labelDraws(), s.skipLayers(), seed), evaluation, n);
    }

    private static void checkShape(Settings s, String name, TaskData task, TaskData probeTask) {
        var a = task.train();
        var b = probeTask.train();
        if (a.channels() != b.channels() || a.height() != b.height() || a.width() != b.width()) {
            throw new IllegalStateException(s.where() + ": task '" + name + "' has " + a.channels() + "x" + a.height()
                    + "x" + a.width() + " images and the probe '" + s.probe() + "' takes " + b.channels() + "x"
                    + b.height() + "x" + b.width());
        }
    }

    @Override
    public Optional<RunReport.Section> report() {
        return Optional.of(SelectionReport::embeddings);
    }
}
