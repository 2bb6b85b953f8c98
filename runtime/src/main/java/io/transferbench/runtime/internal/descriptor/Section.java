package io.transferbench.runtime.internal.descriptor;

import io.transferbench.runtime.internal.plugins.ComponentRegistry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Typed read access to a validated part of a descriptor, defaults filled in from the schema.
 * Validation has already passed, so a getter only fails on a programming error.
 */
public final class Section {

    private final YamlNode.Mapping node;
    private final Schema.ObjectSchema schema;
    private final String path;
    private final ComponentRegistry registry;
    private final long seed;
    /** Components already resolved in this descriptor tree, by path: each is resolved once. */
    private final Map<String, ResolvedComponent> resolved;

    Section(YamlNode.Mapping node, Schema.ObjectSchema schema, String path, ComponentRegistry registry, long seed) {
        this(node, schema, path, registry, seed, new java.util.HashMap<>());
    }

    private Section(YamlNode.Mapping node, Schema.ObjectSchema schema, String path, ComponentRegistry registry, long seed,
                    Map<String, ResolvedComponent> resolved) {
        this.node = node;
        this.schema = schema;
        this.path = path;
        this.registry = registry;
        this.seed = seed;
        this.resolved = resolved;
    }

    /** The same values with another seed for the components resolved from them (one trial of several). */
    public Section withSeed(long newSeed) {
        return new Section(node, schema, path, registry, newSeed);
    }

    private Section child(YamlNode.Mapping mapping, Schema.ObjectSchema childSchema, String childPath) {
        return new Section(mapping, childSchema, childPath, registry, seed, resolved);
    }

    public String path() {
        return path;
    }

    public Location location() {
        return node.location();
    }

    /** Where {@code key}'s value was written, or this section's location when it is a default. */
    public Location location(String key) {
        YamlNode.Entry e = node.entries().get(key);
        return e == null ? node.location() : e.value().location();
    }

    public boolean has(String key) {
        return node.entries().containsKey(key);
    }

    public long integer(String key) {
        return ((Number) value(key)).longValue();
    }

    public Optional<Long> optionalInteger(String key) {
        return has(key) ? Optional.of(integer(key)) : Optional.empty();
    }

    public double number(String key) {
        return ((Number) value(key)).doubleValue();
    }

    public boolean flag(String key) {
        return (Boolean) value(key);
    }

    public String string(String key) {
        return (String) value(key);
    }

    public Optional<String> optionalString(String key) {
        return has(key) ? Optional.of(string(key)) : Optional.empty();
    }

    /** A list of scalars (names, integers); empty when absent. */
    public List<Object> scalars(String key) {
        YamlNode.Entry e = node.entries().get(key);
        if (e == null) {
            return List.of();
        }
        List<Object> values = new ArrayList<>();
        ((YamlNode.Sequence) e.value()).items().forEach(n -> values.add(((YamlNode.Scalar) n).value()));
        return values;
    }

    /** A nested object; an empty one (all defaults) when absent. */
    public Section section(String key) {
        Schema.ObjectSchema child = (Schema.ObjectSchema) field(key).schema();
        YamlNode.Entry e = node.entries().get(key);
        YamlNode.Mapping mapping = e == null ? new YamlNode.Mapping(Map.of(), node.location()) : (YamlNode.Mapping) e.value();
        return child(mapping, child, join(key));
    }

    /** Named entries ({@code tasks}, {@code networks}) in file order. */
    public Map<String, Section> named(String key) {
        Schema.NamedEntriesSchema s = (Schema.NamedEntriesSchema) field(key).schema();
        Map<String, Section> out = new LinkedHashMap<>();
        YamlNode.Entry e = node.entries().get(key);
        if (e != null) {
            ((YamlNode.Mapping) e.value()).entries().forEach((name, entry) -> out.put(name,
                    child((YamlNode.Mapping) entry.value(), s.value, join(key) + "." + name)));
        }
        return out;
    }

    /** A list of typed mappings (the stages), each with its variant's schema. */
    public List<Section> variants(String key) {
        Schema.ListSchema list = (Schema.ListSchema) field(key).schema();
        Schema.VariantSchema variants = (Schema.VariantSchema) list.item;
        List<Section> out = new ArrayList<>();
        YamlNode.Entry e = node.entries().get(key);
        if (e == null) {
            return out;
        }
        List<YamlNode> items = ((YamlNode.Sequence) e.value()).items();
        for (int i = 0; i < items.size(); i++) {
            YamlNode.Mapping m = (YamlNode.Mapping) items.get(i);
            String type = (String) ((YamlNode.Scalar) m.entries().get(variants.discriminator).value()).value();
            out.add(child(m, variants.variants.get(type), join(key) + "[" + i + "]"));
        }
        return out;
    }

