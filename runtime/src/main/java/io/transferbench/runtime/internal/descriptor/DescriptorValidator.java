package io.transferbench.runtime.internal.descriptor;

import io.transferbench.runtime.internal.plugins.ComponentRegistry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates a descriptor completely before anything runs: structure and types against
 * the pipeline schema, ids against the plugin registry, component parameters against their
 * factories, and names against the sections that define them. Reports every problem at once.
 */
public final class DescriptorValidator {

    private final ComponentRegistry registry;
    private final Schema.ObjectSchema schema;
    private final java.util.function.Function<PipelineDescriptor, List<DescriptorProblem>> crossChecks;

    /** @param schema the pipeline schema, assembled from the stage types ({@link PipelineSchema#of}) */
    public DescriptorValidator(ComponentRegistry registry, Schema.ObjectSchema schema) {
        this(registry, schema, d -> List.of());
    }

    /**
     * @param crossChecks what a stage finds wrong across sections once the schema is satisfied (two networks of
     *                    different architectures to interpolate, ...): the stage types' own checks
     */
    public DescriptorValidator(ComponentRegistry registry, Schema.ObjectSchema schema,
                               java.util.function.Function<PipelineDescriptor, List<DescriptorProblem>> crossChecks) {
        this.registry = registry;
        this.schema = schema;
        this.crossChecks = crossChecks;
    }

    public PipelineDescriptor validate(Path file) throws DescriptorException {
        return validate(file, readText(file));
    }

    /** The file with command-line overrides applied, validated as one descriptor. */
    public PipelineDescriptor validate(Path file, List<Overrides.Override> overrides) throws DescriptorException {
        return validate(file, readText(file), overrides, false);
    }

    /**
     * The file with command-line overrides applied; with {@code multirun}, overrides of several
     * comma-separated values sweep (Hydra's habit), each combination a configuration.
     */
    public PipelineDescriptor validate(Path file, List<Overrides.Override> overrides, boolean multirun)
            throws DescriptorException {
        return validate(file, readText(file), overrides, multirun);
    }

