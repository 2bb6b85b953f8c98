package io.transferbench.api.event;

import java.util.List;

/**
 * A model selector of a {@code select-model} stage scored the library for one target.
 *
 * @param selector   the descriptor key that names it, e.g. {@code selectors[0]}
 * @param selectorId the component's id, e.g. {@code task2vec}
 * @param experts    the library, in the order of {@code scores}
 * @param scores     its score per expert (higher is better)
 * @param chosen     the expert with the best score (the first of equal ones)
 * @param how        how it scored, in the selector's words
 */
public record ModelSelectedEvent(String stage, String target, String selector, String selectorId,
                                 List<String> experts, List<Double> scores, String chosen, String how,
                                 double seconds) implements StageEvent {
    public ModelSelectedEvent {
        experts = List.copyOf(experts);
        scores = List.copyOf(scores);
    }
}
