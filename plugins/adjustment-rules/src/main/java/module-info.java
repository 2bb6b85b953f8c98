/** The built-in adjustment rules: {@code none} and rules 1-5 of the online fine-tuning paper. */
module io.transferbench.plugins.rules {
    requires io.transferbench.api;

    provides io.transferbench.api.schedule.AdjustmentRuleFactory with
            io.transferbench.plugins.rules.NoAdjustmentRule,
            io.transferbench.plugins.rules.AbsoluteRule,
            io.transferbench.plugins.rules.RelativeRule,
            io.transferbench.plugins.rules.CountScaledAbsoluteRule,
            io.transferbench.plugins.rules.CountScaledRelativeRule,
            io.transferbench.plugins.rules.ProgressScaledRelativeRule;
}
