package io.transferbench.runtime.internal.compare;

import io.transferbench.api.event.SelectionMeasuredEvent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The select-model stages compared over trials: each selector's choices over every target and trial, against the
 * oracle, the generic network and random choice, with Wilcoxon's test of its accuracies against random choice's
 * expectation and against the generic network (paired by target and trial).
 */
public final class SelectionComparison {

    /**
     * One selector of one select-model configuration, over its targets and trials (n = targets x trials).
     *
     * @param error        test error of the chosen expert after fine-tuning, in %
     * @param regret       oracle accuracy minus the chosen expert's, in points (0: the oracle's choice)
     * @param oracleHits   choices that were the oracle's expert
     * @param pVsRandom    Wilcoxon's p for the chosen accuracies against random choice's expectation
     * @param pVsGeneric   the same against the generic network's accuracies (NaN without one)
     */
    public record Row(String configuration, String selectorId, int n, Comparison.Stat error, Comparison.Stat regret,
                      int oracleHits, int measuredOracle, Comparison.Stat kendallTau, Comparison.Stat oracleError,
                      Comparison.Stat genericError, Comparison.Stat randomError, int aboveRandom, int belowRandom,
                      double pVsRandom, double pVsGeneric) {
    }

    private final List<Row> rows;

    private SelectionComparison(List<Row> rows) {
        this.rows = rows;
    }

    public List<Row> rows() {
        return rows;
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    static SelectionComparison of(Map<String, List<RunRecord.StageRecord>> byConfiguration) {
        List<Row> rows = new ArrayList<>();
        byConfiguration.forEach((configuration, trials) -> {
            Map<String, List<SelectionMeasuredEvent>> bySelector = new LinkedHashMap<>();
            trials.forEach(t -> t.selections().forEach(e ->
                    bySelector.computeIfAbsent(e.selectorId(), k -> new ArrayList<>()).add(e)));
            bySelector.forEach((id, results) -> rows.add(row(configuration, id, results)));
        });
        return new SelectionComparison(rows);
    }

    private static Row row(String configuration, String id, List<SelectionMeasuredEvent> results) {
        List<Double> error = new ArrayList<>();
        List<Double> regret = new ArrayList<>();
        List<Double> tau = new ArrayList<>();
        List<Double> oracleError = new ArrayList<>();
        List<Double> genericError = new ArrayList<>();
        List<Double> randomError = new ArrayList<>();
        int hits = 0;
        int withOracle = 0;
        int above = 0;
        int below = 0;
        List<double[]> vsRandom = new ArrayList<>();
        List<double[]> vsGeneric = new ArrayList<>();
        for (SelectionMeasuredEvent r : results) {
            error.add(100 * (1 - r.chosenAccuracy()));
            if (!Double.isNaN(r.oracleAccuracy())) {
                withOracle++;
                regret.add(100 * (r.oracleAccuracy() - r.chosenAccuracy()));
                oracleError.add(100 * (1 - r.oracleAccuracy()));
                hits += r.chosenAccuracy() == r.oracleAccuracy() ? 1 : 0;
            }
            if (!Double.isNaN(r.kendallTau())) {
                tau.add(r.kendallTau());
            }
            if (!Double.isNaN(r.randomAccuracy())) {
                randomError.add(100 * (1 - r.randomAccuracy()));
                vsRandom.add(new double[] {r.chosenAccuracy(), r.randomAccuracy()});
                above += r.chosenAccuracy() > r.randomAccuracy() ? 1 : 0;
                below += r.chosenAccuracy() < r.randomAccuracy() ? 1 : 0;
            }
            if (!Double.isNaN(r.genericAccuracy())) {
                genericError.add(100 * (1 - r.genericAccuracy()));
                vsGeneric.add(new double[] {r.chosenAccuracy(), r.genericAccuracy()});
            }
        }
        return new Row(configuration, id, results.size(), Comparison.Stat.of(error), Comparison.Stat.of(regret), hits,
                withOracle, Comparison.Stat.of(tau), Comparison.Stat.of(oracleError), Comparison.Stat.of(genericError),
                Comparison.Stat.of(randomError), above, below, test(vsRandom), test(vsGeneric));
    }

    private static double test(List<double[]> pairs) {
        return PairedTest.wilcoxon(pairs.stream().mapToDouble(p -> p[0]).toArray(),
                pairs.stream().mapToDouble(p -> p[1]).toArray());
    }

    private static String p(double p) {
        return Double.isNaN(p) ? "n/a" : String.format(Locale.ROOT, "%.3g", p);
    }

    private static String stat(Comparison.Stat s, int decimals) {
        return s.n() == 0 ? "n/a" : s.text(decimals);
    }

    public String markdown() {
        if (isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder("\nModel selection: each selector over every target and trial (test error "
                + "% of the chosen expert after fine-tuning, mean ± sd over targets x trials; regret: oracle accuracy "
                + "minus the chosen one's, in points; tau: Kendall's tau-b of its scores with the experts' "
                + "accuracies):\n\n| configuration | selector | n | error % | regret | oracle's choice | tau "
                + "| oracle error % | generic error % | random error % | above / below random | p vs random "
                + "| p vs generic |\n| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
                + "| ---: |\n");
        for (Row r : rows) {
            b.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %s | %d/%d | %s | %s | %s | %s | %d / %d | %s "
                            + "| %s |%n", r.configuration(), r.selectorId(), r.n(), stat(r.error(), 2),
                    stat(r.regret(), 2), r.oracleHits(), r.measuredOracle(), stat(r.kendallTau(), 3),
                    stat(r.oracleError(), 2), stat(r.genericError(), 2), stat(r.randomError(), 2), r.aboveRandom(),
                    r.belowRandom(), p(r.pVsRandom()), p(r.pVsGeneric())));
        }
        b.append("\np: Wilcoxon's signed-rank test of the chosen accuracies against random choice's expectation (the "
                + "mean over experts) and against the generic network's, paired by target and trial, two-sided, ties "
                + "dropped (exact up to " + PairedTest.EXACT_UP_TO + " pairs, else the normal approximation).\n");
        return b.toString();
    }

