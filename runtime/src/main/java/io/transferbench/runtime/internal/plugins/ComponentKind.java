package io.transferbench.runtime.internal.plugins;

import io.transferbench.api.ComponentFactory;
import io.transferbench.api.compression.CompressionControllerFactory;
import io.transferbench.api.event.LifecycleListenerFactory;
import io.transferbench.api.importance.ImportanceMetricFactory;
import io.transferbench.api.patching.CoefficientSearchFactory;
import io.transferbench.api.selection.ModelSelectorFactory;
import io.transferbench.api.selection.TaskDistanceFactory;
import io.transferbench.api.schedule.AdjustmentRuleFactory;
import io.transferbench.api.transfer.TransferPolicyFactory;

/** The kinds of component a plugin can provide, each a service interface of the API. */
public enum ComponentKind {
    IMPORTANCE_METRIC("importance metric", ImportanceMetricFactory.class),
    ADJUSTMENT_RULE("adjustment rule", AdjustmentRuleFactory.class),
    TRANSFER_POLICY("transfer policy", TransferPolicyFactory.class),
    COMPRESSION_CONTROLLER("compression controller", CompressionControllerFactory.class),
    COEFFICIENT_SEARCH("coefficient search", CoefficientSearchFactory.class),
    TASK_DISTANCE("task distance", TaskDistanceFactory.class),
    MODEL_SELECTOR("model selector", ModelSelectorFactory.class),
    LIFECYCLE_LISTENER("lifecycle listener", LifecycleListenerFactory.class);

    private final String displayName;
    private final Class<? extends ComponentFactory<?>> service;

    ComponentKind(String displayName, Class<? extends ComponentFactory<?>> service) {
        this.displayName = displayName;
        this.service = service;
    }

    /** Lowercase words for messages, e.g. "adjustment rule". */
    public String displayName() {
        return displayName;
    }

    public Class<? extends ComponentFactory<?>> service() {
        return service;
    }
}
