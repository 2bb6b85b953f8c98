package io.transferbench.plugins.rules;

import io.transferbench.api.ComponentParameters;
import io.transferbench.api.schedule.AdjustmentRule;
import io.transferbench.api.schedule.AdjustmentRuleFactory;

/** {@code none}: the value never changes (the paper's "no adjustment"). */
public final class NoAdjustmentRule implements AdjustmentRuleFactory {
    @Override
    public String id() {
        return "none";
    }

    @Override
    public String description() {
        return "No adjustment: e and P keep their initial values.";
    }

    @Override
    public AdjustmentRule create(ComponentParameters parameters) {
        return context -> context.value();
    }
}