    public String csv() {
        StringBuilder b = new StringBuilder("configuration,selector,n,error_percent_mean,error_percent_sd,"
                + "regret_points_mean,regret_points_sd,oracle_hits,with_oracle,kendall_tau_mean,kendall_tau_sd,"
                + "oracle_error_percent_mean,generic_error_percent_mean,random_error_percent_mean,above_random,"
                + "below_random,p_vs_random,p_vs_generic\n");
        for (Row r : rows) {
            b.append(String.format(Locale.ROOT, "%s,%s,%d,%.4f,%s,%s,%s,%d,%d,%s,%s,%s,%s,%s,%d,%d,%s,%s%n",
                    r.configuration(), r.selectorId(), r.n(), r.error().mean(), r.error().sdCell(4),
                    cell(r.regret()), r.regret().n() == 0 ? "" : r.regret().sdCell(4), r.oracleHits(),
                    r.measuredOracle(), cell(r.kendallTau()), r.kendallTau().n() == 0 ? "" : r.kendallTau().sdCell(4),
                    cell(r.oracleError()), cell(r.genericError()), cell(r.randomError()), r.aboveRandom(),
                    r.belowRandom(), Double.isNaN(r.pVsRandom()) ? "" : String.format(Locale.ROOT, "%.4g", r.pVsRandom()),
                    Double.isNaN(r.pVsGeneric()) ? "" : String.format(Locale.ROOT, "%.4g", r.pVsGeneric())));
        }
        return b.toString();
    }

    private static String cell(Comparison.Stat s) {
        return s.n() == 0 ? "" : String.format(Locale.ROOT, "%.4f", s.mean());
    }
}
