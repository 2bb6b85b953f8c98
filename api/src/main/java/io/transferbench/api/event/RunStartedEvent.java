package io.transferbench.api.event;

import java.util.Map;

/**
 * A run began: its folder name, the pipeline's name and seed, which trial this is (1-based), for one
 * combination of a sweep the values that make it ({@code stages[1].frequency.rule=rule-5}; empty
 * otherwise), and where its numbers come from.
 *
 * @param provenance the build (version, commit), Java, machine, engine and thread settings, and checksums of
 *                   the data files and plugin JARs, by name
 */
public record RunStartedEvent(String runId, String pipeline, long seed, int trial, String configuration,
                              Map<String, String> provenance) implements LifecycleEvent {
    public RunStartedEvent {
        configuration = configuration == null ? "" : configuration;
        provenance = provenance == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(provenance));
    }
}
