package io.transferbench.api.event;

/** A network reached its {@code transferNumber}-th (1-based) transfer point, with its error rate there. */
public record TransferPointReachedEvent(String stage, String receiver, String sender, int epoch,
                                        int transferNumber, double errorRate) implements StageEvent {
}
