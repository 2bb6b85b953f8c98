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

    /** One override as given. */
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
                tree = set(tree, path, 0, value, o);
            } catch (IllegalArgumentException e) {
                problems.add(new DescriptorProblem(new Location(o.origin(), 1, 1), o.key(), e.getMessage()));
            }
        }
        if (!problems.isEmpty()) {
            throw new DescriptorException(problems);
        }
        return tree;
    }

    private static List<Object> segments(Override o, List<DescriptorProblem> problems) {
        List<Object> path = new ArrayList<>();
        String key = o.key();
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
    private static YamlNode set(YamlNode node, List<Object> path, int from, YamlNode value, Override o) {
        if (from == path.size()) {
            return value;
        }
        Object segment = path.get(from);
        Location here = new Location(o.origin(), 1, 1);
        if (segment instanceof Integer index) {
            if (!(node instanceof YamlNode.Sequence list)) {
                throw new IllegalArgumentException(describe(path, from) + " is not a list, so [" + index + "] means nothing");
            }
            if (index >= list.items().size()) {
                throw new IllegalArgumentException(describe(path, from) + " has " + list.items().size() + " item"
                        + (list.items().size() == 1 ? "" : "s") + "; [" + index + "] is beyond it");
            }
            List<YamlNode> items = new ArrayList<>(list.items());
            items.set(index, set(items.get(index), path, from + 1, value, o));
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
        entries.put(key, new YamlNode.Entry(key, old != null ? old.keyLocation() : here, set(child, path, from + 1, value, o)));
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
