package io.transferbench.runtime.internal.stages;

import io.transferbench.runtime.internal.data.TaskData;
import io.transferbench.runtime.internal.descriptor.Section;
import io.transferbench.runtime.internal.engine.ModelBuilder;
import io.transferbench.runtime.internal.engine.TrainingSettings;
import io.transferbench.runtime.internal.pipeline.StageContext;
import io.transferbench.runtime.internal.pipeline.StageExecutor;
import org.deeplearning4j.nn.api.Model;
import io.transferbench.runtime.internal.engine.Networks;

/** {@code pretrain}: builds a network from its descriptor entry and trains it from scratch on its task. */
public final class PretrainStage implements StageExecutor {

    @Override
    public String type() {
        return "pretrain";
    }

    @Override
    public void run(StageContext context) throws Exception {
        String name = context.stage().string("network");
        Section network = context.pipeline().networks().get(name);
        String taskName = network.string("task");
        TaskData task = context.state().task(taskName);
        TrainingSettings settings = TrainingLoop.settings(context.stage());
        TrainingLoop.Start start = TrainingLoop.startOrResume(context, name, () -> Networks.create(network.string("model"),
                TrainingLoop.inputShape(task), task.train().classes(), network.number("width"),
                TrainingLoop.networkSeed(context.seed(), name), settings.updater(), settings.weightDecay()));
        TrainingLoop.train(context, name, start, taskName, settings);
        Model net = start.net();
        context.state().putNetwork(name, net);
        TrainingLoop.save(context, name, net);
    }
}
