package io.transferbench.api.event;

import java.util.List;

/** Filters of one conv layer were removed, with the network's size and accuracy before and after. */
public record PruningStepCompletedEvent(String stage, String network, int step, String layer,
                                        List<Integer> removedFilters, long parametersBefore, long parametersAfter,
                                        long flopsBefore, long flopsAfter, double accuracyBefore,
                                        double accuracyAfter) implements LifecycleEvent {
    public PruningStepCompletedEvent {
        removedFilters = List.copyOf(removedFilters);
    }
}
