package io.transferbench.runtime.internal.compare;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Configurations compared over trials. A configuration is one stage of one pipeline (pipeline name
 * and stage name); its trials are the run folders of that pipeline. Per configuration and network:
 * mean and sample standard deviation of the final error rate, of the transfers received and of the
 * stage's wall time.
 */
public final class Comparison {

    /** Mean and sample standard deviation (n - 1; 0 for a single value). */
    public record Stat(double mean, double sd, int n) {
        static Stat of(List<Double> values) {
            int n = values.size();
            double mean = values.stream().mapToDouble(Double::doubleValue).sum() / Math.max(1, n);
            double ss = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
            return new Stat(mean, n > 1 ? Math.sqrt(ss / (n - 1)) : 0, n);
        }

        /**
         * "mean ± sd" with {@code decimals} decimals, scaled by {@code scale}; the spread of a single trial is
         * "n/a", not a misleading 0.
         */
        public String text(int decimals, double scale) {
            String f = "%." + decimals + "f";
            return String.format(Locale.ROOT, f, scale * mean) + " ± "
                    + (n > 1 ? String.format(Locale.ROOT, f, scale * sd) : "n/a");
        }

        public String text(int decimals) {
            return text(decimals, 1);
        }

        /** The standard deviation for a CSV cell: empty for a single trial. */
        String sdCell(int decimals) {
            return n > 1 ? String.format(Locale.ROOT, "%." + decimals + "f", sd) : "";
        }
    }

    /**
     * One row: a configuration's network over its trials.
     *
     * @param meanAccuracy evaluation accuracy per epoch, averaged over the trials that reached that epoch
     * @param sdAccuracy   its sample standard deviation per epoch over those trials (0 where only one did)
     * @param trialAccuracy each trial's own curve, in the trials' order
     */
    public record Row(String pipeline, String stage, String network, int trials, Stat errorRate, Stat transfers,
                      Stat filtersReceived, Stat seconds, List<Double> meanAccuracy, List<Double> sdAccuracy,
                      List<List<Double>> trialAccuracy) {
    }

    /**
     * A compression stage's network over its trials: compression rate and FLOPs reduction (fractions),
     * evaluation accuracy before, and the drops in accuracy points right after removal and after retraining.
     */
    public record CompressionRow(String pipeline, String stage, String network, int trials, Stat compressionRate,
                                 Stat flopsReduction, Stat accuracyBefore, Stat dropPruned, Stat dropFinal) {
    }

    /**
     * A configuration's final error rate against the baseline's (the table's first configuration with that
     * network), by Welch's t-test, two-sided: whether the difference is beyond the trial-to-trial noise.
     *
     * @param p the two-sided p-value; NaN when either side has fewer than two trials
     */
    public record Difference(String configuration, String baseline, String network, double difference, double t,
                             double degreesOfFreedom, double p) {
        public boolean beyondNoise() {
            return p < 0.05;
        }

        /** t, degrees of freedom, p and the verdict as table cells; "n/a" when there was no test. */
        public List<String> cells() {
            if (Double.isNaN(p)) {
                return List.of("n/a", "n/a", "n/a", "n/a");
            }
            return List.of(String.format(Locale.ROOT, "%.2f", t), String.format(Locale.ROOT, "%.1f", degreesOfFreedom),
                    String.format(Locale.ROOT, "%.3f", p), beyondNoise() ? "yes" : "no");
        }
    }

    /** Welch's t-test of two means from their standard deviations and counts. */
    static Difference welch(String configuration, String baseline, String network, Stat a, Stat b) {
        double difference = a.mean() - b.mean();
        if (a.n() < 2 || b.n() < 2) {
            return new Difference(configuration, baseline, network, difference, Double.NaN, Double.NaN, Double.NaN);
        }
        double va = a.sd() * a.sd() / a.n();
        double vb = b.sd() * b.sd() / b.n();
        double se = Math.sqrt(va + vb);
        if (se == 0) {
            return new Difference(configuration, baseline, network, difference, difference == 0 ? 0 : Double.POSITIVE_INFINITY,
                    a.n() + b.n() - 2, difference == 0 ? 1 : 0);
        }
        double t = difference / se;
        double df = (va + vb) * (va + vb) / (va * va / (a.n() - 1) + vb * vb / (b.n() - 1));
        double p = 2 * (1 - new org.apache.commons.math3.distribution.TDistribution(df).cumulativeProbability(Math.abs(t)));
        return new Difference(configuration, baseline, network, difference, t, df, p);
    }

