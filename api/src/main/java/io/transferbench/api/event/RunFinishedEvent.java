package io.transferbench.api.event;

/** A run ended, successfully or not, after {@code seconds} of wall time. */
public record RunFinishedEvent(String runId, boolean succeeded, double seconds) implements LifecycleEvent {
}
