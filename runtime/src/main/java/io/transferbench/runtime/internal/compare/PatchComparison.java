package io.transferbench.runtime.internal.compare;

import io.transferbench.api.event.PatchDiagnosticsEvent;
import org.apache.commons.math3.stat.correlation.PearsonsCorrelation;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The patch stages compared over trials: each coefficient search against the others (objective reached,
 * evaluations spent, test accuracy on both sides) and the pair's diagnostics, with the correlation of
 * GradientSimilarity and BackwardKnowledgeTransfer across every pair and trial.
 */
public final class PatchComparison {

    /**
     * One search of one patch stage over its trials.
     *
     * @param gainOverGrid per trial, 100 (grid - this) / grid of the validation objective against the stage's
     *                     {@code grid} search (the paper's baseline); empty when the stage has none
     * @param lowerThanGrid trials in which this search's objective was strictly lower than grid's
     */
    public record SearchRow(String configuration, String search, String searchId, int trials, Comparison.Stat coefficient,
                            Comparison.Stat objective, Comparison.Stat evaluations, Comparison.Stat testObjective,
                            Comparison.Stat supportedAccuracy, Comparison.Stat patchAccuracy,
                            Optional<Comparison.Stat> gainOverGrid, int lowerThanGrid, List<double[]> againstGrid) {
    }

    /**
     * One search against grid over every patch stage and trial: how often its objective was lower, equal,
     * higher, the relative difference, and Wilcoxon's signed-rank test (two-sided, exact; ties dropped).
     */
    public record Pooled(String searchId, int n, int lower, int equal, int higher, Comparison.Stat gain, double p) {
    }

    /** One patch stage's diagnostics over its trials, with each trial's (GS, BKT) point. */
    public record DiagnosticsRow(String configuration, int trials, Comparison.Stat gradientSimilarity,
                                 Comparison.Stat backwardKnowledgeTransfer, Comparison.Stat backwardTransfer,
                                 Comparison.Stat backwardTransferAtOne, List<double[]> points) {
    }

    /**
     * Pearson's r with its 95 % interval (Fisher's z, needs n > 3) and Spearman's rank correlation.
     */
    public record Correlation(int n, double pearson, double low, double high, double spearman) {
        static Optional<Correlation> of(List<double[]> points) {
            int n = points.size();
            if (n < 4) {
                return Optional.empty();
            }
            double[] x = points.stream().mapToDouble(p -> p[0]).toArray();
            double[] y = points.stream().mapToDouble(p -> p[1]).toArray();
            double r = new PearsonsCorrelation().correlation(x, y);
            double z = 0.5 * Math.log((1 + r) / (1 - r));
            double half = 1.959964 / Math.sqrt(n - 3);
            return Optional.of(new Correlation(n, r, Math.tanh(z - half), Math.tanh(z + half),
                    new SpearmansCorrelation().correlation(x, y)));
        }

        public String text() {
            return String.format(Locale.ROOT, "Pearson r = %.3f (95 %% interval %.3f to %.3f, Fisher's z), Spearman "
                    + "rho = %.3f, n = %d", pearson, low, high, spearman, n);
        }
    }

    private final List<SearchRow> searches;
    private final List<DiagnosticsRow> diagnostics;

    private PatchComparison(List<SearchRow> searches, List<DiagnosticsRow> diagnostics) {
        this.searches = searches;
        this.diagnostics = diagnostics;
    }

    public List<SearchRow> searches() {
        return searches;
    }

    public List<DiagnosticsRow> diagnostics() {
        return diagnostics;
    }

    /** Each search (by id, grid itself left out) against grid over every patch stage and trial. */
    public List<Pooled> pooled() {
        Map<String, List<double[]>> byId = new LinkedHashMap<>();
        searches.stream().filter(r -> !r.searchId().equals("grid"))
                .forEach(r -> byId.computeIfAbsent(r.searchId(), k -> new ArrayList<>()).addAll(r.againstGrid()));
        List<Pooled> out = new ArrayList<>();
        byId.forEach((id, pairs) -> {
            int lower = 0;
            int equal = 0;
            List<Double> gains = new ArrayList<>();
            for (double[] p : pairs) {
                gains.add(100 * (p[0] - p[1]) / p[0]);
                if (p[1] < p[0]) {
                    lower++;
                }
                if (p[1] == p[0]) {
                    equal++;
                }
            }
            double pValue = pairs.size() - equal <= PairedTest.EXACT_UP_TO
                    ? PairedTest.wilcoxon(pairs.stream().mapToDouble(p -> p[0]).toArray(),
                    pairs.stream().mapToDouble(p -> p[1]).toArray()) : Double.NaN;
            if (!pairs.isEmpty()) {
                out.add(new Pooled(id, pairs.size(), lower, equal, pairs.size() - lower - equal, Comparison.Stat.of(gains),
                        pValue));
            }
        });
        return out;
    }

