package io.transferbench.runtime.internal.stages;

import io.transferbench.runtime.internal.data.TaskData;
import io.transferbench.runtime.internal.descriptor.Section;
import io.transferbench.runtime.internal.engine.TrainingSettings;
import io.transferbench.runtime.internal.pipeline.StageContext;
import io.transferbench.runtime.internal.pipeline.StageExecutor;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
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
        MultiLayerNetwork net = start.net();
        context.state().putNetwork(name, net);
        TrainingLoop.save(context, name, net);
    }

    /** The source's backbone with a new, seeded head for the task, optionally with frozen layers. */
    private static MultiLayerNetwork newHead(StageContext context, String from, TaskData task, TrainingSettings settings,
                                             long seed) {
        Section stage = context.stage();
        MultiLayerNetwork source;
        try {
            source = TrainingLoop.trained(context, from).orElseThrow(() ->
                    new IllegalStateException(stage.location("from") + ": network '" + from
                            + "' has not been trained by an earlier stage"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot load network '" + from + "'", e);
        }
        // The new head is initialised from ND4J's global generator, not the configuration's seed.
        org.nd4j.linalg.factory.Nd4j.getRandom().setSeed(seed);
        int outputIndex = source.getnLayers() - 1;
        long headInputs = ((FeedForwardLayer) source.getLayer(outputIndex).conf().getLayer()).getNIn();
        TransferLearning.Builder builder = new TransferLearning.Builder(source.clone())
                .fineTuneConfiguration(new FineTuneConfiguration.Builder().updater(settings.updater()).seed(seed)
                        .weightDecay(settings.weightDecay()).build());
        int frozen = (int) stage.integer("freeze-layers");
        if (frozen > 0) {
            builder.setFeatureExtractor(Math.min(frozen, outputIndex) - 1);
        }
        MultiLayerNetwork net = builder.removeOutputLayer()
                .addLayer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(headInputs)
                        .nOut(task.train().classes()).activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER)
                        .name("output").build())
                .build();
        net.setEpochCount(0);
        return net;
    }
}
