package io.transferbench.api.event;

/**
 * A stage ended after {@code seconds} of wall time.
 *
 * @param succeeded whether it completed
 * @param failure   why it failed (empty when it succeeded)
 */
public record StageFinishedEvent(String stage, String stageType, int index, double seconds, boolean succeeded,
                                 String failure) implements StageEvent {
    public StageFinishedEvent {
        failure = failure == null ? "" : failure;
    }

    /** A stage that completed. */
    public static StageFinishedEvent succeeded(String stage, String stageType, int index, double seconds) {
        return new StageFinishedEvent(stage, stageType, index, seconds, true, "");
    }
}
