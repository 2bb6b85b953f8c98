/** A lab's Transferbench components: rename the module and keep the 'provides' lines in step with META-INF/services. */
module org.lab.plugins {
    requires io.transferbench.api;

    provides io.transferbench.api.schedule.AdjustmentRuleFactory with org.lab.plugins.CautiousRule;
    provides io.transferbench.api.importance.ImportanceMetricFactory with org.lab.plugins.MaxWeightImportance;
}