    /** The file as UTF-8 text; a located problem when it is missing, unreadable or in another encoding. */
    static String readText(Path file) throws DescriptorException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw problem(file, 1, 1, "the descriptor file does not exist");
        } catch (java.nio.file.AccessDeniedException e) {
            throw problem(file, 1, 1, "permission denied: the descriptor cannot be read by this user");
        } catch (IOException e) {
            throw problem(file, 1, 1, "the descriptor cannot be read: " + e.getMessage());
        }
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
        java.nio.charset.CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length);
        java.nio.charset.CoderResult result = utf8.decode(in, out, true);
        if (result.isError()) {
            int bad = in.position();
            int line = 1;
            int lineStart = 0;
            for (int i = 0; i < bad; i++) {
                if (bytes[i] == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            throw problem(file, line, bad - lineStart + 1, String.format("not UTF-8 text: byte 0x%02X cannot be decoded; "
                    + "save the descriptor as UTF-8", bytes[bad] & 0xff));
        }
        out.flip();
        String text = out.toString();
        return text.startsWith("\uFEFF") ? text.substring(1) : text; // a byte-order mark is not content
    }

    private static DescriptorException problem(Path file, int line, int column, String message) {
        return new DescriptorException(List.of(new DescriptorProblem(new Location(file.toString(), line, column), "",
                message)));
    }

    public PipelineDescriptor validate(Path file, String text) throws DescriptorException {
        return validate(file, text, List.of(), false);
    }

    private PipelineDescriptor validate(Path file, String text, List<Overrides.Override> overrides, boolean multirun)
            throws DescriptorException {
        YamlNode tree = YamlTreeReader.read(file.toString(), text);
        List<Overrides.Override> single = new java.util.ArrayList<>(overrides);
        if (multirun) {
            single.clear();
            tree = Overrides.sweepFromCommandLine(tree, overrides, single);
        }
        tree = Overrides.apply(tree, single);
        PipelineDescriptor descriptor = validateTree(file, text, tree);
        YamlNode.Entry sweep = ((YamlNode.Mapping) tree).entries().get("sweep");
        return sweep == null ? descriptor : descriptor.withConfigurations(expand(file, text, (YamlNode.Mapping) tree,
                (YamlNode.Mapping) sweep.value()));
    }

    /** Each combination of a sweep's grid, as a descriptor validated on its own; every problem of every one. */
    private List<PipelineDescriptor> expand(Path file, String text, YamlNode.Mapping tree, YamlNode.Mapping sweep)
            throws DescriptorException {
        Map<String, YamlNode.Entry> rest = new java.util.LinkedHashMap<>(tree.entries());
        rest.remove("sweep");
        YamlNode base = new YamlNode.Mapping(rest, tree.location());
        YamlNode.Entry trials = sweep.entries().get("trials");
        if (trials != null) {
            base = Overrides.apply(base, "trials", trials.value(), trials.value().location());
        }
        List<YamlNode.Entry> grid = List.copyOf(((YamlNode.Mapping) sweep.entries().get("grid").value()).entries().values());
        List<List<YamlNode>> combinations = new java.util.ArrayList<>(List.of(List.of()));
        for (YamlNode.Entry key : grid) {
            List<List<YamlNode>> next = new java.util.ArrayList<>();
            for (List<YamlNode> partial : combinations) {
                for (YamlNode value : ((YamlNode.Sequence) key.value()).items()) {
                    List<YamlNode> longer = new java.util.ArrayList<>(partial);
                    longer.add(value);
                    next.add(longer);
                }
            }
            combinations = next;
        }
        java.util.Set<DescriptorProblem> problems = new java.util.LinkedHashSet<>();
        List<PipelineDescriptor> out = new java.util.ArrayList<>();
        for (List<YamlNode> values : combinations) {
            YamlNode combination = base;
            List<String> label = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < grid.size(); i++) {
                    YamlNode value = values.get(i);
                    combination = Overrides.apply(combination, grid.get(i).key(), value, value.location());
                    label.add(grid.get(i).key() + "=" + Overrides.text(value));
                }
                out.add(validateTree(file, text, combination).asConfiguration(String.join(" ", label), out.size() + 1));
            } catch (DescriptorException e) {
                problems.addAll(e.problems());
            }
        }
        if (!problems.isEmpty()) {
            throw new DescriptorException(List.copyOf(problems));
        }
        return out;
    }

    private PipelineDescriptor validateTree(Path file, String text, YamlNode tree) throws DescriptorException {
        long seed = seedOf(tree, schema);
        Validation v = new Validation(registry, seed);
        schema.validate(tree, "", v);
        if (tree instanceof YamlNode.Mapping) {
            checkReferences((YamlNode.Mapping) tree, v);
        }
        if (!v.problems.isEmpty()) {
            throw new DescriptorException(v.problems);
        }
        PipelineDescriptor descriptor = new PipelineDescriptor(file, text,
                new Section((YamlNode.Mapping) tree, schema, "", registry, seed));
        List<DescriptorProblem> crossProblems = crossChecks.apply(descriptor);
        if (!crossProblems.isEmpty()) {
            throw new DescriptorException(crossProblems);
        }
        return descriptor;
    }

    private static long seedOf(YamlNode tree, Schema.ObjectSchema schema) {
        if (tree instanceof YamlNode.Mapping) {
            YamlNode.Entry e = ((YamlNode.Mapping) tree).entries().get("seed");
            if (e != null && e.value() instanceof YamlNode.Scalar && ((YamlNode.Scalar) e.value()).value() instanceof Long) {
                return (Long) ((YamlNode.Scalar) e.value()).value();
            }
        }
        return (Long) schema.fields().get("seed").defaultValue();
    }

    private static void checkReferences(YamlNode.Mapping root, Validation v) {
        for (Validation.PendingReference ref : v.references) {
            YamlNode.Entry section = root.entries().get(ref.section());
            Set<String> defined = new HashSet<>();
            if (section != null && section.value() instanceof YamlNode.Mapping) {
                defined.addAll(((YamlNode.Mapping) section.value()).entries().keySet());
            }
            if (!defined.contains(ref.name())) {
                String singular = ref.section().substring(0, ref.section().length() - 1);
                v.problem(ref.location(), ref.path(), "unknown " + singular + " '" + ref.name() + "'"
                        + Suggestions.didYouMean(ref.name(), defined) + "; defined " + ref.section() + ": "
                        + (defined.isEmpty() ? "none" : Schema.joinSorted(defined)));
            }
        }
    }

    /** The resolved descriptor: every value with defaults filled in. */
    public static Map<String, Object> resolved(PipelineDescriptor descriptor) {
        return descriptor.root().resolvedValues();
    }
}
