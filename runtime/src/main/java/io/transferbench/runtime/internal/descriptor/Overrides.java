package io.transferbench.runtime.internal.descriptor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code KEY=VALUE} overrides of a descriptor from the command line ({@code stages[1].frequency.rule=rule-5},
 * {@code tasks.first.classes=[0, 1]}): keys use the path syntax of the error messages, values are YAML.
 * They are applied to the descriptor's tree before validation, so an overridden value is checked like
 * one written in the file, and an error about it names the override.
 */
public final class Overrides {

    private static final Pattern SEGMENT = Pattern.compile("([A-Za-z0-9_-]+)|\\[(\\d+)]");

    /** One override as given; with {@code --multirun}, a value of several, comma-separated, is a sweep. */
    public record Override(String key, String value) {
        /** Where its value "was written", for messages. */
        String origin() {
            return "override '" + key + "=" + value + "'";
        }
    }

    private Overrides() {
    }

    /** Parses {@code KEY=VALUE} arguments; an argument without '=' or with an empty key is a problem. */
    public static List<Override> parse(List<String> arguments) throws DescriptorException {
        List<Override> out = new ArrayList<>();
        List<DescriptorProblem> problems = new ArrayList<>();
        for (String argument : arguments) {
            int eq = argument.indexOf('=');
            if (eq <= 0) {
                problems.add(new DescriptorProblem(new Location("override '" + argument + "'", 1, 1), "",
                        "expected KEY=VALUE, e.g. stages[1].frequency.rule=rule-5 or seed=7"));
            } else {
                out.add(new Override(argument.substring(0, eq).strip(), argument.substring(eq + 1)));
            }
        }
        if (!problems.isEmpty()) {
            throw new DescriptorException(problems);
        }
        return out;
    }

    /**
     * {@code --multirun}: every override whose value lists several, separated by commas outside brackets
     * ({@code stages[1].frequency.rule=none,rule-1}), becomes a key of the descriptor's sweep grid (added to
     * one it already has); the others stay overrides.
     */
    static YamlNode sweepFromCommandLine(YamlNode root, List<Override> overrides, List<Override> single)
            throws DescriptorException {
        Map<String, YamlNode.Entry> grid = new LinkedHashMap<>();
        for (Override o : overrides) {
            List<String> values = splitTopLevel(o.value());
            if (values.size() < 2) {
                single.add(o);
                continue;
            }
            List<YamlNode> items = new ArrayList<>();
            for (String v : values) {
                items.add(YamlTreeReader.read(o.origin(), v));
            }
            Location at = new Location(o.origin(), 1, 1);
            grid.put(o.key(), new YamlNode.Entry(o.key(), at, new YamlNode.Sequence(items, at)));
        }
        if (grid.isEmpty() || !(root instanceof YamlNode.Mapping tree)) {
            return root;
        }
        Map<String, YamlNode.Entry> entries = new LinkedHashMap<>(tree.entries());
        YamlNode.Entry sweep = entries.get("sweep");
        Map<String, YamlNode.Entry> sweepEntries = new LinkedHashMap<>();
        Map<String, YamlNode.Entry> gridEntries = new LinkedHashMap<>();
        Location at = tree.location();
        if (sweep != null && sweep.value() instanceof YamlNode.Mapping existing) {
            sweepEntries.putAll(existing.entries());
            YamlNode.Entry g = existing.entries().get("grid");
            if (g != null && g.value() instanceof YamlNode.Mapping existingGrid) {
                gridEntries.putAll(existingGrid.entries());
            }
            at = existing.location();
        }
        gridEntries.putAll(grid);
        sweepEntries.put("grid", new YamlNode.Entry("grid", at, new YamlNode.Mapping(gridEntries, at)));
        entries.put("sweep", new YamlNode.Entry("sweep", at, new YamlNode.Mapping(sweepEntries, at)));
        return new YamlNode.Mapping(entries, tree.location());
    }

