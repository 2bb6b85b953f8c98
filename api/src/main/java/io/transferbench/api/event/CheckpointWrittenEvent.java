package io.transferbench.api.event;

/** A checkpoint was written atomically to {@code path}, relative to the run folder. */
public record CheckpointWrittenEvent(String stage, int epoch, String path) implements StageEvent {
}