    /** A component named under {@code key} (or its default), resolved against the registry. */
    public ResolvedComponent component(String key) {
        ComponentSchema cs = (ComponentSchema) field(key).schema();
        YamlNode e = node.entries().containsKey(key) ? node.entries().get(key).value()
                : new YamlNode.Scalar(field(key).defaultValue(), node.location());
        return resolveComponent(e, join(key), cs);
    }

    /** The components listed under {@code key}. */
    public List<ResolvedComponent> components(String key) {
        Schema.ListSchema list = (Schema.ListSchema) field(key).schema();
        ComponentSchema cs = (ComponentSchema) list.item;
        List<ResolvedComponent> out = new ArrayList<>();
        YamlNode.Entry e = node.entries().get(key);
        if (e != null) {
            List<YamlNode> items = ((YamlNode.Sequence) e.value()).items();
            for (int i = 0; i < items.size(); i++) {
                out.add(resolveComponent(items.get(i), join(key) + "[" + i + "]", cs));
            }
        }
        return out;
    }

    private ResolvedComponent resolveComponent(YamlNode n, String p, ComponentSchema cs) {
        return resolved.computeIfAbsent(p, k -> {
            Validation v = new Validation(registry, seed);
            return ComponentSchema.resolve(n, p, cs.kind, registry, seed, v)
                    .orElseThrow(() -> new IllegalStateException("component at " + p + " no longer resolves: " + v.problems));
        });
    }

    private Object value(String key) {
        YamlNode.Entry e = node.entries().get(key);
        if (e != null) {
            return ((YamlNode.Scalar) e.value()).value();
        }
        return field(key).defaultIfAbsent().orElseThrow(() ->
                new IllegalStateException(join(key) + " is absent and has no default"));
    }

    private Schema.Field field(String key) {
        Schema.Field f = schema.fields.get(key);
        if (f == null) {
            throw new IllegalArgumentException(path + " has no key '" + key + "' in its schema");
        }
        return f;
    }

    private String join(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** The section's values with defaults filled in, for the resolved descriptor and {@code --explain}. */
    public Map<String, Object> resolvedValues() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Schema.Field f : schema.fields.values()) {
            YamlNode.Entry e = node.entries().get(f.name());
            Schema s = f.schema();
            Schema item = s instanceof Schema.ListSchema list ? list.item : null;
            if (s instanceof ComponentSchema) {
                out.put(f.name(), resolvedValues(component(f.name())));
            } else if (s instanceof Schema.ObjectSchema object) {
                if (e != null || hasDefaults(object)) {
                    out.put(f.name(), section(f.name()).resolvedValues());
                }
            } else if (s instanceof Schema.NamedEntriesSchema) {
                Map<String, Object> m = new LinkedHashMap<>();
                named(f.name()).forEach((k, entry) -> m.put(k, entry.resolvedValues()));
                out.put(f.name(), m);
            } else if (item instanceof Schema.VariantSchema) {
                out.put(f.name(), variants(f.name()).stream().map(Section::resolvedValues).toList());
            } else if (item instanceof ComponentSchema) {
                List<Object> l = components(f.name()).stream().map(c -> (Object) resolvedValues(c)).toList();
                if (!l.isEmpty()) {
                    out.put(f.name(), l);
                }
            } else if (e != null) {
                out.put(f.name(), e.value() instanceof YamlNode.Sequence ? scalars(f.name()) : ((YamlNode.Scalar) e.value()).value());
            } else if (f.defaultValue() != null) {
                out.put(f.name(), f.defaultValue());
            }
        }
        return out;
    }

    /** A component as the resolved descriptor writes it: its id and every parameter, sorted. */
    private static Map<String, Object> resolvedValues(ResolvedComponent c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", c.id());
        c.parameters().names().stream().sorted().forEach(n -> m.put(n, c.parameters().values().get(n)));
        return m;
    }

    private static boolean hasDefaults(Schema.ObjectSchema s) {
        return s.fields.values().stream().anyMatch(f -> f.defaultValue() != null);
    }
}