    /** Each configuration against the baseline, per network (the first configuration in the table is the baseline). */
    public List<Difference> differences() {
        Map<String, Row> baselines = new LinkedHashMap<>();
        List<Difference> out = new ArrayList<>();
        for (Row r : rows) {
            Row base = baselines.putIfAbsent(r.network(), r);
            if (base != null) {
                out.add(welch(r.pipeline() + " / " + r.stage(), base.pipeline() + " / " + base.stage(), r.network(),
                        r.errorRate(), base.errorRate()));
            }
        }
        return out;
    }

    private final List<Row> rows;
    private final List<CompressionRow> compressionRows;
    private final Map<String, Map<String, Object>> differing;
    private final PatchComparison patching;
    private final SelectionComparison selection;

    private Comparison(List<Row> rows, List<CompressionRow> compressionRows, Map<String, Map<String, Object>> differing,
                       PatchComparison patching, SelectionComparison selection) {
        this.rows = rows;
        this.compressionRows = compressionRows;
        this.differing = differing;
        this.patching = patching;
        this.selection = selection;
    }

    /** The patch stages' searches and diagnostics. */
    public PatchComparison patching() {
        return patching;
    }

    public SelectionComparison selection() {
        return selection;
    }

    public List<CompressionRow> compressionRows() {
        return compressionRows;
    }

    public List<Row> rows() {
        return rows;
    }

    /** The settings whose values differ between the configurations: key -> configuration -> value. */
    public Map<String, Map<String, Object>> differingSettings() {
        return differing;
    }

