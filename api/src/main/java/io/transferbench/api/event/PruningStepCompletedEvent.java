package io.transferbench.api.event;

import java.util.List;

/**
 * Filters of one conv layer were removed, with the layer's filter count before, and the network's
 * size and evaluation accuracy before and after (before any retraining).
 *
 * @param adaptationBatches training batches the batch-norm statistics of the network after this removal were
 *                          re-estimated from, in a copy, before {@code accuracyAfter} was measured (0: not)
 */
public record PruningStepCompletedEvent(String stage, String network, int step, String layer, int filtersBefore,
                                        List<Integer> removedFilters, long parametersBefore, long parametersAfter,
                                        long flopsBefore, long flopsAfter, double accuracyBefore,
                                        double accuracyAfter, int adaptationBatches) implements StageEvent {
    public PruningStepCompletedEvent {
        removedFilters = List.copyOf(removedFilters);
    }
}
