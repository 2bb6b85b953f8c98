package io.transferbench.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The validated parameter values of one component, with defaults filled in, and where each was written.
 *
 * <p>The runtime builds this after checking the descriptor against the factory's
 * {@link ComponentFactory#parameters()}, so the typed getters only fail on a programming error
 * (asking for a parameter the factory never declared, or with the wrong type).
 */
public final class ComponentParameters {

    private final String componentId;
    private final Map<String, Object> values;
    private final Map<String, String> locations;
    private final long seed;

    /**
     * @param componentId the id of the component these values are for
     * @param values      values by parameter name: {@code Long}, {@code Double}, {@code Boolean} or {@code String}
     * @param locations   where each value was written, e.g. {@code pipeline.yaml:12:9 (stages[1].importance.images)}
     * @param seed        the seed for this component's randomness, derived from the descriptor's seed
     */
    public ComponentParameters(String componentId, Map<String, Object> values, Map<String, String> locations, long seed) {
        this.componentId = Objects.requireNonNull(componentId, "componentId");
        this.values = Map.copyOf(values);
        this.locations = Map.copyOf(locations);
        this.seed = seed;
    }

    /** Values without locations, for tests and programmatic use. */
    public static ComponentParameters of(String componentId, Map<String, ?> values, long seed) {
        Map<String, Object> normalised = new LinkedHashMap<>();
        values.forEach((k, v) -> normalised.put(k, v instanceof Integer ? Long.valueOf((Integer) v) : v));
        return new ComponentParameters(componentId, normalised, Map.of(), seed);
    }

    public String componentId() {
        return componentId;
    }

    /** The same values with another seed (one instance of a component per network, say). */
    public ComponentParameters withSeed(long newSeed) {
        return new ComponentParameters(componentId, values, locations, newSeed);
    }

    /** The seed for this component's randomness; the same descriptor seed gives the same value. */
    public long seed() {
        return seed;
    }

    public Set<String> names() {
        return values.keySet();
    }

    /** Every value by name, defaults included. */
    public Map<String, Object> values() {
        return values;
    }

    public long integer(String name) {
        return get(name, Long.class);
    }

    public double number(String name) {
        Object v = require(name);
        if (v instanceof Number) {
            return ((Number) v).doubleValue();
        }
        throw wrongType(name, "number", v);
    }

    public boolean flag(String name) {
        return get(name, Boolean.class);
    }

    public String string(String name) {
        return get(name, String.class);
    }

    /** Where the value of {@code name} was written, or the component id when it came from a default. */
    public String locationOf(String name) {
        return locations.getOrDefault(name, "parameter '" + name + "' of '" + componentId + "' (default)");
    }

    /** An exception that names where {@code name} was written and what would be right. */
    public InvalidParameterException invalid(String name, String whatWouldBeRight) {
        return new InvalidParameterException(locationOf(name), componentId, name, whatWouldBeRight);
    }

    private <V> V get(String name, Class<V> type) {
        Object v = require(name);
        if (type.isInstance(v)) {
            return type.cast(v);
        }
        throw wrongType(name, type.getSimpleName(), v);
    }

    private Object require(String name) {
        Object v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("component '" + componentId + "' has no parameter '" + name
                    + "'; it has " + values.keySet());
        }
        return v;
    }

    private IllegalArgumentException wrongType(String name, String wanted, Object actual) {
        return new IllegalArgumentException("parameter '" + name + "' of '" + componentId + "' is "
                + actual.getClass().getSimpleName() + ", not " + wanted);
    }

    @Override
    public String toString() {
        return componentId + new java.util.TreeMap<>(values);
    }
}
