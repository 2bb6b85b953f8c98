package io.transferbench.runtime.internal.compare;

import io.transferbench.api.event.SelectionMeasuredEvent;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Selectors side by side over targets and trials, with the paired tests against random choice and generic. */
class SelectionCompareTest {

    private static RunRecord trial(int trial, double offset) {
        List<SelectionMeasuredEvent> results = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            double oracle = 0.9 + 0.01 * t;
            double random = 0.7 + 0.01 * t + offset;
            // task2vec: the oracle's expert on targets 0 and 1, 5 points below it on target 2
            results.add(new SelectionMeasuredEvent("select", "target-" + t, "selectors[0]", "task2vec",
                    t == 2 ? "b" : "a", t == 2 ? oracle - 0.05 : oracle, "a", oracle, 0.8, random, 0.5));
            results.add(new SelectionMeasuredEvent("select", "target-" + t, "selectors[1]", "random", "c",
                    random - 0.02, "a", oracle, 0.8, random, Double.NaN));
        }
        RunRecord.StageRecord stage = new RunRecord.StageRecord("select", "select-model", 1, Map.of(), Map.of(),
                Map.of(), List.of(), Optional.empty(), results);
        return new RunRecord(Path.of("run-" + trial), "t2v", trial, List.of(stage));
    }

    @Test
    void selectorsOverTargetsAndTrials() {
        Comparison c = Comparison.of(List.of(trial(1, 0), trial(2, 0.005)));
        List<SelectionComparison.Row> rows = c.selection().rows();
        assertEquals(List.of("task2vec", "random"), rows.stream().map(SelectionComparison.Row::selectorId).toList());
        SelectionComparison.Row t2v = rows.get(0);
        assertEquals(6, t2v.n());
        assertEquals(4, t2v.oracleHits(), "targets 0 and 1 in both trials");
        assertEquals(5.0 / 3, t2v.regret().mean(), 1e-9, "0, 0, 5 points in each trial");
        assertEquals(0.5, t2v.kendallTau().mean(), 1e-12);
        assertEquals(6, t2v.aboveRandom());
        // six pairs, all above random: the exact two-sided p is 2 / 2^6
        assertEquals(2.0 / 64, t2v.pVsRandom(), 1e-12);
        assertEquals(2.0 / 64, t2v.pVsGeneric(), 1e-12, "every choice above the generic network's 0.8");
        SelectionComparison.Row random = rows.get(1);
        assertEquals(0, random.kendallTau().n(), "no tau when the selector's scores were constant");
        assertEquals(6, random.belowRandom());
        String md = c.markdown();
        assertTrue(md.contains("| t2v / select | task2vec | 6 |"), md);
        assertTrue(c.selection().csv().lines().count() == 3);
        String html = io.transferbench.runtime.internal.report.ComparisonPage.html(c, 2);
        assertTrue(html.contains("<h2>Model selection</h2>"), html);
    }
}
