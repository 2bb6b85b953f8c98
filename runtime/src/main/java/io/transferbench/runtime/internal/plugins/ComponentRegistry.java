package io.transferbench.runtime.internal.plugins;

import io.transferbench.api.ComponentFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Every usable component by kind and id, and the problems met while loading plugins. */
public final class ComponentRegistry {

    private final Map<ComponentKind, Map<String, DiscoveredComponent>> components = new EnumMap<>(ComponentKind.class);
    private final List<PluginProblem> problems;

    public ComponentRegistry(List<DiscoveredComponent> discovered, List<PluginProblem> problems) {
        for (ComponentKind kind : ComponentKind.values()) {
            components.put(kind, new TreeMap<>());
        }
        for (DiscoveredComponent c : discovered) {
            DiscoveredComponent previous = components.get(c.kind()).putIfAbsent(c.id(), c);
            if (previous != null) {
                throw new IllegalArgumentException("duplicate " + c.kind().displayName() + " id '" + c.id()
                        + "' reached the registry; the loader must reject duplicates first");
            }
        }
        this.problems = List.copyOf(problems);
    }

    public Optional<DiscoveredComponent> find(ComponentKind kind, String id) {
        return Optional.ofNullable(components.get(kind).get(id));
    }

    /** Ids of one kind, sorted. */
    public List<String> ids(ComponentKind kind) {
        return List.copyOf(components.get(kind).keySet());
    }

    /** Factories of one kind by id, sorted by id. */
    @SuppressWarnings("unchecked")
    public <F extends ComponentFactory<?>> Map<String, F> factories(ComponentKind kind, Class<F> type) {
        if (!kind.service().equals(type)) {
            throw new IllegalArgumentException(kind + " factories are " + kind.service().getSimpleName());
        }
        Map<String, F> result = new TreeMap<>();
        components.get(kind).forEach((id, c) -> result.put(id, (F) c.factory()));
        return Collections.unmodifiableMap(result);
    }

    /** Every component, sorted by kind then id. */
    public List<DiscoveredComponent> all() {
        List<DiscoveredComponent> all = new ArrayList<>();
        components.values().forEach(m -> all.addAll(m.values()));
        all.sort(Comparator.comparing(DiscoveredComponent::kind).thenComparing(DiscoveredComponent::id));
        return all;
    }

    public List<PluginProblem> problems() {
        return problems;
    }

    /** Why an id of this kind is missing, when a plugin problem explains it. */
    public Optional<String> whyUnavailable(ComponentKind kind, String id) {
        return problems.stream().filter(p -> p.rejectedIds().contains(kind.name() + ":" + id))
                .map(PluginProblem::toString).collect(Collectors.collectingAndThen(Collectors.joining("; "),
                        s -> s.isEmpty() ? Optional.empty() : Optional.of(s)));
    }
}
