package io.transferbench.api.event;

/**
 * A run began: its folder name, the pipeline's name and seed, which trial this is (1-based), and, for
 * one combination of a sweep, the values that make it ({@code stages[1].frequency.rule=rule-5}; empty
 * otherwise).
 */
public record RunStartedEvent(String runId, String pipeline, long seed, int trial, String configuration)
        implements LifecycleEvent {
    public RunStartedEvent {
        configuration = configuration == null ? "" : configuration;
    }
}
