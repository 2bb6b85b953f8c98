package io.transferbench.runtime.internal.stages;

import io.transferbench.api.schedule.AdjustmentRule;
import io.transferbench.runtime.internal.descriptor.Fields;
import io.transferbench.api.schedule.ScheduleParameter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The schedule alone, without training: transfer points, when rules apply, rounding and bounds. */
class TransferScheduleTest {

    private static final AdjustmentRule NONE = c -> c.value();
    /** Rule 1 of SPEC.md, x - direction * diff. */
    private static final AdjustmentRule ABSOLUTE = c -> c.value() - c.parameter().direction() * c.errorRateDiff();
    /** Rule 2 of SPEC.md, x - direction * diff/100 * x. */
    private static final AdjustmentRule RELATIVE = c -> c.value() - c.parameter().direction() * c.errorRateDiff() / 100 * c.value();

    private static TransferSchedule schedule(int epochs, int e, double p, AdjustmentRule eRule, AdjustmentRule pRule,
                                             String eRounding, String pRounding, double eMax) {
        return new TransferSchedule(epochs, e, p,
                new TransferSchedule.Adjuster("e-rule", eRule, rounding(eRounding), 1, eMax),
                new TransferSchedule.Adjuster("p-rule", pRule, rounding(pRounding), 0.5, 50));
    }

    private static TransferSchedule.Rounding rounding(String word) {
        return Fields.constant(TransferSchedule.Rounding.class, word);
    }

    private static List<Integer> points(TransferSchedule s, int epochs, double errorRate) {
        List<Integer> points = new ArrayList<>();
        for (int epoch = 1; epoch <= epochs; epoch++) {
            if (s.isTransferPoint(epoch)) {
                points.add(epoch);
                s.transferred(epoch, errorRate);
            }
        }
        return points;
    }

    @Test
    void theSpecsScheduleWithoutAdjustmentMakes23TransfersIn600Epochs() {
        TransferSchedule s = schedule(600, 25, 10, NONE, NONE, "half-even", "none", 600);
        List<Integer> points = points(s, 600, 30);
        assertEquals(23, points.size(), points.toString());
        assertEquals(25, points.get(0));
        assertEquals(575, points.get(22), "no transfer at the last epoch");
        assertEquals(23, s.transfers());
        assertEquals(0, s.nextTransfer());
    }

    @Test
    void noAdjustmentAtTheFirstTransferThenRulesApplyToTheErrorChange() {
        TransferSchedule s = schedule(600, 30, 10, ABSOLUTE, RELATIVE, "half-even", "none", 600);
        assertTrue(s.isTransferPoint(30));
        assertEquals(List.of(), s.transferred(30, 40.0), "first transfer: no previous error rate");
        assertEquals(60, s.nextTransfer());
        List<TransferSchedule.Adjustment> changes = s.transferred(60, 35.0); // diff -5
        assertEquals(2, changes.size());
        TransferSchedule.Adjustment e = changes.get(0);
        assertEquals(ScheduleParameter.FREQUENCY, e.parameter());
        assertEquals(-5.0, e.errorRateDiff(), 1e-12);
        assertEquals(35.0, e.newValue(), 1e-12, "SPEC rule 1: 30, diff -5 -> 35");
        assertEquals(95, s.nextTransfer(), "the next point uses the new e");
        TransferSchedule.Adjustment p = changes.get(1);
        assertEquals(9.5, p.newValue(), 1e-12, "P shrinks when the error fell: 10 + (-5/100)*10, not rounded");
        assertEquals(9.5, s.ratio(), 1e-12);
        // the error rose by 2: e shrinks, P grows
        s.transferred(95, 37.0);
        assertEquals(33, s.frequency());
        assertEquals(9.69, s.ratio(), 1e-12);
    }

