package io.transferbench.api.event;

/** A network was evaluated on its task's evaluation split outside training (an {@code evaluate} stage). */
public record NetworkEvaluatedEvent(String stage, String network, String task, double accuracy, double errorRate,
                                    double loss, int images) implements StageEvent {
}
