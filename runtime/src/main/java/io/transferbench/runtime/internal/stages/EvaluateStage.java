package io.transferbench.runtime.internal.stages;

import io.transferbench.api.event.NetworkEvaluatedEvent;
import io.transferbench.api.network.Evaluation;
import io.transferbench.runtime.internal.engine.Batches;
import io.transferbench.runtime.internal.engine.Trainer;
import io.transferbench.runtime.internal.pipeline.StageContext;
import io.transferbench.runtime.internal.pipeline.StageExecutor;
import org.deeplearning4j.nn.api.Model;

/** {@code evaluate}: evaluates trained networks on their tasks' evaluation splits. */
public final class EvaluateStage implements StageExecutor {

    @Override
    public String type() {
        return "evaluate";
    }

    @Override
    public void run(StageContext context) throws java.io.IOException {
        for (Object value : context.stage().scalars("networks")) {
            String name = (String) value;
            Model net = TrainingLoop.trained(context, name).orElseThrow(() ->
                    new IllegalStateException(context.stage().location("networks") + ": network '" + name
                            + "' has not been trained by an earlier stage"));
            String taskName = context.pipeline().networks().get(name).string("task");
            Evaluation e = Trainer.evaluate(net, new Batches(context.state().task(taskName).eval(), false));
            context.publish(new NetworkEvaluatedEvent(context.stageName(), name, taskName, e.accuracy(), e.errorRate(),
                    e.loss(), e.images()));
        }
    }
}
