package io.transferbench.runtime.internal.descriptor;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A descriptor that passed validation: its file, its text and typed access to its values. */
public final class PipelineDescriptor {

    private final Path file;
    private final String text;
    private final Section root;

    private final int trial;
    /** One combination of a sweep: its values as a label, and its 1-based position (0: not a sweep). */
    private final String configuration;
    private final int configurationIndex;
    /** A sweep's combinations, each a descriptor of its own; empty when the descriptor has no sweep. */
    private final List<PipelineDescriptor> configurations;

    PipelineDescriptor(Path file, String text, Section root) {
        this(file, text, root, 1, "", 0, List.of());
    }

    private PipelineDescriptor(Path file, String text, Section root, int trial, String configuration,
                               int configurationIndex, List<PipelineDescriptor> configurations) {
        this.file = file;
        this.text = text;
        this.root = root;
        this.trial = trial;
        this.configuration = configuration;
        this.configurationIndex = configurationIndex;
        this.configurations = List.copyOf(configurations);
    }

    /**
     * The descriptor for one trial (1-based): trial 1 keeps the descriptor's seed; trial k uses a seed
     * derived from it, so components and data order differ between trials and repeat across runs.
     */
    public PipelineDescriptor forTrial(int trial) {
        return new PipelineDescriptor(file, text, root.withSeed(Seeds.trial(root.integer("seed"), trial)), trial,
                configuration, configurationIndex, List.of());
    }

    /** This descriptor as combination {@code index} (1-based) of a sweep, labelled by its swept values. */
    public PipelineDescriptor asConfiguration(String label, int index) {
        return new PipelineDescriptor(file, text, root, trial, label, index, List.of());
    }

    PipelineDescriptor withConfigurations(List<PipelineDescriptor> combinations) {
        return new PipelineDescriptor(file, text, root, trial, configuration, configurationIndex, combinations);
    }

    /** What runs: each combination of the sweep, or this descriptor alone when it has none. */
    public List<PipelineDescriptor> configurations() {
        return configurations.isEmpty() ? List.of(this) : configurations;
    }

    /** The sweep values of this combination ({@code stages[1].frequency.rule=rule-5 ...}); empty when not a sweep. */
    public String configuration() {
        return configuration;
    }

    /** This combination's 1-based position in its sweep; 0 when not a sweep. */
    public int configurationIndex() {
        return configurationIndex;
    }

    /** Which trial this is, 1-based. */
    public int trial() {
        return trial;
    }

    /** The seed in force: the descriptor's for trial 1, a derived one for later trials. */
    public long effectiveSeed() {
        return Seeds.trial(root.integer("seed"), trial);
    }

    public Path file() {
        return file;
    }

    /** The descriptor as written. */
    public String text() {
        return text;
    }

    public Section root() {
        return root;
    }

    public String name() {
        return root.string("name");
    }

    public long seed() {
        return root.integer("seed");
    }

    public int trials() {
        return (int) root.integer("trials");
    }

    public Map<String, Section> tasks() {
        return root.named("tasks");
    }

    public Map<String, Section> networks() {
        return root.named("networks");
    }

    public List<Section> stages() {
        return root.variants("stages");
    }

    /** The stage's name, or {@code <type>-<index>} (1-based) when it has none. */
    public static String stageName(Section stage, int index) {
        return stage.optionalString("name").orElse(stage.string("type") + "-" + (index + 1));
    }
}
