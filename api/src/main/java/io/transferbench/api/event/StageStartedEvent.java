package io.transferbench.api.event;

/** A stage began; {@code index} is its 0-based position in the pipeline. */
public record StageStartedEvent(String stage, String stageType, int index) implements LifecycleEvent {
}
