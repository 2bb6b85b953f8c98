package io.transferbench.runtime.internal.report;

import io.transferbench.runtime.internal.compare.Comparison;
import org.knowm.xchart.XYChart;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code comparison.html}: the comparison's tables and, per network, the configurations' mean
 * evaluation-accuracy curves overlaid. Self-contained like report.html.
 */
public final class ComparisonPage {

    private ComparisonPage() {
    }

    public static String html(Comparison comparison, int runs) {
        StringBuilder b = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<title>Transferbench comparison</title><style>").append(Html.STYLE).append("</style>\n")
                .append(InteractiveChart.assets()).append("</head><body>\n");
        b.append("<h1>Comparison of ").append(runs).append(" run(s)</h1>\n");
        b.append("<table><tr><th>configuration</th><th>network</th><th>trials</th><th>final error rate % (mean ± sd)</th>"
                + "<th>transfers (mean ± sd)</th><th>stage time s (mean ± sd)</th></tr>\n");
        for (Comparison.Row r : comparison.rows()) {
            b.append(String.format(Locale.ROOT, "<tr><td>%s / %s</td><td>%s</td><td class=\"n\">%d</td>"
                            + "<td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td></tr>%n",
                    Html.escape(r.pipeline()), Html.escape(r.stage()), Html.escape(r.network()), r.trials(),
                    r.errorRate().text(2), r.transfers().text(1), r.seconds().text(1)));
        }
        b.append("</table>\n");
        if (!comparison.compressionRows().isEmpty()) {
            b.append("<h2>Compression</h2>\n<p>Drops in accuracy points against the network before the stage; positive = "
                    + "worse.</p>\n<table><tr><th>configuration</th><th>network</th><th>trials</th><th>parameters removed %</th>"
                    + "<th>FLOPs removed %</th><th>accuracy before %</th><th>drop after removal</th>"
                    + "<th>drop after retraining</th></tr>\n");
            for (Comparison.CompressionRow r : comparison.compressionRows()) {
                b.append(String.format(Locale.ROOT, "<tr><td>%s / %s</td><td>%s</td><td class=\"n\">%d</td>"
                                + "<td class=\"n\">%s</td><td class=\"n\">%.2f</td><td class=\"n\">%.2f</td>"
                                + "<td class=\"n\">%s</td><td class=\"n\">%s</td></tr>%n",
                        Html.escape(r.pipeline()), Html.escape(r.stage()), Html.escape(r.network()), r.trials(),
                        r.compressionRate().text(2, 100), 100 * r.flopsReduction().mean(), 100 * r.accuracyBefore().mean(),
                        r.dropPruned().text(2), r.dropFinal().text(2)));
            }
            b.append("</table>\n");
        }
        patching(comparison.patching(), b);
        selection(comparison.selection(), b);
        Map<String, List<Comparison.Row>> byNetwork = new LinkedHashMap<>();
        comparison.rows().stream().filter(r -> !r.meanAccuracy().isEmpty())
                .forEach(r -> byNetwork.computeIfAbsent(r.network(), k -> new ArrayList<>()).add(r));
        if (!byNetwork.isEmpty()) {
            b.append("<h2>Evaluation accuracy per epoch (mean over trials)</h2>\n");
        }
        byNetwork.forEach((network, rows) -> {
            XYChart chart = Charts.xy(network + ": evaluation accuracy, mean over trials", "epoch", "accuracy");
            List<InteractiveChart.Series> series = new ArrayList<>();
            int colour = 0;
            for (Comparison.Row r : rows) {
                List<Double> x = new ArrayList<>();
                for (int e = 1; e <= r.meanAccuracy().size(); e++) {
                    x.add((double) e);
                }
                String name = r.stage() + (rows.stream().map(Comparison.Row::pipeline).distinct().count() > 1
                        ? " (" + r.pipeline() + ")" : "");
                if (r.trials() > 1) {
                    Charts.band(chart, name, x, r.meanAccuracy(), r.sdAccuracy())
                            .setLineColor(InteractiveChart.awtColour(colour));
                } else {
                    Charts.line(chart, name, x, r.meanAccuracy()).setLineColor(InteractiveChart.awtColour(colour));
                }
                String hex = InteractiveChart.colour(colour);
                series.add(new InteractiveChart.Series(name + " mean", x, r.meanAccuracy(), hex, InteractiveChart.Style.LINE));
                if (r.trials() > 1) {
                    List<Double> low = new ArrayList<>();
                    List<Double> high = new ArrayList<>();
                    for (int i = 0; i < r.meanAccuracy().size(); i++) {
                        low.add(r.meanAccuracy().get(i) - r.sdAccuracy().get(i));
                        high.add(r.meanAccuracy().get(i) + r.sdAccuracy().get(i));
                    }
                    series.add(new InteractiveChart.Series(name + " mean - sd", x, low, hex, InteractiveChart.Style.DASHED));
                    series.add(new InteractiveChart.Series(name + " mean + sd", x, high, hex, InteractiveChart.Style.DASHED));
                    for (int t = 0; t < r.trialAccuracy().size(); t++) {
                        List<Double> curve = r.trialAccuracy().get(t);
                        series.add(new InteractiveChart.Series(name + " trial " + (t + 1), x.subList(0, curve.size()),
                                curve, hex, InteractiveChart.Style.DOTS));
                    }
                }
                colour++;
            }
            b.append(InteractiveChart.html(network + ": evaluation accuracy, mean over trials", "epoch", "accuracy",
                    series, Charts.img(chart, network + " mean evaluation accuracy per epoch, one curve per configuration")));
            b.append("<p class=\"muted\">One colour per configuration: the mean over trials, dashed one standard "
                    + "deviation either side, and each trial's own points (click a legend entry to hide a series, drag "
                    + "to zoom).</p>\n");
            // curves drawn on top of each other would hide one another: say which coincide
            Map<List<Double>, List<String>> same = new LinkedHashMap<>();
            rows.forEach(r -> same.computeIfAbsent(r.meanAccuracy(), k -> new ArrayList<>())
                    .add(r.pipeline() + " / " + r.stage()));
            same.values().stream().filter(names -> names.size() > 1).forEach(names -> b.append("<p>")
                    .append(Html.escape(network)).append(": the curves of ").append(Html.escape(String.join(", ", names)))
                    .append(" coincide (the same mean accuracy at every epoch).</p>\n"));
        });
        if (!comparison.differences().isEmpty()) {
            b.append("<h2>Differences</h2>\n<p>Final error rate against the first configuration of each network, by "
                    + "Welch's t-test (two-sided); beyond the noise at p &lt; 0.05; n/a with fewer than two trials on a "
                    + "side.</p>\n<table><tr><th>configuration</th><th>against</th><th>network</th><th>difference (points)</th>"
                    + "<th>t</th><th>df</th><th>p</th><th>beyond the noise</th></tr>\n");
            for (Comparison.Difference d : comparison.differences()) {
                b.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%s</td><td>%s</td><td class=\"n\">%+.2f</td>",
                        Html.escape(d.configuration()), Html.escape(d.baseline()), Html.escape(d.network()), d.difference()));
                d.cells().forEach(cell -> b.append("<td class=\"n\">").append(cell).append("</td>"));
                b.append("</tr>\n");
            }
            b.append("</table>\n<p class=\"muted\">Stage times are wall time in one process: the first training stage of "
                    + "a run also pays the engine's start-up and warm-up.</p>\n");
        }
        if (!comparison.differingSettings().isEmpty()) {
            b.append("<h2>Settings that differ</h2>\n<ul>\n");
            comparison.differingSettings().forEach((key, values) -> {
                List<String> parts = new ArrayList<>();
                values.forEach((c, v) -> parts.add(Html.escape(c) + " = " + Html.escape(v == null ? "(absent)" : v.toString())));
                b.append("<li><code>").append(Html.escape(key)).append("</code>: ").append(String.join("; ", parts))
                        .append("</li>\n");
            });
            b.append("</ul>\n");
        }
        return b.append("</body></html>\n").toString();
    }

    /** The model selectors side by side over targets and trials. */
    private static void selection(io.transferbench.runtime.internal.compare.SelectionComparison c, StringBuilder b) {
        if (c.isEmpty()) {
            return;
        }
        b.append("<h2>Model selection</h2>\n<p>Test error of the chosen expert after fine-tuning, mean ± sd over "
                + "targets x trials; regret: oracle accuracy minus the chosen one's, in points; tau: Kendall's tau-b "
                + "of the scores with the experts' accuracies; p: Wilcoxon signed-rank against random choice's "
                + "expectation and the generic network, paired by target and trial.</p>\n<table><tr><th>configuration"
                + "</th><th>selector</th><th>n</th><th>error %</th><th>regret</th><th>oracle's choice</th><th>tau</th>"
                + "<th>oracle error %</th><th>generic error %</th><th>random error %</th><th>p vs random</th>"
                + "<th>p vs generic</th></tr>\n");
        for (var r : c.rows()) {
            b.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%s</td><td class=\"n\">%d</td><td class=\"n\">%s"
                            + "</td><td class=\"n\">%s</td><td class=\"n\">%d/%d</td><td class=\"n\">%s</td>"
                            + "<td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td>"
                            + "<td class=\"n\">%s</td><td class=\"n\">%s</td></tr>%n", Html.escape(r.configuration()),
                    Html.escape(r.selectorId()), r.n(), na(r.error(), 2), na(r.regret(), 2), r.oracleHits(),
                    r.measuredOracle(), na(r.kendallTau(), 3), na(r.oracleError(), 2), na(r.genericError(), 2),
                    na(r.randomError(), 2), p(r.pVsRandom()), p(r.pVsGeneric())));
        }
        b.append("</table>\n");
    }

    private static String na(io.transferbench.runtime.internal.compare.Comparison.Stat s, int decimals) {
        return s.n() == 0 ? "n/a" : s.text(decimals);
    }

    private static String p(double p) {
        return Double.isNaN(p) ? "n/a" : String.format(Locale.ROOT, "%.3g", p);
    }

    /** The coefficient searches side by side and GradientSimilarity against BackwardKnowledgeTransfer. */
    private static void patching(io.transferbench.runtime.internal.compare.PatchComparison p, StringBuilder b) {
        if (p.isEmpty()) {
            return;
        }
        b.append("<h2>Patching</h2>\n<p>Objective on the validation split, where the searches chose; accuracies on the "
                + "test split at each choice. \"vs grid\": 100 (grid - search) / grid per trial, positive when lower "
                + "than the stage's grid search.</p>\n<table><tr><th>configuration</th><th>search</th><th>trials</th>"
                + "<th>a</th><th>objective</th><th>evaluations</th><th>vs grid %</th><th>supported accuracy %</th>"
                + "<th>patch accuracy %</th></tr>\n");
        for (var r : p.searches()) {
            b.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%s (%s)</td><td class=\"n\">%d</td>"
                            + "<td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td>"
                            + "<td class=\"n\">%s</td><td class=\"n\">%s</td></tr>%n", Html.escape(r.configuration()),
                    Html.escape(r.searchId()), Html.escape(r.search()), r.trials(), r.coefficient().text(3),
                    r.objective().text(4), r.evaluations().text(1),
                    r.gainOverGrid().map(g -> g.text(2)).orElse("—"), r.supportedAccuracy().text(2, 100),
                    r.patchAccuracy().text(2, 100)));
        }
        b.append("</table>\n");
        if (!p.diagnostics().isEmpty()) {
            XYChart chart = Charts.xy("GradientSimilarity against BackwardKnowledgeTransfer", "GradientSimilarity",
                    "BackwardKnowledgeTransfer");
            for (var d : p.diagnostics()) {
                Charts.points(chart, d.configuration(), d.points().stream().map(x -> x[0]).toList(),
                        d.points().stream().map(x -> x[1]).toList());
            }
            b.append(Charts.explorable(chart, "GradientSimilarity against BackwardKnowledgeTransfer, one point per pair and trial"));
            p.correlation().ifPresent(c -> b.append("<p>").append(Html.escape(c.text())).append(" (every pair and trial)."
                    + "</p>\n"));
        }
    }
}
