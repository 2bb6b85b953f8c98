package io.transferbench.runtime.internal.stages;

import io.transferbench.runtime.internal.data.TaskData;
import io.transferbench.runtime.internal.descriptor.Fields;
import io.transferbench.runtime.internal.descriptor.Location;
import io.transferbench.runtime.internal.descriptor.Section;
import io.transferbench.runtime.internal.descriptor.StageSchema;
import io.transferbench.runtime.internal.engine.TrainingSettings;
import io.transferbench.runtime.internal.pipeline.StageContext;
import io.transferbench.runtime.internal.pipeline.StageDeclaration;
import io.transferbench.runtime.internal.pipeline.StageType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.List;

import static io.transferbench.runtime.internal.descriptor.Fields.integer;
import static io.transferbench.runtime.internal.descriptor.Fields.reference;
import static io.transferbench.runtime.internal.descriptor.Fields.required;
import static io.transferbench.runtime.internal.descriptor.Fields.withDefault;

/**
 * {@code finetune}: copies a trained network's backbone, attaches a new randomly initialised head for
 * the target network's task (or keeps the source's, for tasks with the same classes), optionally freezes the first layers, and trains with the stage's
 * (lower) learning rate. DL4J's {@code TransferLearning} does the surgery.
 */
public final class FinetuneStage implements StageType<FinetuneStage.Settings> {

    /**
     * @param from         the trained network whose backbone is copied
     * @param fromLocation where {@code from} was written, for the error when it was never trained
     */
    public record Settings(String from, Location fromLocation, String network, String task, int freezeLayers,
                           boolean keepHead, TrainingLoop.Training training) {
    }

    @Override
    public StageSchema schema() {
        return new StageSchema("finetune", "Copy a trained network's backbone into another network with a new head, and "
                + "train it on that network's task with a lower learning rate.", Fields.concat(List.of(
                required("from", reference("The trained network whose backbone is copied.", "networks")),
                required("network", reference("The network to create and train.", "networks")),
                withDefault("freeze-layers", integer("Leading layers kept frozen.", 0.0, null), 0L),
                withDefault("head", Fields.oneOf("new: a new, randomly initialised output layer for the network's "
                        + "task; keep: the source's output layer, trained on (both tasks must have the same classes: "
                        + "the shared head of a patch stage).", List.of("new", "keep")), "new")),
                Fields.withDefault(TrainingLoop.Training.fields(), "learning-rate", 0.001)), List.of(Fields::checkSourceDiffers));
    }

    @Override
    public Settings settings(StageDeclaration stage) {
        Section section = stage.section();
        String network = section.string("network");
        return new Settings(section.string("from"), section.location("from"), network, stage.taskOf(network),
                (int) section.integer("freeze-layers"), section.string("head").equals("keep"),
                TrainingLoop.Training.of(section));
    }

    @Override
    public List<io.transferbench.runtime.internal.descriptor.DescriptorProblem> problems(Settings s, StageDeclaration stage) {
        String fromTask = stage.taskOf(s.from());
        if (s.keepHead() && !stage.sameClasses(fromTask, s.task())) {
            return List.of(new io.transferbench.runtime.internal.descriptor.DescriptorProblem(stage.section().location("head"),
                    stage.section().path() + ".head", "keep needs '" + s.network() + "''s task '" + s.task()
                    + "' to have the classes of '" + s.from() + "''s task '" + fromTask + "'; use head: new"));
        }
        return List.of();
    }

    @Override
    public void run(Settings s, StageContext context) throws Exception {
        TaskData task = context.state().task(s.task());
        long seed = TrainingLoop.networkSeed(context.seed(), s.network());
        TrainingLoop.Start start = TrainingLoop.startOrResume(context, s.network(), () -> newHead(context, s, task, seed));
        TrainingLoop.train(context, s.network(), start, s.task(), s.training());
        Model net = start.net();
        context.state().putNetwork(s.network(), net);
        TrainingLoop.save(context, s.network(), net);
    }

