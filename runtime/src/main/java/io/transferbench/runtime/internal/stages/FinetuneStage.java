package io.transferbench.runtime.internal.stages;

import io.transferbench.runtime.internal.data.TaskData;
import io.transferbench.runtime.internal.descriptor.Section;
import io.transferbench.runtime.internal.engine.TrainingSettings;
import io.transferbench.runtime.internal.pipeline.StageContext;
import io.transferbench.runtime.internal.pipeline.StageExecutor;
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

/**
 * {@code finetune}: copies a trained network's backbone, attaches a new randomly initialised head for
 * the target network's task, optionally freezes the first layers, and trains with the stage's
 * (lower) learning rate. DL4J's {@code TransferLearning} does the surgery.
 */
public final class FinetuneStage implements StageExecutor {

    @Override
    public String type() {
        return "finetune";
    }

    @Override
    public void run(StageContext context) throws Exception {
        Section stage = context.stage();
        String from = stage.string("from");
        String name = stage.string("network");
        String taskName = context.pipeline().networks().get(name).string("task");
        TaskData task = context.state().task(taskName);
        TrainingSettings settings = TrainingLoop.settings(stage);
        long seed = TrainingLoop.networkSeed(context.seed(), name);

        TrainingLoop.Start start = TrainingLoop.startOrResume(context, name, () -> newHead(context, from, task, settings, seed));
        TrainingLoop.train(context, name, start, taskName, settings);
        Model net = start.net();
        context.state().putNetwork(name, net);
        TrainingLoop.save(context, name, net);
    }

    /** The source's backbone with a new, seeded head for the task, optionally with frozen layers. */
    private static Model newHead(StageContext context, String from, TaskData task, TrainingSettings settings,
                                 long seed) {
        Section stage = context.stage();
        Model source;
        try {
            source = TrainingLoop.trained(context, from).orElseThrow(() ->
                    new IllegalStateException(stage.location("from") + ": network '" + from
                            + "' has not been trained by an earlier stage"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot load network '" + from + "'", e);
        }
        // The new head is initialised from ND4J's global generator, not the configuration's seed.
        org.nd4j.linalg.factory.Nd4j.getRandom().setSeed(seed);
        FineTuneConfiguration fineTune = new FineTuneConfiguration.Builder().updater(settings.updater()).seed(seed)
                .weightDecay(settings.weightDecay()).build();
        int frozen = (int) stage.integer("freeze-layers");
        if (source instanceof ComputationGraph graph) {
            return newGraphHead(graph, fineTune, frozen, task);
        }
        MultiLayerNetwork net = (MultiLayerNetwork) source;
        int outputIndex = net.getnLayers() - 1;
        long headInputs = ((FeedForwardLayer) net.getLayer(outputIndex).conf().getLayer()).getNIn();
        TransferLearning.Builder builder = new TransferLearning.Builder(net.clone()).fineTuneConfiguration(fineTune);
        if (frozen > 0) {
            builder.setFeatureExtractor(Math.min(frozen, outputIndex) - 1);
        }
        MultiLayerNetwork tuned = builder.removeOutputLayer().addLayer(head(headInputs, task)).build();
        tuned.setEpochCount(0);
        return tuned;
    }

    private static Model newGraphHead(ComputationGraph source, FineTuneConfiguration fineTune, int frozen, TaskData task) {
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