    @Test
    void frequencyIsRoundedHalfToEvenOrAsConfigured() {
        // rule 2 on 30 with diff -5 gives 31.5 -> 32 (half-even); 34.5 -> 34 is rule 4's example
        AdjustmentRule to315 = c -> 31.5;
        AdjustmentRule to345 = c -> 34.5;
        assertEquals(32, afterSecondTransfer(to315, "half-even"));
        assertEquals(34, afterSecondTransfer(to345, "half-even"));
        assertEquals(35, afterSecondTransfer(to345, "half-up"));
        assertEquals(34, afterSecondTransfer(to345, "floor"));
        assertEquals(35, afterSecondTransfer(to345, "ceiling"));
    }

    private static int afterSecondTransfer(AdjustmentRule rule, String rounding) {
        TransferSchedule s = schedule(600, 30, 10, rule, NONE, rounding, "none", 600);
        s.transferred(30, 10);
        s.transferred(60, 5);
        return s.frequency();
    }

    @Test
    void boundsClampBothValues() {
        AdjustmentRule huge = c -> 1e6;
        AdjustmentRule negative = c -> -3;
        TransferSchedule s = schedule(100, 10, 10, huge, huge, "half-even", "none", 40);
        s.transferred(10, 10);
        List<TransferSchedule.Adjustment> changes = s.transferred(20, 9);
        assertEquals(1e6, changes.get(0).rawValue(), "the event keeps the rule's raw value");
        assertEquals(40, s.frequency(), "e max");
        assertEquals(50, s.ratio(), 1e-12, "P max 50 by default");
        assertEquals(60, s.nextTransfer());

        TransferSchedule t = schedule(100, 10, 10, negative, negative, "half-even", "none", 100);
        t.transferred(10, 10);
        t.transferred(20, 11);
        assertEquals(1, t.frequency(), "e min");
        assertEquals(0.5, t.ratio(), 1e-12, "P min");
    }

    @Test
    void ratioCanBeRoundedToWholePercentsWhenAsked() {
        TransferSchedule s = schedule(600, 30, 10, NONE, RELATIVE, "half-even", "half-even", 600);
        s.transferred(30, 40);
        s.transferred(60, 35);
        assertEquals(10, s.ratio(), 1e-12, "9.5 -> 10 half-even: the freeze SPEC.md warns about");
    }

    @Test
    void filterCountPerLayerIsRoundedHalfToEven() {
        TransferSchedule s = schedule(600, 25, 10, NONE, NONE, "half-even", "none", 600);
        assertEquals(6, s.filtersToReceive(64), "6.4");
        assertEquals(2, s.filtersToReceive(25), "2.5 -> 2");
        assertEquals(4, s.filtersToReceive(35), "3.5 -> 4");
        assertEquals(0, s.filtersToReceive(4), "0.4");
    }

    @Test
    void stateRoundTripsAndOnlyTransferPointsAreAccepted() {
        TransferSchedule s = schedule(200, 10, 10, ABSOLUTE, RELATIVE, "half-even", "none", 200);
        s.transferred(10, 20);
        s.transferred(20, 18);
        TransferSchedule copy = schedule(200, 10, 10, ABSOLUTE, RELATIVE, "half-even", "none", 200);
        copy.restore(s.state());
        assertEquals(s.state(), copy.state());
        assertEquals(points(s, 200, 17), points(copy, 200, 17));
        assertFalse(copy.isTransferPoint(11));
        assertThrows(IllegalStateException.class, () -> copy.transferred(11, 5));
    }

    @Test
    void aRuleThatAnswersNaNOrInfinityIsNamed() {
        for (AdjustmentRule broken : List.<AdjustmentRule>of(c -> Double.NaN, c -> Double.POSITIVE_INFINITY)) {
            TransferSchedule s = schedule(20, 2, 10, NONE, broken, "half-even", "none", 20);
            s.transferred(2, 30);
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> s.transferred(4, 20));
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().startsWith("adjustment rule 'p-rule' returned ")
                    && e.getMessage().contains("for the ratio at epoch 4") && e.getMessage().contains("finite number"),
                    e.getMessage());
        }
    }
}
