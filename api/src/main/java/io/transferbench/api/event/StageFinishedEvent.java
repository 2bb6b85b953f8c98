package io.transferbench.api.event;

/** A stage ended after {@code seconds} of wall time. */
public record StageFinishedEvent(String stage, String stageType, int index, double seconds) implements LifecycleEvent {
}
