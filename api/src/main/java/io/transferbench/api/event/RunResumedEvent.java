package io.transferbench.api.event;

import java.util.List;

/**
 * An interrupted run continued from its last checkpoint: the stage it went on with (its 0-based
 * {@code index} and {@code stage} name; empty when every stage had completed), the epochs of that stage
 * already done, and the networks restored from the checkpoint.
 */
public record RunResumedEvent(String runId, String stage, int index, int epoch, List<String> networks)
        implements LifecycleEvent {
    public RunResumedEvent {
        networks = networks == null ? List.of() : List.copyOf(networks);
    }
}
