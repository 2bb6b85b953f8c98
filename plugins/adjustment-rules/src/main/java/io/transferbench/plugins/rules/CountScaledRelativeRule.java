package io.transferbench.plugins.rules;

import io.transferbench.api.ComponentParameters;
import io.transferbench.api.schedule.AdjustmentContext;
import io.transferbench.api.schedule.AdjustmentRule;
import io.transferbench.api.schedule.AdjustmentRuleFactory;
import io.transferbench.api.schedule.ScheduleParameter;

import java.util.EnumSet;
import java.util.Set;

/**
 * {@code rule-4}: Rule 4, count-scaled relative: rule 2 times the transfer number n.
 *
 * <p>For e: {@code x - n * (diff/100) * x}; for P the sign of the change flips (P shrinks when the error fell).
 */
public final class CountScaledRelativeRule implements AdjustmentRuleFactory {
    @Override
    public String id() {
        return "rule-4";
    }

    @Override
    public String description() {
        return "Rule 4, count-scaled relative: rule 2 times the transfer number n.";
    }

    @Override
    public Set<ScheduleParameter> adjustable() {
        return EnumSet.allOf(ScheduleParameter.class);
    }

    @Override
    public AdjustmentRule create(ComponentParameters parameters) {
        return CountScaledRelativeRule::adjust;
    }

    static double adjust(AdjustmentContext c) {
        double x = c.value();
        double diff = c.errorRateDiff();
        return x - c.parameter().direction() * c.transferNumber() * (diff / 100) * x;
    }
}
