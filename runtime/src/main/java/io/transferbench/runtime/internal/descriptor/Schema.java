package io.transferbench.runtime.internal.descriptor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The descriptor's structure as data: the single source that validation, the JSON Schema in
 * {@code docs/descriptor.schema.json} and the descriptor reference are checked against.
 */
public abstract class Schema {

    private final String description;

    Schema(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /** What a right value looks like, for messages: "an integer >= 1". */
    abstract String expected();

    abstract void validate(YamlNode node, String path, Validation v);

    /** This schema as a JSON Schema (draft 2020-12) fragment. */
    abstract Map<String, Object> jsonSchema();

    Map<String, Object> described(Map<String, Object> json) {
        Map<String, Object> out = new LinkedHashMap<>(json);
        if (!description.isEmpty()) {
            out.put("description", description);
        }
        return out;
    }

    static void wrongType(YamlNode node, String path, Validation v, Schema schema) {
        v.problem(node.location(), path, "expected " + schema.expected() + ", found " + node.kind());
    }

    static String range(Double min, Double max, boolean integer) {
        java.util.function.DoubleFunction<String> f = d -> integer ? String.valueOf((long) d) : trim(d);
        if (min != null && max != null) {
            return " in [" + f.apply(min) + ", " + f.apply(max) + "]";
        }
        if (min != null) {
            return " >= " + f.apply(min);
        }
        if (max != null) {
            return " <= " + f.apply(max);
        }
        return "";
    }

    public static String trim(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.valueOf(d);
    }

    // ---------------------------------------------------------------- scalars

    /** One scalar value: an integer or number in a range, a flag, text, one of some words, or a name reference. */
    public static final class ScalarSchema extends Schema {

        enum Kind { INTEGER, NUMBER, BOOLEAN, TEXT, CHOICE, REFERENCE }

        final Kind kind;
        final Double min;
        final Double max;
        final boolean exclusiveMin;
        final Pattern pattern;
        final String patternInWords;
        final List<String> values;
        final String section;

        private ScalarSchema(String description, Kind kind, Double min, Double max, boolean exclusiveMin,
                             Pattern pattern, String patternInWords, List<String> values, String section) {
            super(description);
            this.kind = kind;
            this.min = min;
            this.max = max;
            this.exclusiveMin = exclusiveMin;
            this.pattern = pattern;
            this.patternInWords = patternInWords;
            this.values = List.copyOf(values);
            this.section = section;
        }

        static ScalarSchema integer(String description, Double min, Double max) {
            return new ScalarSchema(description, Kind.INTEGER, min, max, false, null, null, List.of(), null);
        }

        /** A real number; whole numbers are accepted. */
        static ScalarSchema number(String description, Double min, Double max, boolean exclusiveMin) {
            return new ScalarSchema(description, Kind.NUMBER, min, max, exclusiveMin, null, null, List.of(), null);
        }

        static ScalarSchema flag(String description) {
            return new ScalarSchema(description, Kind.BOOLEAN, null, null, false, null, null, List.of(), null);
        }

        /** Text, optionally matching a pattern explained in words. */
        static ScalarSchema text(String description, Pattern pattern, String patternInWords) {
            return new ScalarSchema(description, Kind.TEXT, null, null, false, pattern, patternInWords, List.of(), null);
        }

        static ScalarSchema oneOf(String description, List<String> values) {
            return new ScalarSchema(description, Kind.CHOICE, null, null, false, null, null, values, null);
        }

        /** A name that must be defined under a top-level section, e.g. a network's name. */
        static ScalarSchema reference(String description, String section) {
            return new ScalarSchema(description, Kind.REFERENCE, null, null, false, null, null, List.of(), section);
        }

        @Override
        String expected() {
            return switch (kind) {
                case INTEGER -> "an integer" + range(min, max, true);
                case NUMBER -> exclusiveMin && min != null
                        ? "a number > " + trim(min) + (max != null ? " and <= " + trim(max) : "")
                        : "a number" + range(min, max, false);
                case BOOLEAN -> "true or false";
                case TEXT -> pattern == null ? "text" : patternInWords;
                case CHOICE -> values.size() == 1 ? "'" + values.get(0) + "'" : "one of " + String.join(", ", values);
                case REFERENCE -> "the name of an entry under '" + section + "'";
            };
        }

        @Override
        void validate(YamlNode node, String path, Validation v) {
            Object value = node instanceof YamlNode.Scalar ? ((YamlNode.Scalar) node).value() : null;
            switch (kind) {
                case INTEGER -> {
                    if (!(value instanceof Long)) {
                        wrongType(node, path, v, this);
                    } else if ((min != null && (Long) value < min) || (max != null && (Long) value > max)) {
                        v.problem(node.location(), path, "expected " + expected() + ", found " + value);
                    }
                }
                case NUMBER -> {
                    if (!(value instanceof Number)) {
                        wrongType(node, path, v, this);
                        return;
                    }
                    double d = ((Number) value).doubleValue();
                    boolean low = min != null && (exclusiveMin ? d <= min : d < min);
                    if (Double.isNaN(d) || low || (max != null && d > max)) {
                        v.problem(node.location(), path, "expected " + expected() + ", found " + trim(d));
                    }
                }
                case BOOLEAN -> {
                    if (!(value instanceof Boolean)) {
                        wrongType(node, path, v, this);
                    }
                }
                case TEXT -> {
                    if (!(value instanceof String)) {
                        wrongType(node, path, v, this);
                    } else if (pattern != null && !pattern.matcher((String) value).matches()) {
                        v.problem(node.location(), path, "expected " + patternInWords + ", found '" + value + "'");
                    }
                }
                case CHOICE -> {
                    if (!(value instanceof String) || !values.contains(value)) {
                        String suggestion = value instanceof String ? Suggestions.didYouMean((String) value, values) : "";
                        v.problem(node.location(), path, "expected " + expected() + ", found " + node.kind() + suggestion);
                    }
                }
                case REFERENCE -> {
                    if (!(value instanceof String)) {
                        wrongType(node, path, v, this);
                    } else {
                        v.references.add(new Validation.PendingReference(section, (String) value, node.location(), path));
                    }
                }
            }
        }

        @Override
        Map<String, Object> jsonSchema() {
            Map<String, Object> j = new LinkedHashMap<>();
            switch (kind) {
                case INTEGER -> {
                    j.put("type", "integer");
                    if (min != null) {
                        j.put("minimum", min.longValue());
                    }
                    if (max != null) {
                        j.put("maximum", max.longValue());
                    }
                }
                case NUMBER -> {
                    j.put("type", "number");
                    if (min != null) {
                        j.put(exclusiveMin ? "exclusiveMinimum" : "minimum", min);
                    }
                    if (max != null) {
                        j.put("maximum", max);
                    }
                }
                case BOOLEAN -> j.put("type", "boolean");
                case TEXT -> {
                    j.put("type", "string");
                    if (pattern != null) {
                        j.put("pattern", "^" + pattern.pattern() + "$");
                    }
                }
                case CHOICE -> j.put("enum", values);
                case REFERENCE -> j.put("type", "string");
            }
            return described(j);
        }
    }

    // ---------------------------------------------------------------- containers

    public static final class ListSchema extends Schema {
        final Schema item;
        final int minItems;
        final boolean unique;

        ListSchema(String description, Schema item, int minItems, boolean unique) {
            super(description);
            this.item = item;
            this.minItems = minItems;
            this.unique = unique;
        }

        @Override
        String expected() {
            return "a list" + (minItems > 0 ? " of at least " + minItems : "") + " of " + item.expected()
                    + (unique ? ", without repeats" : "");
        }

        @Override
        void validate(YamlNode node, String path, Validation v) {
            if (!(node instanceof YamlNode.Sequence)) {
                wrongType(node, path, v, this);
                return;
            }
            List<YamlNode> items = ((YamlNode.Sequence) node).items();
            if (items.size() < minItems) {
                v.problem(node.location(), path, "expected at least " + minItems + " item" + (minItems == 1 ? "" : "s")
                        + ", found " + items.size());
            }
            Map<Object, Location> seen = new LinkedHashMap<>();
            for (int i = 0; i < items.size(); i++) {
                YamlNode child = items.get(i);
                item.validate(child, path + "[" + i + "]", v);
                if (unique && child instanceof YamlNode.Scalar && ((YamlNode.Scalar) child).value() != null) {
                    Object value = ((YamlNode.Scalar) child).value();
                    Location first = seen.putIfAbsent(value, child.location());
                    if (first != null) {
                        v.problem(child.location(), path + "[" + i + "]", "repeats " + value + " (first at line "
                                + first.line() + "); each value may appear once");
                    }
                }
            }
        }

        @Override
        Map<String, Object> jsonSchema() {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("type", "array");
            j.put("items", item.jsonSchema());
            if (minItems > 0) {
                j.put("minItems", minItems);
            }
            if (unique) {
                j.put("uniqueItems", true);
            }
            return described(j);
        }
    }

    /** Named entries, e.g. {@code tasks: {source: {...}, target: {...}}}. */
    public static final class NamedEntriesSchema extends Schema {
        static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*");
        final ObjectSchema value;
        final int minEntries;

        NamedEntriesSchema(String description, ObjectSchema value, int minEntries) {
            super(description);
            this.value = value;
            this.minEntries = minEntries;
        }

        @Override
        String expected() {
            return "a mapping from names to entries";
        }

        @Override
        void validate(YamlNode node, String path, Validation v) {
            if (!(node instanceof YamlNode.Mapping)) {
                wrongType(node, path, v, this);
                return;
            }
            Map<String, YamlNode.Entry> entries = ((YamlNode.Mapping) node).entries();
            if (entries.size() < minEntries) {
                v.problem(node.location(), path, "expected at least " + minEntries + " entr"
                        + (minEntries == 1 ? "y" : "ies") + ", found " + entries.size());
            }
            for (YamlNode.Entry e : entries.values()) {
                String child = path + "." + e.key();
                if (!NAME.matcher(e.key()).matches()) {
                    v.problem(e.keyLocation(), child, "names start with a letter and use letters, digits, '-' and '_'");
                }
                value.validate(e.value(), child, v);
            }
        }

        @Override
        Map<String, Object> jsonSchema() {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("type", "object");
            j.put("propertyNames", Map.of("pattern", "^" + NAME.pattern() + "$"));
            j.put("additionalProperties", value.jsonSchema());
            if (minEntries > 0) {
                j.put("minProperties", minEntries);
            }
            return described(j);
        }
    }

    /** A sweep's grid: descriptor key paths, each with the list of values it takes. */
    public static final class GridSchema extends Schema {

        GridSchema(String description) {
            super(description);
        }

        @Override
        String expected() {
            return "a mapping from key paths (as in the error messages) to lists of values";
        }

        @Override
        void validate(YamlNode node, String path, Validation v) {
            if (!(node instanceof YamlNode.Mapping mapping) || mapping.entries().isEmpty()) {
                v.problem(node.location(), path, "expected " + expected() + ", found " + node.kind());
                return;
            }
            for (YamlNode.Entry e : mapping.entries().values()) {
                String child = path + "." + e.key();
                if (!Overrides.isKeyPath(e.key()) || e.key().startsWith("sweep")) {
                    v.problem(e.keyLocation(), child, "expected a key path of the descriptor, as the error messages write "
                            + "them (stages[1].frequency.rule)");
                } else if (!(e.value() instanceof YamlNode.Sequence list) || list.items().isEmpty()) {
                    v.problem(e.value().location(), child, "expected a list of at least one value, found "
                            + e.value().kind());
                }
            }
        }

        @Override
        Map<String, Object> jsonSchema() {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("type", "object");
            Map<String, Object> list = new LinkedHashMap<>(); // ordered: the generated file must not change run to run
            list.put("type", "array");
            list.put("minItems", 1);
            j.put("additionalProperties", list);
            j.put("minProperties", 1);
            return described(j);
        }
    }

    /** One key of an object. A field without a default and not marked optional is required. */
    public record Field(String name, Schema schema, boolean required, Object defaultValue) {
        public Optional<Object> defaultIfAbsent() {
            return Optional.ofNullable(defaultValue);
        }
    }

    /** A mapping with known keys and optional cross-field checks. */
    public static final class ObjectSchema extends Schema {
        final Map<String, Field> fields;
        final List<BiConsumer<YamlNode.Mapping, CheckContext>> checks;

        ObjectSchema(String description, List<Field> fields, List<BiConsumer<YamlNode.Mapping, CheckContext>> checks) {
            super(description);
            Map<String, Field> byName = new LinkedHashMap<>();
            fields.forEach(f -> byName.put(f.name(), f));
            this.fields = java.util.Collections.unmodifiableMap(byName);
            this.checks = List.copyOf(checks);
        }

        public Map<String, Field> fields() {
            return fields;
        }

        @Override
        String expected() {
            return "a mapping with keys " + String.join(", ", fields.keySet());
        }

        @Override
        void validate(YamlNode node, String path, Validation v) {
            if (!(node instanceof YamlNode.Mapping)) {
                wrongType(node, path, v, this);
                return;
            }
            YamlNode.Mapping mapping = (YamlNode.Mapping) node;
            int before = v.problems.size();
            for (YamlNode.Entry e : mapping.entries().values()) {
                String child = path.isEmpty() ? e.key() : path + "." + e.key();
                Field field = fields.get(e.key());
                if (field == null) {
                    v.problem(e.keyLocation(), child, "unknown key" + Suggestions.didYouMean(e.key(), fields.keySet())
                            + "; allowed here: " + String.join(", ", fields.keySet()));
                } else if (e.value() instanceof YamlNode.Scalar && ((YamlNode.Scalar) e.value()).value() == null) {
                    v.problem(e.value().location(), child, "has no value; expected " + field.schema().expected());
                } else {
                    field.schema().validate(e.value(), child, v);
                }
            }
            for (Field f : fields.values()) {
                String child = path.isEmpty() ? f.name() : path + "." + f.name();
                if (f.required() && !mapping.entries().containsKey(f.name())) {
                    v.problem(mapping.location(), child, "missing; expected " + f.schema().expected()
                            + (f.schema().description().isEmpty() ? "" : " (" + f.schema().description() + ")"));
                } else if (f.schema() instanceof ComponentSchema && f.defaultValue() != null
                        && !mapping.entries().containsKey(f.name())) {
                    // a default component must be installed too, or the run would fail when it needs it
                    f.schema().validate(new YamlNode.Scalar(f.defaultValue(), mapping.location()), child, v);
                }
            }
            if (v.problems.size() == before) {
                CheckContext context = new CheckContext(path, v);
                checks.forEach(c -> c.accept(mapping, context));
            }
        }

        @Override
        Map<String, Object> jsonSchema() {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("type", "object");
            Map<String, Object> properties = new LinkedHashMap<>();
            List<String> required = new ArrayList<>();
            fields.values().forEach(f -> {
                Map<String, Object> p = new LinkedHashMap<>(f.schema().jsonSchema());
                if (f.defaultValue() != null) {
                    p.put("default", f.defaultValue());
                }
                properties.put(f.name(), p);
                if (f.required()) {
                    required.add(f.name());
                }
            });
            j.put("properties", properties);
            if (!required.isEmpty()) {
                j.put("required", required);
            }
            j.put("additionalProperties", false);
            return described(j);
        }
    }

    /** What a cross-field check can see and report to. */
    public static final class CheckContext {
        private final String path;
        private final Validation validation;

        CheckContext(String path, Validation validation) {
            this.path = path;
            this.validation = validation;
        }

        public String path(String key) {
            return path.isEmpty() ? key : path + "." + key;
        }

        public void problem(Location location, String key, String message) {
            validation.problem(location, path(key), message);
        }

        io.transferbench.runtime.internal.plugins.ComponentRegistry registry() {
            return validation.registry;
        }
    }

    /** Mappings told apart by their {@code type} key, e.g. the stages. */
    public static final class VariantSchema extends Schema {
        final String discriminator;
        final Map<String, ObjectSchema> variants;

        VariantSchema(String description, String discriminator, Map<String, ObjectSchema> variants) {
            super(description);
            this.discriminator = discriminator;
            this.variants = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(variants));
        }

        public Map<String, ObjectSchema> variants() {
            return variants;
        }

        @Override
        String expected() {
            return "a mapping whose '" + discriminator + "' is one of " + String.join(", ", variants.keySet());
        }

        @Override
        void validate(YamlNode node, String path, Validation v) {
            if (!(node instanceof YamlNode.Mapping)) {
                wrongType(node, path, v, this);
                return;
            }
            YamlNode.Entry type = ((YamlNode.Mapping) node).entries().get(discriminator);
            if (type == null) {
                v.problem(node.location(), path + "." + discriminator, "missing; expected one of "
                        + String.join(", ", variants.keySet()));
                return;
            }
            Object value = type.value() instanceof YamlNode.Scalar ? ((YamlNode.Scalar) type.value()).value() : null;
            ObjectSchema variant = value instanceof String ? variants.get(value) : null;
            if (variant == null) {
                String suggestion = value instanceof String ? Suggestions.didYouMean((String) value, variants.keySet()) : "";
                v.problem(type.value().location(), path + "." + discriminator, "unknown " + discriminator + " "
                        + type.value().kind() + suggestion + "; expected one of " + String.join(", ", variants.keySet()));
                return;
            }
            variant.validate(node, path, v);
        }

        @Override
        Map<String, Object> jsonSchema() {
            List<Object> oneOf = new ArrayList<>();
            variants.values().forEach(s -> oneOf.add(s.jsonSchema()));
            return described(Map.of("oneOf", oneOf));
        }
    }

    static String joinSorted(java.util.Collection<String> values) {
        return values.stream().sorted().collect(Collectors.joining(", "));
    }
}
