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

    /** The components listed under {@code key}, each named {@code key[i]} (its seed too). */
    public <T> java.util.List<StageComponent<T>> components(String key, Class<T> type) {
        java.util.List<io.transferbench.runtime.internal.descriptor.ResolvedComponent> listed = section.components(key);
        java.util.List<StageComponent<T>> out = new java.util.ArrayList<>();
        for (int i = 0; i < listed.size(); i++) {
            String item = key + "[" + i + "]";
            out.add(new StageComponent<>(name, item, listed.get(i), type,
                    Seeds.derive(Seeds.derive(pipeline.effectiveSeed(), name), item)));
        }
        return out;
    }

    /** The descriptor entry of network {@code name}. */
    public Section network(String name) {
        return pipeline.networks().get(name);
    }

    /**
     * Whether two tasks label the same classes in the same order, as far as the descriptor tells (a head trained
     * for one then fits the other). Superclasses draw their fine classes per task: check the data again.
     */
    public boolean sameClasses(String taskA, String taskB) {
        Section a = pipeline.tasks().get(taskA);
        Section b = pipeline.tasks().get(taskB);
        return a.string("dataset").equals(b.string("dataset")) && a.scalars("classes").equals(b.scalars("classes"))
                && a.scalars("superclasses").equals(b.scalars("superclasses"));
    }

    /** The task a network is trained and evaluated on. */
    public String taskOf(String network) {
        return network(network).string("task");
    }
}
