package io.transferbench.runtime.internal.plugins;

import io.transferbench.api.ComponentFactory;

/** A factory found by plugin discovery, with its kind and source. */
public record DiscoveredComponent(ComponentKind kind, ComponentFactory<?> factory, PluginSource source) {

    public String id() {
        return factory.id();
    }
}
