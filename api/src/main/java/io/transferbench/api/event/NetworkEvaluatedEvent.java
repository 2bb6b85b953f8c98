package io.transferbench.api.event;

import java.util.List;

/**
 * A network was evaluated on its task's evaluation split outside training (an {@code evaluate} stage).
 *
 * @param confusion images by true class (rows) and predicted class (columns), in the task's labels
 *                  (0..n-1, the order of the task's classes); empty when not recorded
 */
public record NetworkEvaluatedEvent(String stage, String network, String task, double accuracy, double errorRate,
                                    double loss, int images, List<List<Integer>> confusion) implements StageEvent {
    public NetworkEvaluatedEvent {
        confusion = confusion == null ? List.of() : confusion.stream().map(List::copyOf).toList();
    }
}
