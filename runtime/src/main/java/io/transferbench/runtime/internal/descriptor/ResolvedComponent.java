package io.transferbench.runtime.internal.descriptor;

import io.transferbench.api.ComponentParameters;
import io.transferbench.runtime.internal.plugins.DiscoveredComponent;
import io.transferbench.runtime.internal.plugins.PluginCalls;

/** A component named in a descriptor, found in the registry, with its validated parameters. */
public record ResolvedComponent(DiscoveredComponent component, ComponentParameters parameters, Location location) {

    public String id() {
        return component.id();
    }

    /** Creates the component; the factory's checks already passed during validation. */
    public Object create() {
        return PluginCalls.call(component, "create()", () -> component.factory().create(parameters));
    }

    /** Creates the component as the type its kind promises. */
    public <T> T create(Class<T> type) {
        return PluginCalls.guarded(type, type.cast(create()), component);
    }

    /** Creates the component with its randomness seeded by {@code seed}. */
    public Object create(long seed) {
        return PluginCalls.call(component, "create()", () -> component.factory().create(parameters.withSeed(seed)));
    }
}
