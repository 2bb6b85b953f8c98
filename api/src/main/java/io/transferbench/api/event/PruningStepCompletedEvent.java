package io.transferbench.api.event;

import java.util.List;

/**
 * Filters of one conv layer were removed, with the layer's filter count before, and the network's
 * size and evaluation accuracy before and after.
 */
public record PruningStepCompletedEvent(String stage, String network, int step, String layer, int filtersBefore,
                                        List<Integer> removedFilters, long parametersBefore, long parametersAfter,
                                        long flopsBefore, long flopsAfter, double accuracyBefore,
                                        double accuracyAfter) implements StageEvent {
    public PruningStepCompletedEvent {
        removedFilters = List.copyOf(removedFilters);
    }
}
