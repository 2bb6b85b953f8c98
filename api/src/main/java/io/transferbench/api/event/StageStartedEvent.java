package io.transferbench.api.event;

import java.util.Map;

/**
 * A stage began; {@code index} is its 0-based position in the pipeline.
 *
 * @param settings the stage's resolved settings (defaults filled in), nested keys joined by dots, e.g.
 *                 {@code frequency.rule.id}; so a run can be compared from its events alone
 */
public record StageStartedEvent(String stage, String stageType, int index, Map<String, Object> settings)
        implements StageEvent {
    public StageStartedEvent {
        // sorted, so events serialise the same way on every run
        settings = settings == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(settings));
    }
}