    /** The source's backbone with a new, seeded head for the task, optionally with frozen layers. */
    private static Model newHead(StageContext context, Settings s, TaskData task, long seed) {
        Model source = TrainingLoop.trainedOrFail(context, s.from(), s.fromLocation());
        return withNewHead(source, task, s.training().settings(), s.freezeLayers(), s.keepHead(), seed);
    }

    /**
     * A copy of {@code source} ready to fine-tune on {@code task}: its output layer replaced by a new, seeded one for
     * the task's classes (or kept), the first {@code frozen} layers frozen, the updater of {@code settings}.
     */
    static Model withNewHead(Model source, TaskData task, TrainingSettings settings, int frozen, boolean keepHead,
                             long seed) {
        // The new head is initialised from ND4J's global generator, not the configuration's seed.
        org.nd4j.linalg.factory.Nd4j.getRandom().setSeed(seed);
        FineTuneConfiguration fineTune = new FineTuneConfiguration.Builder().updater(settings.updater()).seed(seed)
                .weightDecay(settings.weightDecay()).build();
        if (source instanceof ComputationGraph graph) {
            return newGraphHead(graph, fineTune, frozen, task, keepHead);
        }
        MultiLayerNetwork net = (MultiLayerNetwork) source;
        int outputIndex = net.getnLayers() - 1;
        long headInputs = ((FeedForwardLayer) net.getLayer(outputIndex).conf().getLayer()).getNIn();
        TransferLearning.Builder builder = new TransferLearning.Builder(net.clone()).fineTuneConfiguration(fineTune);
        if (frozen > 0) {
            builder.setFeatureExtractor(Math.min(frozen, outputIndex) - 1);
        }
        MultiLayerNetwork tuned = keepHead ? builder.build()
                : builder.removeOutputLayer().addLayer(head(headInputs, task)).build();
        tuned.setEpochCount(0);
        return tuned;
    }

    private static Model newGraphHead(ComputationGraph source, FineTuneConfiguration fineTune, int frozen, TaskData task,
                                      boolean keepHead) {
        org.deeplearning4j.nn.graph.vertex.GraphVertex output = source.getVertex("output");
        String input = source.getConfiguration().getVertexInputs().get("output").get(0);
        long headInputs = ((FeedForwardLayer) output.getLayer().conf().getLayer()).getNIn();
        TransferLearning.GraphBuilder builder = new TransferLearning.GraphBuilder(source.clone())
                .fineTuneConfiguration(fineTune);
        if (frozen > 0) {
            // the frozen-th layer in forward (topological) order and everything before it
            java.util.List<String> layers = new java.util.ArrayList<>();
            for (int index : source.topologicalSortOrder()) {
                org.deeplearning4j.nn.graph.vertex.GraphVertex v = source.getVertices()[index];
                if (v.hasLayer() && !v.getVertexName().equals("output")) {
                    layers.add(v.getVertexName());
                }
            }
            builder.setFeatureExtractor(layers.get(Math.min(frozen, layers.size()) - 1));
        }
        if (keepHead) {
            ComputationGraph kept = builder.build();
            kept.getConfiguration().setEpochCount(0);
            return kept;
        }
        // the head keeps the old one's preprocessor (the flattening of the pooled maps)
        org.deeplearning4j.nn.conf.InputPreProcessor flatten = ((org.deeplearning4j.nn.conf.graph.LayerVertex)
                source.getConfiguration().getVertices().get("output")).getPreProcessor();
        ComputationGraph tuned = builder.removeVertexAndConnections("output")
                .addLayer("output", head(headInputs, task), flatten, input)
                .setOutputs("output")
                .build();
        tuned.getConfiguration().setEpochCount(0);
        return tuned;
    }

    private static OutputLayer head(long inputs, TaskData task) {
        return new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(inputs).nOut(task.train().classes())
                .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).name("output").build();
    }
}
