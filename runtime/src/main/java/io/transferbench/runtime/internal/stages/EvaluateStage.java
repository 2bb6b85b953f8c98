package io.transferbench.runtime.internal.stages;

import io.transferbench.api.event.NetworkEvaluatedEvent;
import io.transferbench.api.network.Evaluation;
import io.transferbench.runtime.internal.descriptor.Fields;
import io.transferbench.runtime.internal.descriptor.Location;
import io.transferbench.runtime.internal.descriptor.StageSchema;
import io.transferbench.runtime.internal.engine.Batches;
import io.transferbench.runtime.internal.engine.Trainer;
import io.transferbench.runtime.internal.pipeline.StageContext;
import io.transferbench.runtime.internal.pipeline.StageDeclaration;
import io.transferbench.runtime.internal.pipeline.StageType;
import org.deeplearning4j.nn.api.Model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.transferbench.runtime.internal.descriptor.Fields.required;

/** {@code evaluate}: evaluates trained networks on their tasks' evaluation splits. */
public final class EvaluateStage implements StageType<EvaluateStage.Settings> {

    /**
     * @param networks each network's task, in the stage's order
     * @param where    where the list was written, for the error when a network was never trained
     */
    public record Settings(Map<String, String> networks, Location where) {
    }

    @Override
    public StageSchema schema() {
        return new StageSchema("evaluate", "Evaluate networks on their tasks' evaluation splits.",
                List.of(required("networks", Fields.networks("The networks to evaluate.", 1))), List.of());
    }

    @Override
    public Settings settings(StageDeclaration stage) {
        Map<String, String> networks = new LinkedHashMap<>();
        stage.section().scalars("networks").forEach(n -> networks.put((String) n, stage.taskOf((String) n)));
        return new Settings(networks, stage.section().location("networks"));
    }

    @Override
    public void run(Settings s, StageContext context) throws java.io.IOException {
        for (Map.Entry<String, String> n : s.networks().entrySet()) {
            String name = n.getKey();
            Model net = TrainingLoop.trained(context, name).orElseThrow(() ->
                    new IllegalStateException(s.where() + ": network '" + name + "' has not been trained by an earlier stage"));
            Evaluation e = Trainer.evaluate(net, new Batches(context.state().task(n.getValue()).eval(), false));
            context.publish(new NetworkEvaluatedEvent(context.stageName(), name, n.getValue(), e.accuracy(), e.errorRate(),
                    e.loss(), e.images()));
        }
    }
}
