package io.transferbench.plugins.rules;

import io.transferbench.api.ComponentParameters;
import io.transferbench.api.schedule.AdjustmentContext;
import io.transferbench.api.schedule.AdjustmentRuleFactory;
import io.transferbench.api.schedule.ScheduleParameter;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static io.transferbench.api.schedule.ScheduleParameter.FREQUENCY;
import static io.transferbench.api.schedule.ScheduleParameter.RATIO;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The worked examples of SPEC.md section 1 (x = 30, diff = -5), before rounding. */
class AdjustmentRulesTest {

    private static double apply(AdjustmentRuleFactory factory, ScheduleParameter p, double x, double diff,
                                int n, int t, int total) {
        return factory.create(ComponentParameters.of(factory.id(), Map.of(), 0))
                .adjust(new AdjustmentContext(p, x, diff, n, t, total));
    }

    @Test
    void workedExamplesForFrequency() {
        assertEquals(35.0, apply(new AbsoluteRule(), FREQUENCY, 30, -5, 2, 50, 600), 1e-12);
        assertEquals(31.5, apply(new RelativeRule(), FREQUENCY, 30, -5, 2, 50, 600), 1e-12);
        assertEquals(45.0, apply(new CountScaledAbsoluteRule(), FREQUENCY, 30, -5, 3, 50, 600), 1e-12);
        assertEquals(34.5, apply(new CountScaledRelativeRule(), FREQUENCY, 30, -5, 3, 50, 600), 1e-12);
        assertEquals(39.0, apply(new ProgressScaledRelativeRule(), FREQUENCY, 30, -5, 2, 100, 600), 1e-12);
    }

    @Test
    void risingErrorShortensTheFrequency() {
        assertEquals(25.0, apply(new AbsoluteRule(), FREQUENCY, 30, 5, 2, 50, 600), 1e-12);
        assertEquals(21.0, apply(new ProgressScaledRelativeRule(), FREQUENCY, 30, 5, 2, 100, 600), 1e-12);
    }

    @Test
    void ratioMovesTheOtherWay() {
        // rule 2 for P: x + (diff/100) * x
        assertEquals(9.5, apply(new RelativeRule(), RATIO, 10, -5, 2, 50, 600), 1e-12);
        assertEquals(10.5, apply(new RelativeRule(), RATIO, 10, 5, 2, 50, 600), 1e-12);
        assertEquals(8.5, apply(new CountScaledRelativeRule(), RATIO, 10, -5, 3, 50, 600), 1e-12);
        assertEquals(7.0, apply(new ProgressScaledRelativeRule(), RATIO, 10, -5, 2, 100, 600), 1e-12);
    }

    @Test
    void noneKeepsTheValue() {
        assertEquals(30.0, apply(new NoAdjustmentRule(), FREQUENCY, 30, -5, 2, 50, 600));
        assertEquals(10.0, apply(new NoAdjustmentRule(), RATIO, 10, 7, 4, 50, 600));
    }

    @Test
    void absoluteRulesDeclareFrequencyOnly() {
        assertEquals(Set.of(FREQUENCY), new AbsoluteRule().adjustable());
        assertEquals(Set.of(FREQUENCY), new CountScaledAbsoluteRule().adjustable());
        assertEquals(Set.of(FREQUENCY, RATIO), new RelativeRule().adjustable());
        assertEquals(Set.of(FREQUENCY, RATIO), new CountScaledRelativeRule().adjustable());
        assertEquals(Set.of(FREQUENCY, RATIO), new ProgressScaledRelativeRule().adjustable());
    }
}