    public static Comparison of(List<RunRecord> runs) {
        Map<String, List<RunRecord.StageRecord>> byConfiguration = new LinkedHashMap<>();
        Map<String, String[]> names = new LinkedHashMap<>();
        List<RunRecord> ordered = new ArrayList<>(runs);
        ordered.sort(Comparator.comparing(RunRecord::pipeline).thenComparingInt(RunRecord::trial)
                .thenComparing(r -> r.folder().toString()));
        for (RunRecord run : ordered) {
            for (RunRecord.StageRecord stage : run.stages()) {
                String key = run.pipeline() + " / " + stage.name();
                byConfiguration.computeIfAbsent(key, k -> new ArrayList<>()).add(stage);
                names.putIfAbsent(key, new String[] {run.pipeline(), stage.name()});
            }
        }
        List<Row> rows = new ArrayList<>();
        List<CompressionRow> compressionRows = new ArrayList<>();
        Map<String, Map<String, Object>> settings = new LinkedHashMap<>();
        for (Map.Entry<String, List<RunRecord.StageRecord>> c : byConfiguration.entrySet()) {
            List<RunRecord.StageRecord> trials = c.getValue();
            settings.put(c.getKey(), trials.get(0).settings());
            Set<String> networks = new LinkedHashSet<>();
            trials.forEach(t -> networks.addAll(t.networks().keySet()));
            for (String network : networks) {
                List<Double> errors = new ArrayList<>();
                List<Double> transfers = new ArrayList<>();
                List<Double> filters = new ArrayList<>();
                List<Double> seconds = new ArrayList<>();
                List<List<Double>> curves = new ArrayList<>();
                for (RunRecord.StageRecord t : trials) {
                    RunRecord.NetworkRecord n = t.networks().get(network);
                    if (n != null) {
                        curves.add(n.accuracyCurve());
                        errors.add(n.errorRate());
                        transfers.add((double) n.transfers());
                        filters.add((double) n.filtersReceived());
                        seconds.add(t.seconds());
                    }
                }
                String[] name = names.get(c.getKey());
                rows.add(new Row(name[0], name[1], network, errors.size(), Stat.of(errors), Stat.of(transfers),
                        Stat.of(filters), Stat.of(seconds), curve(curves, true), curve(curves, false),
                        List.copyOf(curves)));
            }
            Set<String> compressed = new LinkedHashSet<>();
            trials.forEach(t -> compressed.addAll(t.compression().keySet()));
            for (String network : compressed) {
                List<RunRecord.CompressionRecord> records = trials.stream().map(t -> t.compression().get(network))
                        .filter(Objects::nonNull).toList();
                String[] name = names.get(c.getKey());
                compressionRows.add(new CompressionRow(name[0], name[1], network, records.size(),
                        Stat.of(records.stream().map(RunRecord.CompressionRecord::compressionRate).toList()),
                        Stat.of(records.stream().map(RunRecord.CompressionRecord::flopsReduction).toList()),
                        Stat.of(records.stream().map(RunRecord.CompressionRecord::accuracyBefore).toList()),
                        Stat.of(records.stream().map(r -> 100 * (r.accuracyBefore() - r.accuracyPruned())).toList()),
                        Stat.of(records.stream().map(r -> 100 * (r.accuracyBefore() - r.accuracyFinal())).toList())));
            }
        }
        // settings are compared between stages of one type: a pretrain stage has no 'heads' to differ in
        Map<String, Map<String, Map<String, Object>>> byType = new LinkedHashMap<>();
        byConfiguration.forEach((c, trials) -> byType.computeIfAbsent(trials.get(0).type(), k -> new LinkedHashMap<>())
                .put(c, settings.get(c)));
        Map<String, Map<String, Object>> differing = new java.util.TreeMap<>();
        byType.values().forEach(group -> differing(group).forEach((key, values) ->
                differing.computeIfAbsent(key, k -> new LinkedHashMap<>()).putAll(values)));
        return new Comparison(rows, compressionRows, differing, PatchComparison.of(byConfiguration),
                SelectionComparison.of(byConfiguration));
    }

    /** Per epoch, the mean (or the sample standard deviation) over the curves that reach that epoch. */
    private static List<Double> curve(List<List<Double>> curves, boolean mean) {
        List<Double> out = new ArrayList<>();
        for (int epoch = 0; ; epoch++) {
            List<Double> values = new ArrayList<>();
            for (List<Double> c : curves) {
                if (epoch < c.size()) {
                    values.add(c.get(epoch));
                }
            }
            if (values.isEmpty()) {
                return out;
            }
            Stat stat = Stat.of(values);
            out.add(mean ? stat.mean() : stat.sd());
        }
    }

    private static Map<String, Map<String, Object>> differing(Map<String, Map<String, Object>> settings) {
        Set<String> keys = new TreeSet<>();
        settings.values().forEach(s -> keys.addAll(s.keySet()));
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (String key : keys) {
            Map<String, Object> values = new LinkedHashMap<>();
            settings.forEach((configuration, s) -> values.put(configuration, s.get(key)));
            if (values.values().stream().map(Comparison::asValue).distinct().count() > 1) {
                out.put(key, values);
            }
        }
        return out;
    }

    /** A setting as a value: 10 and 10.0 are the same setting. */
    private static String asValue(Object v) {
        if (v instanceof Number number) {
            return new java.math.BigDecimal(number.toString()).stripTrailingZeros().toPlainString();
        }
        return Objects.toString(v, "(absent)");
    }

    public String csv() {
        StringBuilder b = new StringBuilder("pipeline,stage,network,trials,error_rate_mean,error_rate_sd,"
                + "transfers_mean,transfers_sd,filters_received_mean,seconds_mean,seconds_sd\n");
        for (Row r : rows) {
            b.append(String.format(Locale.ROOT, "%s,%s,%s,%d,%.4f,%s,%.2f,%s,%.1f,%.2f,%s%n", r.pipeline(), r.stage(),
                    r.network(), r.trials(), r.errorRate().mean(), r.errorRate().sdCell(4), r.transfers().mean(),
                    r.transfers().sdCell(2), r.filtersReceived().mean(), r.seconds().mean(), r.seconds().sdCell(2)));
        }
        return b.toString();
    }

