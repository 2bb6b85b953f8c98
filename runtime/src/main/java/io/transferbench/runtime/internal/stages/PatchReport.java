package io.transferbench.runtime.internal.stages;

import io.transferbench.api.event.CoefficientChosenEvent;
import io.transferbench.api.event.CoefficientEvaluatedEvent;
import io.transferbench.api.event.CoefficientEvaluatedEvent.TaskScore;
import io.transferbench.api.event.PatchDiagnosticsEvent;
import io.transferbench.runtime.internal.report.Charts;
import io.transferbench.runtime.internal.report.Html;
import io.transferbench.runtime.internal.report.RunReport;
import org.knowm.xchart.XYChart;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/** The patch stage's part of the report: loss and accuracy against a, the searches' choices, the test split. */
final class PatchReport {

    private PatchReport() {
    }

    static void section(RunReport.StageEvents stage, StringBuilder b) {
        List<CoefficientEvaluatedEvent> validation = split(stage, "validation");
        List<CoefficientChosenEvent> choices = stage.of(CoefficientChosenEvent.class);
        if (validation.isEmpty()) {
            return;
        }
        Set<String> tasks = new LinkedHashSet<>();
        validation.get(0).tasks().forEach(t -> tasks.add(t.task() + " (" + t.role() + ")"));
        b.append(Charts.explorable(chart(stage.name() + ": validation loss against a", "mean cross-entropy", validation,
                choices, TaskScore::loss), stage.name() + " validation loss against the coefficient"));
        b.append(Charts.explorable(chart(stage.name() + ": validation accuracy against a", "accuracy", validation, choices,
                TaskScore::accuracy), stage.name() + " validation accuracy against the coefficient"));
        XYChart objective = Charts.xy(stage.name() + ": objective against a", "a", "objective (lower is better)");
        objective.getStyler().setXAxisMin(0.0).setXAxisMax(1.0);
        Charts.line(objective, "objective", validation.stream().map(CoefficientEvaluatedEvent::coefficient).toList(),
                validation.stream().map(CoefficientEvaluatedEvent::objective).toList());
        for (CoefficientChosenEvent c : choices) {
            Charts.points(objective, c.searchId() + " (" + c.search() + ")", List.of(c.coefficient()), List.of(c.objective()));
        }
        b.append(Charts.explorable(objective, stage.name() + " objective against the coefficient"));

        b.append("<h3>Coefficient searches (validation split)</h3>\n<table><tr><th>search</th><th>a</th>"
                + "<th>objective</th><th>evaluations</th><th>how</th></tr>\n");
        for (CoefficientChosenEvent c : choices) {
            b.append(String.format(Locale.ROOT, "<tr><td>%s (%s)</td><td class=\"n\">%.4f</td><td class=\"n\">%.5f</td>"
                            + "<td class=\"n\">%d</td><td>%s</td></tr>%n", Html.escape(c.searchId()), Html.escape(c.search()),
                    c.coefficient(), c.objective(), c.evaluations(), Html.escape(c.how())));
        }
        b.append("</table>\n<p class=\"muted\">One evaluation is one pass over the validation split of every task; "
                + "the objective is measured at the chosen a, never a fitted value. The first search's choice is the "
                + "stage's network.</p>\n");

        List<CoefficientEvaluatedEvent> test = split(stage, "test");
        if (!test.isEmpty()) {
            b.append("<h3>Test split</h3>\n<table><tr><th>a</th>");
            test.get(0).tasks().forEach(t -> b.append("<th>").append(Html.escape(t.task())).append(" (")
                    .append(t.role()).append(") accuracy / loss</th>"));
            b.append("<th>objective</th><th>chosen by</th></tr>\n");
            for (CoefficientEvaluatedEvent e : test) {
                b.append(String.format(Locale.ROOT, "<tr><td class=\"n\">%.4f</td>", e.coefficient()));
                e.tasks().forEach(t -> b.append(String.format(Locale.ROOT, "<td class=\"n\">%.4f / %.4f</td>",
                        t.accuracy(), t.loss())));
                List<String> by = new ArrayList<>();
                choices.stream().filter(c -> c.coefficient() == e.coefficient()).forEach(c -> by.add(c.searchId()));
                if (e.coefficient() == 0) {
                    by.add("(supported network)");
                } else if (e.coefficient() == 1) {
                    by.add("(patched network)");
                }
                b.append(String.format(Locale.ROOT, "<td class=\"n\">%.5f</td><td>%s</td></tr>%n", e.objective(),
                        Html.escape(String.join(", ", by))));
            }
            b.append("</table>\n");
        }
        for (PatchDiagnosticsEvent d : stage.of(PatchDiagnosticsEvent.class)) {
            b.append(String.format(Locale.ROOT, "<h3>Diagnostics</h3>\n<table>"
                            + "<tr><td>GradientSimilarity cos(w_zs - w_ft, grad L_supp(w_zs))</td><td class=\"n\">%.4f</td></tr>"
                            + "<tr><td>||grad L_supp(w_zs)||</td><td class=\"n\">%.4g</td></tr>"
                            + "<tr><td>||w_zs - w_ft||</td><td class=\"n\">%.4g</td></tr>"
                            + "<tr><td>BackwardKnowledgeTransfer (max at a = %.4f over %d measured a in (0, 1])</td>"
                            + "<td class=\"n\">%.4g</td></tr>"
                            + "<tr><td>backward transfer: supported test accuracy at a = %.4f minus at a = 0</td>"
                            + "<td class=\"n\">%+.4f</td></tr>"
                            + "<tr><td>the same at a = 1 (the patched network alone)</td><td class=\"n\">%+.4f</td></tr>"
                            + "</table>\n", d.gradientSimilarity(), d.gradientNorm(), d.distance(), d.bktCoefficient(),
                    d.bktCoefficients().size(), d.backwardKnowledgeTransfer(), d.chosenCoefficient(), d.backwardTransfer(),
                    d.backwardTransferAtOne()));
        }
    }

    private static List<CoefficientEvaluatedEvent> split(RunReport.StageEvents stage, String split) {
        return stage.of(CoefficientEvaluatedEvent.class).stream().filter(e -> e.split().equals(split))
                .sorted(Comparator.comparingDouble(CoefficientEvaluatedEvent::coefficient)).toList();
    }

    private static XYChart chart(String title, String y, List<CoefficientEvaluatedEvent> events,
                                 List<CoefficientChosenEvent> choices, ToDoubleFunction<TaskScore> value) {
        XYChart chart = Charts.xy(title, "a (0: supported network, 1: patched network)", y);
        chart.getStyler().setXAxisMin(0.0).setXAxisMax(1.0);
        List<Double> a = events.stream().map(CoefficientEvaluatedEvent::coefficient).toList();
        int tasks = events.get(0).tasks().size();
        for (int t = 0; t < tasks; t++) {
            int index = t;
            TaskScore first = events.get(0).tasks().get(t);
            Charts.line(chart, first.task() + " (" + first.role() + ")", a,
                    events.stream().map(e -> value.applyAsDouble(e.tasks().get(index))).toList());
        }
        for (CoefficientChosenEvent c : choices) {
            events.stream().filter(e -> e.coefficient() == c.coefficient()).findFirst().ifPresent(e ->
                    Charts.points(chart, c.searchId() + " choice (" + c.search() + ")",
                            e.tasks().stream().map(t -> c.coefficient()).toList(),
                            e.tasks().stream().map(t -> value.applyAsDouble(t)).toList()));
        }
        return chart;
    }
}
