package io.transferbench.runtime.internal.descriptor;

import io.transferbench.api.ComponentFactory;
import io.transferbench.api.ComponentParameters;
import io.transferbench.api.InvalidParameterException;
import io.transferbench.api.ParameterSpec;
import io.transferbench.runtime.internal.plugins.ComponentKind;
import io.transferbench.runtime.internal.plugins.ComponentRegistry;
import io.transferbench.runtime.internal.plugins.DiscoveredComponent;
import io.transferbench.runtime.internal.plugins.PluginCalls;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A component named by id ({@code rule: rule-5}) or by id with parameters
 * ({@code importance: {id: hrank, images: 256}}), checked against the plugin registry and the
 * factory's declared parameters.
 */
public final class ComponentSchema extends Schema {

    static final String ID_KEY = "id";

    final ComponentKind kind;
    /** Returns why a found factory cannot serve here, or empty when it can. */
    final Function<ComponentFactory<?>, Optional<String>> suitability;

    ComponentSchema(String description, ComponentKind kind, Function<ComponentFactory<?>, Optional<String>> suitability) {
        super(description);
        this.kind = kind;
        this.suitability = suitability;
    }

    public ComponentKind kind() {
        return kind;
    }

    @Override
    String expected() {
        return "the id of a " + kind.displayName() + ", or a mapping with 'id' and its parameters";
    }

    @Override
    void validate(YamlNode node, String path, Validation v) {
        Optional<ResolvedComponent> resolved = resolve(node, path, kind, v.registry, v.seed, v);
        resolved.ifPresent(r -> {
            Optional<String> unsuitable = suitability.apply(r.component().factory());
            if (unsuitable.isPresent()) {
                v.problem(node.location(), path, unsuitable.get());
                return;
            }
            try {
                if (r.create() == null) {
                    v.problem(node.location(), path, "the " + kind.displayName() + " '" + r.id() + "' from "
                            + r.component().source().location() + " returned no instance from create(); the plugin is faulty");
                }
            } catch (InvalidParameterException e) {
                v.problem(locationOf(node, e.parameter()), path + "." + e.parameter(), e.getMessage()
                        .substring(e.location().length() + 2));
            } catch (PluginCalls.PluginFailure e) {
                Throwable cause = e.getCause();
                v.problem(node.location(), path, "the " + kind.displayName() + " '" + r.id() + "' from "
                        + r.component().source().location() + (cause instanceof RuntimeException
                        ? " rejected its parameters: " + cause
                        : " could not be created: " + cause + " (its JAR, or a library it needs, is incomplete)"));
            }
        });
    }

    private static Location locationOf(YamlNode node, String parameter) {
        if (node instanceof YamlNode.Mapping) {
            YamlNode.Entry e = ((YamlNode.Mapping) node).entries().get(parameter);
            if (e != null) {
                return e.value().location();
            }
        }
        return node.location();
    }

