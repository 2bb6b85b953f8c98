package io.transferbench.api.schedule;

import io.transferbench.api.ComponentFactory;

import java.util.EnumSet;
import java.util.Set;

/** The service a plugin provides to contribute an adjustment rule. */
public interface AdjustmentRuleFactory extends ComponentFactory<AdjustmentRule> {

    /**
     * Which schedule values this rule can adjust; the descriptor validator rejects the rule for any
     * other. Both by default.
     */
    default Set<ScheduleParameter> adjustable() {
        return EnumSet.allOf(ScheduleParameter.class);
    }
}
