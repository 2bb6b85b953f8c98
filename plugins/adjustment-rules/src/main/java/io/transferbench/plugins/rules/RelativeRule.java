package io.transferbench.plugins.rules;

import io.transferbench.api.ComponentParameters;
import io.transferbench.api.schedule.AdjustmentContext;
import io.transferbench.api.schedule.AdjustmentRule;
import io.transferbench.api.schedule.AdjustmentRuleFactory;
import io.transferbench.api.schedule.ScheduleParameter;

import java.util.EnumSet;
import java.util.Set;

/**
 * {@code rule-2}: Rule 2, relative: the value moves by the error-rate change as a percentage of itself.
 *
 * <p>For e: {@code x - (diff/100) * x}; for P the sign of the change flips (P shrinks when the error fell).
 */
public final class RelativeRule implements AdjustmentRuleFactory {
    @Override
    public String id() {
        return "rule-2";
    }

    @Override
    public String description() {
        return "Rule 2, relative: the value moves by the error-rate change as a percentage of itself.";
    }

    @Override
    public Set<ScheduleParameter> adjustable() {
        return EnumSet.allOf(ScheduleParameter.class);
    }

    @Override
    public AdjustmentRule create(ComponentParameters parameters) {
        return RelativeRule::adjust;
    }

    static double adjust(AdjustmentContext c) {
        double x = c.value();
        double diff = c.errorRateDiff();
        return x - c.parameter().direction() * (diff / 100) * x;
    }
}
