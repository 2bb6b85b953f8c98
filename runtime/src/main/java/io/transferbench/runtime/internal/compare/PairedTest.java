package io.transferbench.runtime.internal.compare;

import org.apache.commons.math3.stat.inference.WilcoxonSignedRankTest;

import java.util.ArrayList;
import java.util.List;

/** Wilcoxon's signed-rank test of paired values, as the comparisons state it: two-sided, ties dropped. */
final class PairedTest {

    /** Pairs up to this many are tested exactly; more with the normal approximation. */
    static final int EXACT_UP_TO = 30;

    private PairedTest() {
    }

    /** The p-value for pairs (a[i], b[i]); NaN with fewer than two untied pairs. */
    static double wilcoxon(double[] a, double[] b) {
        List<double[]> untied = new ArrayList<>();
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                untied.add(new double[] {a[i], b[i]});
            }
        }
        if (untied.size() < 2) {
            return Double.NaN;
        }
        return new WilcoxonSignedRankTest().wilcoxonSignedRankTest(untied.stream().mapToDouble(p -> p[0]).toArray(),
                untied.stream().mapToDouble(p -> p[1]).toArray(), untied.size() <= EXACT_UP_TO);
    }

    /** How the p-value was computed, for the text beside it. */
    static String method(int pairs) {
        return pairs <= EXACT_UP_TO ? "exact" : "normal approximation";
    }
}
