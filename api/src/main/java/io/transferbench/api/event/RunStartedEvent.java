package io.transferbench.api.event;

/** A run began: its folder name, the pipeline's name and seed, and which trial this is (1-based). */
public record RunStartedEvent(String runId, String pipeline, long seed, int trial) implements LifecycleEvent {
}