    /** The parts of a value separated by commas that are not inside brackets or braces. */
    private static List<String> splitTopLevel(String value) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '[' || c == '{') {
                depth++;
            } else if (c == ']' || c == '}') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(value.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(value.substring(start));
        return parts;
    }

    /** The tree with every override applied in order; a key that cannot be reached is a problem naming it. */
    static YamlNode apply(YamlNode root, List<Override> overrides) throws DescriptorException {
        YamlNode tree = root;
        List<DescriptorProblem> problems = new ArrayList<>();
        for (Override o : overrides) {
            List<Object> path = segments(o, problems);
            if (path == null) {
                continue;
            }
            YamlNode value;
            try {
                value = YamlTreeReader.read(o.origin(), o.value());
            } catch (DescriptorException e) {
                problems.addAll(e.problems());
                continue;
            }
            try {
                tree = set(tree, path, 0, value, new Location(o.origin(), 1, 1));
            } catch (IllegalArgumentException e) {
                problems.add(new DescriptorProblem(new Location(o.origin(), 1, 1), o.key(), e.getMessage()));
            }
        }
        if (!problems.isEmpty()) {
            throw new DescriptorException(problems);
        }
        return tree;
    }

    /** The tree with {@code value} (a node read elsewhere, a sweep's value) at {@code key}; null key paths are problems. */
    static YamlNode apply(YamlNode root, String key, YamlNode value, Location at) throws DescriptorException {
        List<DescriptorProblem> problems = new ArrayList<>();
        List<Object> path = segments(new Override(key, ""), problems);
        if (path == null) {
            throw new DescriptorException(List.of(new DescriptorProblem(at, key, problems.get(0).message())));
        }
        try {
            return set(root, path, 0, value, at);
        } catch (IllegalArgumentException e) {
            throw new DescriptorException(List.of(new DescriptorProblem(at, key, e.getMessage())));
        }
    }

    /** A value as a sweep's label shows it: YAML flow style, without commas (the label goes into CSV files). */
    static String text(YamlNode value) {
        if (value instanceof YamlNode.Scalar scalar) {
            return String.valueOf(scalar.value());
        }
        if (value instanceof YamlNode.Sequence list) {
            return "[" + String.join(" ", list.items().stream().map(Overrides::text).toList()) + "]";
        }
        YamlNode.Mapping mapping = (YamlNode.Mapping) value;
        return "{" + String.join(" ", mapping.entries().values().stream().map(e -> e.key() + ": " + text(e.value()))
                .toList()) + "}";
    }

    /** Whether {@code key} is written in the key-path syntax. */
    static boolean isKeyPath(String key) {
        return segments(new Override(key, ""), new ArrayList<>()) != null;
    }

    private static List<Object> segments(Override o, List<DescriptorProblem> problems) {
        List<Object> path = new ArrayList<>();
        String key = o.key();
        if (key.isEmpty()) {
            problems.add(new DescriptorProblem(new Location(o.origin(), 1, 1), "", "an empty key path"));
            return null;
        }
        int at = 0;
        while (at < key.length()) {
            if (key.charAt(at) == '.' && at > 0) {
                at++;
            }
            Matcher m = SEGMENT.matcher(key);
            if (!m.find(at) || m.start() != at) {
                problems.add(new DescriptorProblem(new Location(o.origin(), 1, 1), "", "'" + key + "' is not a key path; "
                        + "write it as the error messages do, e.g. stages[1].frequency.rule or tasks.first.classes"));
                return null;
            }
            path.add(m.group(1) != null ? m.group(1) : Integer.valueOf(m.group(2)));
            at = m.end();
        }
        return path;
    }

    /** A copy of {@code node} with {@code value} at {@code path[from..]}; mappings on the way are made as needed. */
    private static YamlNode set(YamlNode node, List<Object> path, int from, YamlNode value, Location here) {
        if (from == path.size()) {
            return value;
        }
        Object segment = path.get(from);
        if (segment instanceof Integer index) {
            if (!(node instanceof YamlNode.Sequence list)) {
                throw new IllegalArgumentException(describe(path, from) + " is not a list, so [" + index + "] means nothing");
            }
            if (index >= list.items().size()) {
                throw new IllegalArgumentException(describe(path, from) + " has " + list.items().size() + " item"
                        + (list.items().size() == 1 ? "" : "s") + "; [" + index + "] is beyond it");
            }
            List<YamlNode> items = new ArrayList<>(list.items());
            items.set(index, set(items.get(index), path, from + 1, value, here));
            return new YamlNode.Sequence(items, list.location());
        }
        String key = (String) segment;
        YamlNode.Mapping mapping;
        if (node instanceof YamlNode.Mapping m) {
            mapping = m;
        } else if (node instanceof YamlNode.Scalar s && s.value() == null) {
            mapping = new YamlNode.Mapping(Map.of(), here);
        } else {
            throw new IllegalArgumentException(describe(path, from) + " is not a mapping, so '." + key + "' means nothing");
        }
        Map<String, YamlNode.Entry> entries = new LinkedHashMap<>(mapping.entries());
        YamlNode.Entry old = entries.get(key);
        YamlNode child = old != null ? old.value() : new YamlNode.Scalar(null, here);
        entries.put(key, new YamlNode.Entry(key, old != null ? old.keyLocation() : here, set(child, path, from + 1, value, here)));
        return new YamlNode.Mapping(entries, mapping.location());
    }

    private static String describe(List<Object> path, int upTo) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < upTo; i++) {
            Object s = path.get(i);
            b.append(s instanceof Integer ? "[" + s + "]" : (b.length() == 0 ? "" : ".") + s);
        }
        return b.length() == 0 ? "the descriptor" : b.toString();
    }
}
