package io.transferbench.api.event;

import java.util.List;

/**
 * An {@code embed-tasks} stage's distance between every pair of its tasks, by the stage's task distance.
 *
 * @param distance  the distance component's id, e.g. {@code cosine}
 * @param tasks     the tasks, in the stage's order (rows and columns)
 * @param distances {@code distances.get(i).get(j)} = d(tasks[i] -> tasks[j]) (the diagonal is d(t -> t))
 */
public record TaskDistancesEvent(String stage, String distance, List<String> tasks, List<List<Double>> distances)
        implements StageEvent {
    public TaskDistancesEvent {
        tasks = List.copyOf(tasks);
        distances = distances.stream().map(List::copyOf).toList();
    }
}
