package io.transferbench.plugins.rules;

import io.transferbench.api.ComponentParameters;
import io.transferbench.api.schedule.AdjustmentContext;
import io.transferbench.api.schedule.AdjustmentRule;
import io.transferbench.api.schedule.AdjustmentRuleFactory;
import io.transferbench.api.schedule.ScheduleParameter;

import java.util.EnumSet;
import java.util.Set;

/**
 * {@code rule-5}: Rule 5, progress-scaled relative: rule 2 times T/t, strongest early in training.
 *
 * <p>For e: {@code x - (T/t) * (diff/100) * x}; for P the sign of the change flips (P shrinks when the error fell).
 */
public final class ProgressScaledRelativeRule implements AdjustmentRuleFactory {
    @Override
    public String id() {
        return "rule-5";
    }

    @Override
    public String description() {
        return "Rule 5, progress-scaled relative: rule 2 times T/t, strongest early in training.";
    }

    @Override
    public Set<ScheduleParameter> adjustable() {
        return EnumSet.allOf(ScheduleParameter.class);
    }

    @Override
    public AdjustmentRule create(ComponentParameters parameters) {
        return ProgressScaledRelativeRule::adjust;
    }

    static double adjust(AdjustmentContext c) {
        double x = c.value();
        double diff = c.errorRateDiff();
        return x - c.parameter().direction() * ((double) c.totalEpochs() / c.epoch()) * (diff / 100) * x;
    }
}