    /** Over every trial of every patch stage. */
    public Optional<Correlation> correlation() {
        return Correlation.of(diagnostics.stream().flatMap(d -> d.points().stream()).toList());
    }

    /** Over the stages' means (one point per pair). */
    public Optional<Correlation> correlationOfMeans() {
        return Correlation.of(diagnostics.stream().map(d -> new double[] {d.gradientSimilarity().mean(),
                d.backwardKnowledgeTransfer().mean()}).toList());
    }

    /** @param byConfiguration each configuration's stage records over its trials ("pipeline / stage") */
    static PatchComparison of(Map<String, List<RunRecord.StageRecord>> byConfiguration) {
        List<SearchRow> searches = new ArrayList<>();
        List<DiagnosticsRow> diagnostics = new ArrayList<>();
        byConfiguration.forEach((configuration, trials) -> {
            Map<String, List<RunRecord.SearchRecord>> bySearch = new LinkedHashMap<>();
            Map<String, List<Double>> gains = new LinkedHashMap<>();
            Map<String, List<double[]>> pairs = new LinkedHashMap<>();
            Map<String, Integer> lower = new LinkedHashMap<>();
            for (RunRecord.StageRecord t : trials) {
                Optional<RunRecord.SearchRecord> grid = t.searches().stream()
                        .filter(s -> s.searchId().equals("grid")).findFirst();
                for (RunRecord.SearchRecord s : t.searches()) {
                    bySearch.computeIfAbsent(s.search(), k -> new ArrayList<>()).add(s);
                    grid.ifPresent(g -> {
                        gains.computeIfAbsent(s.search(), k -> new ArrayList<>())
                                .add(100 * (g.objective() - s.objective()) / g.objective());
                        lower.merge(s.search(), s.objective() < g.objective() ? 1 : 0, Integer::sum);
                        pairs.computeIfAbsent(s.search(), k -> new ArrayList<>())
                                .add(new double[] {g.objective(), s.objective()});
                    });
                }
            }
            bySearch.forEach((search, records) -> searches.add(new SearchRow(configuration, search,
                    records.get(0).searchId(), records.size(),
                    stat(records, RunRecord.SearchRecord::coefficient), stat(records, RunRecord.SearchRecord::objective),
                    stat(records, r -> r.evaluations()), stat(records, RunRecord.SearchRecord::testObjective),
                    stat(records, RunRecord.SearchRecord::supportedAccuracy),
                    stat(records, RunRecord.SearchRecord::patchAccuracy),
                    Optional.ofNullable(gains.get(search)).map(Comparison.Stat::of), lower.getOrDefault(search, 0),
                    pairs.getOrDefault(search, List.of()))));
            List<PatchDiagnosticsEvent> d = trials.stream().flatMap(t -> t.diagnostics().stream()).toList();
            if (!d.isEmpty()) {
                diagnostics.add(new DiagnosticsRow(configuration, d.size(),
                        stat(d, PatchDiagnosticsEvent::gradientSimilarity),
                        stat(d, PatchDiagnosticsEvent::backwardKnowledgeTransfer),
                        stat(d, PatchDiagnosticsEvent::backwardTransfer),
                        stat(d, PatchDiagnosticsEvent::backwardTransferAtOne),
                        d.stream().map(e -> new double[] {e.gradientSimilarity(), e.backwardKnowledgeTransfer()}).toList()));
            }
        });
        return new PatchComparison(searches, diagnostics);
    }

    private static <T> Comparison.Stat stat(List<T> values, java.util.function.ToDoubleFunction<T> f) {
        return Comparison.Stat.of(values.stream().map(v -> f.applyAsDouble(v)).toList());
    }

    public boolean isEmpty() {
        return searches.isEmpty() && diagnostics.isEmpty();
    }

