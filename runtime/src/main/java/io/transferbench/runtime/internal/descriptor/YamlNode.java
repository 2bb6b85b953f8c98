package io.transferbench.runtime.internal.descriptor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML value with the position it was written at: the located tree validation works on.
 * Jackson's own tree drops positions, so the reader builds this one from the token stream.
 */
public sealed interface YamlNode permits YamlNode.Scalar, YamlNode.Mapping, YamlNode.Sequence {

    Location location();

    /** What the value is, for messages: "a number", "a list", ... */
    String kind();

    /** A scalar: {@code Long}, {@code Double}, {@code Boolean}, {@code String}, or null for YAML null. */
    record Scalar(Object value, Location location) implements YamlNode {
        @Override
        public String kind() {
            if (value == null) {
                return "null";
            }
            if (value instanceof Long) {
                return "the integer " + value;
            }
            if (value instanceof Double) {
                return "the number " + value;
            }
            if (value instanceof Boolean) {
                return "the boolean " + value;
            }
            return "the text '" + value + "'";
        }
    }

    /** A key in a mapping, with where the key itself was written. */
    record Entry(String key, Location keyLocation, YamlNode value) {
    }

    record Mapping(Map<String, Entry> entries, Location location) implements YamlNode {
        public Mapping {
            entries = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }

        @Override
        public String kind() {
            return "a mapping";
        }
    }

    record Sequence(List<YamlNode> items, Location location) implements YamlNode {
        public Sequence {
            items = List.copyOf(items);
        }

        @Override
        public String kind() {
            return "a list";
        }
    }
}