    /** The compression table as CSV (header only when no stage compressed anything). */
    public String compressionCsv() {
        StringBuilder b = new StringBuilder("pipeline,stage,network,trials,compression_rate_mean,compression_rate_sd,"
                + "flops_reduction_mean,accuracy_before_mean,drop_pruned_mean,drop_pruned_sd,drop_final_mean,drop_final_sd\n");
        for (CompressionRow r : compressionRows) {
            b.append(String.format(Locale.ROOT, "%s,%s,%s,%d,%.4f,%s,%.4f,%.4f,%.2f,%s,%.2f,%s%n", r.pipeline(),
                    r.stage(), r.network(), r.trials(), r.compressionRate().mean(), r.compressionRate().sdCell(4),
                    r.flopsReduction().mean(), r.accuracyBefore().mean(), r.dropPruned().mean(), r.dropPruned().sdCell(2),
                    r.dropFinal().mean(), r.dropFinal().sdCell(2)));
        }
        return b.toString();
    }

    public String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("| configuration | network | trials | final error rate % (mean ± sd) | transfers (mean ± sd) "
                + "| stage time s (mean ± sd) |\n| --- | --- | ---: | ---: | ---: | ---: |\n");
        for (Row r : rows) {
            b.append(String.format(Locale.ROOT, "| %s / %s | %s | %d | %s | %s | %s |%n",
                    r.pipeline(), r.stage(), r.network(), r.trials(), r.errorRate().text(2), r.transfers().text(1),
                    r.seconds().text(1)));
        }
        if (!compressionRows.isEmpty()) {
            b.append("\nCompression (drops in accuracy points against the network before the stage; positive = worse):\n\n"
                    + "| configuration | network | trials | parameters removed % | FLOPs removed % | accuracy before % "
                    + "| drop after removal | drop after retraining |\n| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
            for (CompressionRow r : compressionRows) {
                b.append(String.format(Locale.ROOT, "| %s / %s | %s | %d | %s | %.2f | %.2f | %s | %s |%n",
                        r.pipeline(), r.stage(), r.network(), r.trials(), r.compressionRate().text(2, 100),
                        100 * r.flopsReduction().mean(), 100 * r.accuracyBefore().mean(), r.dropPruned().text(2),
                        r.dropFinal().text(2)));
            }
        }
        List<Difference> differences = differences();
        if (!differences.isEmpty()) {
            b.append("\nFinal error rate against the first configuration of each network (Welch's t-test, two-sided; "
                    + "\"beyond the noise\" at p < 0.05; n/a with fewer than two trials on a side):\n\n"
                    + "| configuration | against | network | difference (points) | t | df | p | beyond the noise |\n"
                    + "| --- | --- | --- | ---: | ---: | ---: | ---: | --- |\n");
            for (Difference d : differences) {
                b.append(String.format(Locale.ROOT, "| %s | %s | %s | %+.2f | %s |%n", d.configuration(), d.baseline(),
                        d.network(), d.difference(), String.join(" | ", d.cells())));
            }
        }
        b.append(patching.markdown());
        b.append(selection.markdown());
        b.append("\nStage times are wall time in one process: the first training stage of a run also pays the engine's "
                + "start-up and warm-up.\n");
        if (!differing.isEmpty()) {
            b.append("\nSettings that differ between configurations of one stage type:\n\n");
            differing.forEach((key, values) -> {
                b.append("- `").append(key).append("`: ");
                List<String> parts = new ArrayList<>();
                values.forEach((c, v) -> parts.add(c + " = " + (v == null ? "(absent)" : v)));
                b.append(String.join("; ", parts)).append('\n');
            });
        }
        return b.toString();
    }
}
