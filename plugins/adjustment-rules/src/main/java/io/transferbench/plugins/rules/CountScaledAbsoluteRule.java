package io.transferbench.plugins.rules;

import io.transferbench.api.ComponentParameters;
import io.transferbench.api.schedule.AdjustmentContext;
import io.transferbench.api.schedule.AdjustmentRule;
import io.transferbench.api.schedule.AdjustmentRuleFactory;
import io.transferbench.api.schedule.ScheduleParameter;

import java.util.EnumSet;
import java.util.Set;

/**
 * {@code rule-3}: Rule 3, count-scaled absolute: rule 1 times the transfer number n.
 *
 * <p>For e: {@code x - n * diff}; for P the sign of the change flips (P shrinks when the error fell).
 */
public final class CountScaledAbsoluteRule implements AdjustmentRuleFactory {
    @Override
    public String id() {
        return "rule-3";
    }

    @Override
    public String description() {
        return "Rule 3, count-scaled absolute: rule 1 times the transfer number n.";
    }

    @Override
    public Set<ScheduleParameter> adjustable() {
        return EnumSet.of(ScheduleParameter.FREQUENCY);
    }

    @Override
    public AdjustmentRule create(ComponentParameters parameters) {
        return CountScaledAbsoluteRule::adjust;
    }

    static double adjust(AdjustmentContext c) {
        double x = c.value();
        double diff = c.errorRateDiff();
        return x - c.parameter().direction() * c.transferNumber() * diff;
    }
}
