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
import io.transferbench.runtime.internal.report.Html;
import io.transferbench.runtime.internal.report.RunReport;
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
    public java.util.Optional<RunReport.Section> report() {
        return java.util.Optional.of(EvaluateStage::perClass);
    }

    /** Per network: accuracy per class and the confusion matrix (true class in rows, predicted in columns). */
    static void perClass(RunReport.StageEvents stage, StringBuilder b) {
        for (NetworkEvaluatedEvent e : stage.of(NetworkEvaluatedEvent.class)) {
            List<List<Integer>> m = e.confusion();
            if (m.isEmpty()) {
                continue;
            }
            b.append("<h3>").append(Html.escape(e.network())).append(" on ").append(Html.escape(e.task()))
                    .append("</h3>\n<table><tr><th>true \\ predicted</th>");
            for (int c = 0; c < m.size(); c++) {
                b.append("<th>").append(c).append("</th>");
            }
            b.append("<th>accuracy</th></tr>\n");
            for (int r = 0; r < m.size(); r++) {
                List<Integer> row = m.get(r);
                int total = row.stream().mapToInt(Integer::intValue).sum();
                b.append("<tr><td>").append(r).append("</td>");
                row.forEach(v -> b.append("<td class=\"n\">").append(v).append("</td>"));
                b.append(String.format(java.util.Locale.ROOT, "<td class=\"n\">%.4f</td></tr>%n",
                        total == 0 ? 0.0 : (double) row.get(r) / total));
            }
            b.append("</table>\n<p class=\"muted\">Classes are the task's labels, 0..n-1 in the order of its "
                    + "'classes'.</p>\n");
        }
    }

    @Override
    public void run(Settings s, StageContext context) {
        for (Map.Entry<String, String> n : s.networks().entrySet()) {
            publishEvaluation(context, n.getKey(), TrainingLoop.trainedOrFail(context, n.getKey(), s.where()), n.getValue());
        }
    }

    /** {@code net} measured on {@code task}'s evaluation split, with its confusion matrix, as a NetworkEvaluated event. */
    static void publishEvaluation(StageContext context, String network, Model net, String task) {
        Trainer.Detailed d = Trainer.evaluateWithConfusion(net, new Batches(context.state().task(task).eval(), false));
        Evaluation e = d.evaluation();
        List<List<Integer>> confusion = java.util.Arrays.stream(d.confusion())
                .map(row -> java.util.Arrays.stream(row).boxed().toList()).toList();
        context.publish(new NetworkEvaluatedEvent(context.stageName(), network, task, e.accuracy(), e.errorRate(),
                e.loss(), e.images(), confusion));
    }
}
