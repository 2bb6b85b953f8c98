package io.transferbench.api.event;

import java.util.List;

/**
 * An {@code embed-tasks} stage embedded one task on its probe network (Task2Vec).
 *
 * @param probe        the probe network's name
 * @param method       how the Fisher information was estimated, e.g. {@code monte-carlo}
 * @param layers       the probe's conv layers the embedding covers, in order
 * @param filters      each of those layers' number of filters (the embedding's segments)
 * @param embedding    one value per filter: the Fisher information's diagonal averaged over the filter's weights
 * @param norm         the embedding's Euclidean norm
 * @param images       training images of the task the estimate averaged over
 * @param labelDraws   labels drawn per image from the probe's prediction (0: the exact expectation over classes)
 * @param headAccuracy accuracy on the task's test split of the probe with its re-fitted head
 * @param headLoss     its mean cross-entropy there
 */
public record TaskEmbeddedEvent(String stage, String task, String probe, String method, List<String> layers,
                                List<Integer> filters, List<Double> embedding, double norm, int images,
                                int labelDraws, double headAccuracy, double headLoss) implements StageEvent {
    public TaskEmbeddedEvent {
        layers = List.copyOf(layers);
        filters = List.copyOf(filters);
        embedding = List.copyOf(embedding);
    }
}
