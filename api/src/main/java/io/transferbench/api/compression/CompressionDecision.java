package io.transferbench.api.compression;

import java.util.List;
import java.util.Map;

/**
 * A controller's answer for one step.
 *
 * @param filtersToRemove per conv layer name, the filter indices to remove (or mask) in this step
 * @param finished        whether compression ends after this step
 */
public record CompressionDecision(Map<String, List<Integer>> filtersToRemove, boolean finished) {
    public CompressionDecision {
        filtersToRemove = Map.copyOf(filtersToRemove);
    }
}