    /**
     * Finds the component and checks its parameters, reporting problems to {@code v}; empty when
     * it cannot be resolved.
     */
    static Optional<ResolvedComponent> resolve(YamlNode node, String path, ComponentKind kind, ComponentRegistry registry,
                                               long seed, Validation v) {
        YamlNode idNode;
        Map<String, YamlNode.Entry> given = new LinkedHashMap<>();
        if (node instanceof YamlNode.Scalar) {
            idNode = node;
        } else if (node instanceof YamlNode.Mapping) {
            Map<String, YamlNode.Entry> entries = ((YamlNode.Mapping) node).entries();
            YamlNode.Entry id = entries.get(ID_KEY);
            if (id == null) {
                v.problem(node.location(), path + "." + ID_KEY, "missing; name the " + kind.displayName()
                        + ", one of " + String.join(", ", registry.ids(kind)));
                return Optional.empty();
            }
            idNode = id.value();
            entries.forEach((k, e) -> {
                if (!k.equals(ID_KEY)) {
                    given.put(k, e);
                }
            });
        } else {
            wrongType(node, path, v, new ComponentSchema("", kind, f -> Optional.empty()));
            return Optional.empty();
        }
        Object idValue = idNode instanceof YamlNode.Scalar ? ((YamlNode.Scalar) idNode).value() : null;
        String idPath = node instanceof YamlNode.Mapping ? path + "." + ID_KEY : path;
        if (!(idValue instanceof String)) {
            v.problem(idNode.location(), idPath, "expected the id of a " + kind.displayName() + ", found " + idNode.kind());
            return Optional.empty();
        }
        String id = (String) idValue;
        Optional<DiscoveredComponent> found = registry.find(kind, id);
        if (found.isEmpty()) {
            String why = registry.whyUnavailable(kind, id).map(w -> " (" + w + ")").orElse("");
            v.problem(idNode.location(), idPath, "unknown " + kind.displayName() + " '" + id + "'" + why
                    + Suggestions.didYouMean(id, registry.ids(kind)) + "; available: "
                    + (registry.ids(kind).isEmpty() ? "none installed" : String.join(", ", registry.ids(kind))));
            return Optional.empty();
        }
        DiscoveredComponent component = found.get();
        List<ParameterSpec> specs = component.factory().parameters();
        Map<String, ParameterSpec> byName = specs.stream()
                .collect(Collectors.toMap(ParameterSpec::name, s -> s, (a, b) -> a, LinkedHashMap::new));
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, String> locations = new LinkedHashMap<>();
        int before = v.problems.size();
        for (YamlNode.Entry e : given.values()) {
            String p = path + "." + e.key();
            ParameterSpec spec = byName.get(e.key());
            if (spec == null) {
                v.problem(e.keyLocation(), p, "unknown parameter of " + kind.displayName() + " '" + id + "'"
                        + Suggestions.didYouMean(e.key(), byName.keySet()) + "; it takes "
                        + (byName.isEmpty() ? "no parameters" : specs.stream().map(ParameterSpec::toString)
                        .collect(Collectors.joining(", "))));
                continue;
            }
            Schema schema = schemaOf(spec);
            int problemsBefore = v.problems.size();
            if (e.value() instanceof YamlNode.Scalar && ((YamlNode.Scalar) e.value()).value() == null) {
                v.problem(e.value().location(), p, "has no value; expected " + schema.expected());
                continue;
            }
            schema.validate(e.value(), p, v);
            if (v.problems.size() == problemsBefore) {
                Object raw = ((YamlNode.Scalar) e.value()).value();
                values.put(e.key(), spec.type() == io.transferbench.api.ParameterType.NUMBER
                        ? Double.valueOf(((Number) raw).doubleValue()) : raw);
                locations.put(e.key(), e.value().location() + " (" + p + ")");
            }
        }
        for (ParameterSpec spec : specs) {
            if (!given.containsKey(spec.name())) {
                if (spec.required()) {
                    v.problem(node.location(), path + "." + spec.name(), "missing; " + kind.displayName() + " '" + id
                            + "' needs " + schemaOf(spec).expected() + " (" + spec.description() + ")");
                } else {
                    values.put(spec.name(), spec.defaultValue().orElseThrow());
                }
            }
        }
        if (v.problems.size() != before) {
            return Optional.empty();
        }
        long componentSeed = Seeds.derive(seed, path);
        return Optional.of(new ResolvedComponent(component,
                new ComponentParameters(id, values, locations, componentSeed), node.location()));
    }

    static Schema schemaOf(ParameterSpec spec) {
        String d = spec.description();
        return switch (spec.type()) {
            case INTEGER -> ScalarSchema.integer(d, spec.minimum().orElse(null), spec.maximum().orElse(null));
            case NUMBER -> ScalarSchema.number(d, spec.minimum().orElse(null), spec.maximum().orElse(null), false);
            case BOOLEAN -> ScalarSchema.flag(d);
            case CHOICE -> ScalarSchema.oneOf(d, spec.choices());
            case STRING -> ScalarSchema.text(d, null, null);
        };
    }

    @Override
    Map<String, Object> jsonSchema() {
        Map<String, Object> byId = new LinkedHashMap<>();
        byId.put("type", "string");
        byId.put("pattern", "^[a-z][a-z0-9]*(-[a-z0-9]+)*$");
        Map<String, Object> withParameters = new LinkedHashMap<>();
        withParameters.put("type", "object");
        withParameters.put("required", List.of(ID_KEY));
        withParameters.put("properties", Map.of(ID_KEY, byId));
        withParameters.put("additionalProperties", true);
        List<Object> oneOf = new ArrayList<>(List.of(byId, withParameters));
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("oneOf", oneOf);
        j.put("x-component-kind", kind.displayName());
        return described(j);
    }
}
