package org.lab.plugins;

import io.transferbench.api.ComponentParameters;
import io.transferbench.api.ParameterSpec;
import io.transferbench.api.schedule.AdjustmentRule;
import io.transferbench.api.schedule.AdjustmentRuleFactory;

import java.util.List;

/**
 * {@code cautious}: transfers less when they hurt, and leaves the schedule alone when they help. When
 * the error rate rose since the last transfer, e grows (and P shrinks) by {@code step} percent.
 */
public final class CautiousRule implements AdjustmentRuleFactory {

    @Override
    public String id() {
        return "cautious";
    }

    @Override
    public String description() {
        return "Transfers less (e up, P down by 'step' percent) when the error rate rose; otherwise keeps them.";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.number("step", "Percent change when the error rate rose.")
                .withDefault(20.0).withMinimum(0).withMaximum(100));
    }

    @Override
    public AdjustmentRule create(ComponentParameters parameters) {
        double step = parameters.number("step") / 100;
        // direction is +1 for e and -1 for P: "transfer less" is e up and P down
        return c -> c.errorRateDiff() > 0 ? c.value() * (1 + c.parameter().direction() * step) : c.value();
    }
}