    public String markdown() {
        if (isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder("\nPatching: each coefficient search (objective on the validation split, "
                + "where it chose; accuracies on the test split at its choice; mean ± sd over trials):\n\n"
                + "| configuration | search | trials | a | objective | evaluations | objective vs grid % (lower in) "
                + "| supported accuracy % | patch accuracy % | test objective |\n"
                + "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (SearchRow r : searches) {
            b.append(String.format(Locale.ROOT, "| %s | %s (%s) | %d | %s | %s | %s | %s | %s | %s | %s |%n",
                    r.configuration(), r.searchId(), r.search(), r.trials(), r.coefficient().text(3),
                    r.objective().text(4), r.evaluations().text(1),
                    r.gainOverGrid().map(g -> g.text(2) + " (" + r.lowerThanGrid() + "/" + r.trials() + ")").orElse("—"),
                    r.supportedAccuracy().text(2, 100), r.patchAccuracy().text(2, 100), r.testObjective().text(4)));
        }
        b.append("\n\"objective vs grid\": 100 (grid - search) / grid per trial, positive when the search reached a lower "
                + "objective than the stage's grid search; in parentheses the trials where it was strictly lower.\n");
        for (Pooled p : pooled()) {
            b.append(String.format(Locale.ROOT, "%nOver every patch stage and trial, %s against grid: lower in %d, equal in "
                            + "%d, higher in %d of %d; objective vs grid %s %%; Wilcoxon signed-rank (two-sided, exact, "
                            + "ties dropped) p = %s.%n", p.searchId(), p.lower(), p.equal(), p.higher(), p.n(),
                    p.gain().text(3), Double.isNaN(p.p()) ? "n/a" : String.format(Locale.ROOT, "%.3g", p.p())));
        }
        if (!diagnostics.isEmpty()) {
            b.append("\nPatch diagnostics (GradientSimilarity and BackwardKnowledgeTransfer on the validation split; "
                    + "backward transfer: supported test accuracy at the saved a minus at a = 0, in points):\n\n"
                    + "| configuration | trials | GradientSimilarity | BackwardKnowledgeTransfer | backward transfer "
                    + "| at a = 1 |\n| --- | ---: | ---: | ---: | ---: | ---: |\n");
            for (DiagnosticsRow d : diagnostics) {
                b.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %s |%n", d.configuration(), d.trials(),
                        d.gradientSimilarity().text(4), d.backwardKnowledgeTransfer().text(4),
                        d.backwardTransfer().text(2, 100), d.backwardTransferAtOne().text(2, 100)));
            }
            correlation().ifPresent(c -> b.append("\nGradientSimilarity against BackwardKnowledgeTransfer, every pair "
                    + "and trial: ").append(c.text()).append(".\n"));
            correlationOfMeans().ifPresent(c -> b.append("Over the pairs' means: ").append(c.text()).append(".\n"));
        }
        return b.toString();
    }

    /** One row per search, configuration and trial-averaged values (header only when there are none). */
    public String csv() {
        StringBuilder b = new StringBuilder("configuration,search,search_id,trials,coefficient_mean,coefficient_sd,"
                + "objective_mean,objective_sd,evaluations_mean,objective_vs_grid_percent_mean,"
                + "objective_vs_grid_percent_sd,lower_than_grid,supported_accuracy_mean,supported_accuracy_sd,"
                + "patch_accuracy_mean,patch_accuracy_sd,test_objective_mean\n");
        for (SearchRow r : searches) {
            b.append(String.format(Locale.ROOT, "%s,%s,%s,%d,%.4f,%s,%.5f,%s,%.1f,%s,%s,%d,%.4f,%s,%.4f,%s,%.5f%n",
                    r.configuration(), r.search(), r.searchId(), r.trials(), r.coefficient().mean(),
                    r.coefficient().sdCell(4), r.objective().mean(), r.objective().sdCell(5), r.evaluations().mean(),
                    r.gainOverGrid().map(g -> String.format(Locale.ROOT, "%.3f", g.mean())).orElse(""),
                    r.gainOverGrid().map(g -> g.sdCell(3)).orElse(""), r.lowerThanGrid(),
                    r.supportedAccuracy().mean(), r.supportedAccuracy().sdCell(4), r.patchAccuracy().mean(),
                    r.patchAccuracy().sdCell(4), r.testObjective().mean()));
        }
        return b.toString();
    }

    /** Every trial's diagnostics, one row each (header only when there are none): the scatter's points. */
    public String diagnosticsCsv() {
        StringBuilder b = new StringBuilder("configuration,trial,gradient_similarity,backward_knowledge_transfer\n");
        for (DiagnosticsRow d : diagnostics) {
            for (int i = 0; i < d.points().size(); i++) {
                b.append(String.format(Locale.ROOT, "%s,%d,%.6f,%.6g%n", d.configuration(), i + 1, d.points().get(i)[0],
                        d.points().get(i)[1]));
            }
        }
        return b.toString();
    }
}
