package io.transferbench.runtime.internal.stages;

import io.transferbench.runtime.internal.data.TaskData;
import io.transferbench.runtime.internal.descriptor.Fields;
import io.transferbench.runtime.internal.descriptor.Section;
import io.transferbench.runtime.internal.descriptor.StageSchema;
import io.transferbench.runtime.internal.engine.Networks;
import io.transferbench.runtime.internal.pipeline.StageContext;
import io.transferbench.runtime.internal.pipeline.StageDeclaration;
import io.transferbench.runtime.internal.pipeline.StageType;
import org.deeplearning4j.nn.api.Model;

import java.util.List;

import static io.transferbench.runtime.internal.descriptor.Fields.reference;
import static io.transferbench.runtime.internal.descriptor.Fields.required;

/** {@code pretrain}: builds a network from its descriptor entry and trains it from scratch on its task. */
public final class PretrainStage implements StageType<PretrainStage.Settings> {

    /** The network to build (its entry's model, width and task) and how to train it. */
    public record Settings(String network, String model, double width, String task, TrainingLoop.Training training) {
    }

    @Override
    public StageSchema schema() {
        return new StageSchema("pretrain", "Train a network from scratch on its task.", Fields.concat(
                List.of(required("network", reference("The network to train.", "networks"))), TrainingLoop.Training.fields()), List.of());
    }

    @Override
    public Settings settings(StageDeclaration stage) {
        String name = stage.section().string("network");
        Section network = stage.network(name);
        return new Settings(name, network.string("model"), network.number("width"), network.string("task"),
                TrainingLoop.Training.of(stage.section()));
    }

    @Override
    public void run(Settings s, StageContext context) throws Exception {
        TaskData task = context.state().task(s.task());
        TrainingLoop.Start start = TrainingLoop.startOrResume(context, s.network(), () -> Networks.create(s.model(),
                TrainingLoop.inputShape(task), task.train().classes(), s.width(),
                TrainingLoop.networkSeed(context.seed(), s.network()), s.training().settings().updater(),
                s.training().settings().weightDecay()));
        TrainingLoop.train(context, s.network(), start, s.task(), s.training());
        Model net = start.net();
        context.state().putNetwork(s.network(), net);
        TrainingLoop.save(context, s.network(), net);
    }
}
