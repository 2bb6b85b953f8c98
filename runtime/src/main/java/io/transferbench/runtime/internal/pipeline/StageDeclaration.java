package io.transferbench.runtime.internal.pipeline;

import io.transferbench.runtime.internal.descriptor.PipelineDescriptor;
import io.transferbench.runtime.internal.descriptor.Section;
import io.transferbench.runtime.internal.descriptor.Seeds;

/**
 * A stage as the descriptor declares it, for {@link StageType#settings}: its validated section, its name
 * and position, and the pipeline it belongs to (its networks and tasks).
 */
public record StageDeclaration(PipelineDescriptor pipeline, Section section, String name, int index) {

    /** The component named under {@code key} (nested keys joined by '.'), or its default. */
    public <T> StageComponent<T> component(String key, Class<T> type) {
        Section holder = section;
        String[] parts = key.split("\\.");
        for (int i = 0; i < parts.length - 1; i++) {
            holder = holder.section(parts[i]);
        }
        long seed = Seeds.derive(Seeds.derive(pipeline.effectiveSeed(), name), key);
        return new StageComponent<>(name, key, holder.component(parts[parts.length - 1]), type, seed);
    }

    /** The descriptor entry of network {@code name}. */
    public Section network(String name) {
        return pipeline.networks().get(name);
    }

    /** The task a network is trained and evaluated on. */
    public String taskOf(String network) {
        return network(network).string("task");
    }
}
