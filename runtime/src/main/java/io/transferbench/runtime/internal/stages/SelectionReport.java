package io.transferbench.runtime.internal.stages;

import io.transferbench.api.event.ExpertFinetunedEvent;
import io.transferbench.api.event.ModelSelectedEvent;
import io.transferbench.api.event.SelectionMeasuredEvent;
import io.transferbench.api.event.TaskDistancesEvent;
import io.transferbench.api.event.TaskEmbeddedEvent;
import io.transferbench.runtime.internal.report.Charts;
import io.transferbench.runtime.internal.report.Html;
import io.transferbench.runtime.internal.report.RunReport;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;
import org.knowm.xchart.XYChart;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The Task2Vec stages' part of the report: embedding norms, the distance heat map, the selection table. */
final class SelectionReport {

    private SelectionReport() {
    }

    static void embeddings(RunReport.StageEvents stage, StringBuilder b) {
        List<TaskEmbeddedEvent> tasks = stage.of(TaskEmbeddedEvent.class);
        if (tasks.isEmpty()) {
            return;
        }
        XYChart norms = Charts.xy(stage.name() + ": embedding norm against the task's error",
                "test error of the probe with its re-fitted head", "||Fisher embedding||");
        for (TaskEmbeddedEvent t : tasks) {
            Charts.points(norms, t.task(), List.of(1 - t.headAccuracy()), List.of(t.norm()));
        }
        b.append(Charts.explorable(norms, stage.name() + " embedding norm against the task's error"));
        if (tasks.size() >= 3) {
            double[] error = tasks.stream().mapToDouble(t -> 1 - t.headAccuracy()).toArray();
            double[] norm = tasks.stream().mapToDouble(TaskEmbeddedEvent::norm).toArray();
            b.append(String.format(Locale.ROOT, "<p>Spearman's rank correlation of norm and error over %d tasks: "
                    + "%.3f (Task2Vec: the norm grows with the task's difficulty).</p>%n", tasks.size(),
                    new SpearmansCorrelation().correlation(error, norm)));
        }
        b.append("<table><tr><th>task</th><th>norm</th><th>head accuracy</th><th>images</th><th>labels</th></tr>\n");
        for (TaskEmbeddedEvent t : tasks) {
            b.append(String.format(Locale.ROOT, "<tr><td>%s</td><td class=\"n\">%.4g</td><td class=\"n\">%.4f</td>"
                            + "<td class=\"n\">%d</td><td>%s</td></tr>%n", Html.escape(t.task()), t.norm(),
                    t.headAccuracy(), t.images(), t.labelDraws() == 0 ? "exact expectation"
                            : t.labelDraws() + " drawn per image"));
        }
        b.append("</table>\n");
        for (TaskDistancesEvent d : stage.of(TaskDistancesEvent.class)) {
            heatMap(d, b);
        }
    }

    /** The distance matrix as coloured cells, rows and columns in the clustering's leaf order. */
    private static void heatMap(TaskDistancesEvent d, StringBuilder b) {
        int n = d.tasks().size();
        double[][] m = new double[n][n];
        double max = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                m[i][j] = d.distances().get(i).get(j);
                max = Math.max(max, m[i][j]);
            }
        }
        List<Integer> order = TaskClustering.of(m).order();
        b.append("<h3>Task distances (").append(Html.escape(d.distance())).append("), in hierarchical-clustering "
                + "order</h3>\n<p class=\"muted\">Row: from (source), column: to (target). Darker is closer; average "
                + "linkage on the symmetrised distances.</p>\n<table class=\"heat\"><tr><th></th>");
        for (int j : order) {
            b.append("<th>").append(Html.escape(d.tasks().get(j))).append("</th>");
        }
        b.append("</tr>\n");
        for (int i : order) {
            b.append("<tr><th>").append(Html.escape(d.tasks().get(i))).append("</th>");
            for (int j : order) {
                double t = max > 0 ? Math.max(0, m[i][j]) / max : 0;
                int light = (int) Math.round(25 + 70 * t);
                b.append(String.format(Locale.ROOT, "<td class=\"n\" style=\"background:hsl(210,60%%,%d%%);color:%s\" "
                        + "title=\"%s -> %s\">%.3f</td>", light, light < 55 ? "#fff" : "#000",
                        Html.escape(d.tasks().get(i)), Html.escape(d.tasks().get(j)), m[i][j]));
            }
            b.append("</tr>\n");
        }
        b.append("</table>\n");
    }

    static void selection(RunReport.StageEvents stage, StringBuilder b) {
        List<SelectionMeasuredEvent> results = stage.of(SelectionMeasuredEvent.class);
        if (results.isEmpty()) {
            return;
        }
        b.append("<h3>Model selection (accuracy on each target's test split after fine-tuning)</h3>\n<table><tr>"
                + "<th>target</th><th>selector</th><th>chosen</th><th>accuracy</th><th>oracle</th><th>oracle accuracy"
                + "</th><th>generic</th><th>random (expected)</th><th>Kendall tau</th></tr>\n");
        for (SelectionMeasuredEvent r : results) {
            b.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%s</td><td>%s</td><td class=\"n\">%.4f</td>"
                            + "<td>%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td>"
                            + "<td class=\"n\">%s</td></tr>%n", Html.escape(r.target()), Html.escape(r.selectorId()),
                    Html.escape(r.chosen()), r.chosenAccuracy(), Html.escape(r.oracle()), num(r.oracleAccuracy()),
                    num(r.genericAccuracy()), num(r.randomAccuracy()), num(r.kendallTau())));
        }
        b.append("</table>\n");
        Map<String, double[]> perSelector = new LinkedHashMap<>(); // sums of error, oracle, generic and random error, tau; count
        for (SelectionMeasuredEvent r : results) {
            double[] s = perSelector.computeIfAbsent(r.selectorId(), k -> new double[6]);
            s[0] += 1 - r.chosenAccuracy();
            s[1] += 1 - r.oracleAccuracy();
            s[2] += 1 - r.genericAccuracy();
            s[3] += 1 - r.randomAccuracy();
            s[4] += r.kendallTau();
            s[5]++;
        }
        b.append("<h3>Per selector, mean over targets</h3>\n<table><tr><th>selector</th><th>error</th><th>oracle "
                + "error</th><th>generic error</th><th>random error</th><th>Kendall tau</th><th>targets</th></tr>\n");
        perSelector.forEach((id, s) -> b.append(String.format(Locale.ROOT, "<tr><td>%s</td><td class=\"n\">%.4f</td>"
                        + "<td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td>"
                        + "<td class=\"n\">%d</td></tr>%n", Html.escape(id), s[0] / s[5], num(s[1] / s[5]),
                num(s[2] / s[5]), num(s[3] / s[5]), num(s[4] / s[5]), (int) s[5])));
        b.append("</table>\n");
        int finetunes = stage.of(ExpertFinetunedEvent.class).size();
        double seconds = stage.of(ExpertFinetunedEvent.class).stream().mapToDouble(ExpertFinetunedEvent::seconds).sum();
        double selecting = stage.of(ModelSelectedEvent.class).stream().mapToDouble(ModelSelectedEvent::seconds).sum();
        b.append(String.format(Locale.ROOT, "<p class=\"muted\">%d fine-tunings took %.1f s; the selectors' scoring "
                + "%.1f s in all. n/a: not measured (no oracle or no generic network).</p>%n", finetunes, seconds,
                selecting));
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
    }
}
