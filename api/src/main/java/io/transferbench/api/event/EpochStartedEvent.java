package io.transferbench.api.event;

/** A network began an epoch (1-based) of {@code totalEpochs}. */
public record EpochStartedEvent(String stage, String network, int epoch, int totalEpochs) implements StageEvent {
}
