package io.transferbench.plugins.rules;

import io.transferbench.api.ComponentParameters;
import io.transferbench.api.schedule.AdjustmentContext;
import io.transferbench.api.schedule.AdjustmentRule;
import io.transferbench.api.schedule.AdjustmentRuleFactory;
import io.transferbench.api.schedule.ScheduleParameter;

import java.util.EnumSet;
import java.util.Set;

/**
 * {@code rule-1}: Rule 1, absolute: the value moves by the error-rate change in points.
 *
 * <p>For e: {@code x - diff}; for P the sign of the change flips (P shrinks when the error fell).
 */
public final class AbsoluteRule implements AdjustmentRuleFactory {
    @Override
    public String id() {
        return "rule-1";
    }

    @Override
    public String description() {
        return "Rule 1, absolute: the value moves by the error-rate change in points.";
    }

    @Override
    public Set<ScheduleParameter> adjustable() {
        return EnumSet.of(ScheduleParameter.FREQUENCY);
    }

    @Override
    public AdjustmentRule create(ComponentParameters parameters) {
        return AbsoluteRule::adjust;
    }

    static double adjust(AdjustmentContext c) {
        double x = c.value();
        double diff = c.errorRateDiff();
        return x - c.parameter().direction() * diff;
    }
}
