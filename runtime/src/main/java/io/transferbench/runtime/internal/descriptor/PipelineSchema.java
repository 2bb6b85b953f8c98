package io.transferbench.runtime.internal.descriptor;

import io.transferbench.api.schedule.AdjustmentRuleFactory;
import io.transferbench.api.schedule.ScheduleParameter;
import io.transferbench.runtime.internal.descriptor.Schema.BooleanSchema;
import io.transferbench.runtime.internal.descriptor.Schema.EnumSchema;
import io.transferbench.runtime.internal.descriptor.Schema.Field;
import io.transferbench.runtime.internal.descriptor.Schema.IntegerSchema;
import io.transferbench.runtime.internal.descriptor.Schema.ListSchema;
import io.transferbench.runtime.internal.descriptor.Schema.NamedEntriesSchema;
import io.transferbench.runtime.internal.descriptor.Schema.NumberSchema;
import io.transferbench.runtime.internal.descriptor.Schema.ObjectSchema;
import io.transferbench.runtime.internal.descriptor.Schema.ReferenceSchema;
import io.transferbench.runtime.internal.descriptor.Schema.StringSchema;
import io.transferbench.runtime.internal.descriptor.Schema.VariantSchema;
import io.transferbench.runtime.internal.plugins.ComponentKind;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The pipeline descriptor's schema: every key, its type, range, default and meaning. The one
 * source that validation, {@code docs/descriptor.schema.json} and {@code docs/descriptor.md} follow.
 */
public final class PipelineSchema {

    public static final List<String> DATASETS = List.of("fashion-mnist", "mnist", "cifar-10", "cifar-100");
    public static final List<String> MODELS = List.of("small-cnn", "bench-cnn", "vgg-11", "vgg-16", "resnet-20");

    private static final ObjectSchema ROOT = build();

    private PipelineSchema() {
    }

    public static ObjectSchema root() {
        return ROOT;
    }

    // ------------------------------------------------------------------ field helpers

    private static Field required(String name, Schema schema) {
        return new Field(name, schema, true, null);
    }

    private static Field optional(String name, Schema schema) {
        return new Field(name, schema, false, null);
    }

    private static Field withDefault(String name, Schema schema, Object value) {
        return new Field(name, schema, false, value);
    }

    private static ObjectSchema object(String description, List<BiConsumer<YamlNode.Mapping, Schema.CheckContext>> checks,
                                       Field... fields) {
        return new ObjectSchema(description, Arrays.asList(fields), checks);
    }

    private static IntegerSchema integer(String description, Double min, Double max) {
        return new IntegerSchema(description, min, max);
    }

    private static NumberSchema number(String description, Double min, Double max) {
        return new NumberSchema(description, min, max, false);
    }

    private static NumberSchema positive(String description, Double max) {
        return new NumberSchema(description, 0.0, max, true);
    }

    private static EnumSchema oneOf(String description, String... values) {
        return new EnumSchema(description, List.of(values));
    }

    private static ComponentSchema component(String description, ComponentKind kind) {
        return new ComponentSchema(description, kind, f -> Optional.empty());
    }

    private static ComponentSchema rule(ScheduleParameter parameter) {
        return new ComponentSchema("The adjustment rule for " + parameter.key() + ".", ComponentKind.ADJUSTMENT_RULE, f -> {
            AdjustmentRuleFactory rule = (AdjustmentRuleFactory) f;
            if (rule.adjustable().contains(parameter)) {
                return Optional.empty();
            }
            return Optional.of("rule '" + rule.id() + "' cannot adjust the " + parameter.key() + "; it adjusts only "
                    + rule.adjustable().stream().map(ScheduleParameter::key).collect(Collectors.joining(" and "))
                    + " (an absolute change in epochs has no meaning for a percentage)");
        });
    }

    // ------------------------------------------------------------------ the schema

    private static ObjectSchema build() {
        ObjectSchema task = object("A labelled data set with train and evaluation splits.",
                List.of(PipelineSchema::checkClassesFitDataset),
                required("dataset", new EnumSchema("The data set.", DATASETS)),
                optional("path", new StringSchema("Folder holding the data set's files; for fashion-mnist "
                        + io.transferbench.runtime.internal.data.DatasetLoader.DEFAULT_FASHION_MNIST + " when absent.", null, null)),
                optional("classes", new ListSchema("Original class labels to keep, relabelled 0..n-1 in this order; all when absent.",
                        integer("A class label.", 0.0, 99.0), 2, true)),
                optional("superclasses", new ListSchema("cifar-100 only: one fine class from each of these superclasses "
                        + "(1-20, as the paper counts), chosen with the seed; instead of 'classes'.",
                        integer("A superclass, 1-based.", 1.0, 20.0), 2, true)),
                optional("train-per-class", integer("Keep at most this many training images per class.", 1.0, null)),
                optional("eval-per-class", integer("Keep at most this many evaluation images per class.", 1.0, null)),
                withDefault("augment", new BooleanSchema("Random crop (padding 4) and horizontal flip; 32x32 images only."), false));

        ObjectSchema network = object("A network to train: its architecture and its task.", List.of(),
                required("model", new EnumSchema("The architecture.", MODELS)),
                required("task", new ReferenceSchema("The task it is trained and evaluated on.", "tasks")),
                withDefault("width", positive("Width multiplier of the filter counts (VGG and ResNet).", 4.0), 1.0));

        Field[] training = {
                required("epochs", integer("Epochs to train.", 1.0, 100000.0)),
                withDefault("batch-size", integer("Images per mini-batch.", 1.0, 65536.0), 64L),
                withDefault("optimizer", oneOf("The optimiser.", "sgd", "adam"), "sgd"),
                withDefault("learning-rate", positive("The initial learning rate.", 10.0), 0.01),
                withDefault("momentum", number("SGD momentum.", 0.0, 0.999), 0.9),
                withDefault("weight-decay", number("L2 weight decay.", 0.0, 1.0), 0.0),
                withDefault("lr-schedule", oneOf("Learning-rate schedule over the stage's epochs.", "constant", "step", "cosine"),
                        "constant"),
                withDefault("checkpoint-every", integer("Write a checkpoint every this many epochs (0: none inside the "
                        + "stage); `transferbench resume` continues an interrupted run from the last one.", 0.0, 100000.0), 5L),
        };

        Field[] retraining = Arrays.stream(training).map(f -> f.name().equals("epochs")
                ? required("epochs", integer("Epochs of retraining afterwards; 0 keeps the network as the stage left it "
                + "(to measure the drop before recovery).", 0.0, 100000.0)) : f).toArray(Field[]::new);

        Map<String, ObjectSchema> stages = new LinkedHashMap<>();
        stages.put("pretrain", stage("pretrain", "Train a network from scratch on its task.", List.of(), training,
                required("network", new ReferenceSchema("The network to train.", "networks"))));
        stages.put("finetune", stage("finetune", "Copy a trained network's backbone into another network with a new head, and train it on "
                        + "that network's task with a lower learning rate.", List.of(PipelineSchema::checkFinetuneSource),
                replaceDefault(training, "learning-rate", 0.001),
                required("from", new ReferenceSchema("The trained network whose backbone is copied.", "networks")),
                required("network", new ReferenceSchema("The network to create and train.", "networks")),
                withDefault("freeze-layers", integer("Leading layers kept frozen.", 0.0, null), 0L)));
        stages.put("evaluate", stage("evaluate", "Evaluate networks on their tasks' evaluation splits.", List.of(), new Field[0],
                required("networks", new ListSchema("The networks to evaluate.",
                        new ReferenceSchema("A network.", "networks"), 1, true))));

        stages.put("prune", stage("prune", "Compress a copy of a trained network as a compression controller decides: "
                        + "trials mask filters, removals take them out physically (the next layer loses the matching "
                        + "inputs); then retrain for the stage's epochs.", List.of(PipelineSchema::checkFinetuneSource),
                retraining,
                required("from", new ReferenceSchema("The trained network that is compressed (it stays as it was).", "networks")),
                required("network", new ReferenceSchema("The compressed network: its entry gives the task it is retrained "
                        + "and evaluated on (the source's task, or one with as many classes).", "networks")),
                withDefault("importance", component("The filter importance metric that ranks filters for the controller.",
                        ComponentKind.IMPORTANCE_METRIC), "hrank"),
                withDefault("controller", component("The compression controller: one-shot, iterative or rl.",
                        ComponentKind.COMPRESSION_CONTROLLER), "one-shot"),
                withDefault("search-images", integer("Training images (a seeded random subset) on which trials and steps "
                        + "are measured, so the evaluation split stays unseen.", 10.0, null), 1000L)));
        stages.put("replace-filters", stage("replace-filters", "In a copy of a trained network, overwrite each conv layer's "
                        + "least important filters with copies of important ones, then retrain (filter replacement "
                        + "before pruning).", List.of(PipelineSchema::checkFinetuneSource), retraining,
                required("from", new ReferenceSchema("The trained network whose copy gets the replacements.", "networks")),
                required("network", new ReferenceSchema("The network with replaced filters: its entry gives the task it is "
                        + "retrained on.", "networks")),
                withDefault("importance", component("The filter importance metric.", ComponentKind.IMPORTANCE_METRIC), "hrank"),
                withDefault("method", component("How copies are paired: duplicate-top (each top filter copied once) or "
                        + "top-one (all copies of the single best); any transfer policy.", ComponentKind.TRANSFER_POLICY),
                        "duplicate-top"),
                withDefault("ratio", number("Percent of each conv layer's filters replaced (rounded half-even).", 0.0, 50.0),
                        10.0)));

        ObjectSchema frequency = object("Transfer frequency e: epochs between a network's transfers.",
                List.of(PipelineSchema::checkBounds),
                withDefault("initial", integer("The initial e.", 1.0, null), 25L),
                withDefault("rule", rule(ScheduleParameter.FREQUENCY), "none"),
                withDefault("rounding", oneOf("How adjusted e is rounded to whole epochs.", "half-even", "half-up",
                        "floor", "ceiling"), "half-even"),
                withDefault("min", integer("Lower bound of e.", 1.0, null), 1L),
                optional("max", integer("Upper bound of e; the stage's epochs when absent.", 1.0, null)));
        ObjectSchema ratio = object("Transfer ratio P: percent of each conv layer's filters a network receives.",
                List.of(PipelineSchema::checkBounds),
                withDefault("initial", positive("The initial P, percent.", 100.0), 10.0),
                withDefault("rule", rule(ScheduleParameter.RATIO), "none"),
                withDefault("rounding", oneOf("How adjusted P is rounded: 'none' keeps it a real percentage (SPEC.md: "
                        + "whole percents would freeze it at small error changes); the filter count per layer is always "
                        + "rounded half-even.", "none", "half-even", "half-up", "floor", "ceiling"), "none"),
                withDefault("min", number("Lower bound of P.", 0.0, 100.0), 0.5),
                withDefault("max", number("Upper bound of P.", 0.0, 100.0), 50.0));
        stages.put("online-transfer", stage("online-transfer", "Train networks side by side, each on its own task, trading filters at each "
                        + "network's transfer points.", List.of(PipelineSchema::checkFrequencyFitsEpochs), training,
                required("networks", new ListSchema("The networks trained side by side.",
                        new ReferenceSchema("A network.", "networks"), 2, true)),
                withDefault("transfer", new BooleanSchema("Trade filters; false trains each task alone (the baseline)."), true),
                withDefault("importance", component("The filter importance metric.", ComponentKind.IMPORTANCE_METRIC), "l1"),
                withDefault("policy", component("The transfer policy.", ComponentKind.TRANSFER_POLICY), "top-to-bottom"),
                withDefault("sender", oneOf("Which network sends to a receiver when there are more than two: the next in "
                        + "the list, or the one with the lowest error rate.", "next", "best"), "next"),
                optional("frequency", frequency),
                optional("ratio", ratio)));

        return object("A Transferbench pipeline.", List.of(),
                required("name", new StringSchema("The pipeline's name, used in run folder names.",
                        Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*"), "a name of letters, digits, '.', '_' and '-'")),
                optional("description", new StringSchema("Free text.", null, null)),
                withDefault("seed", integer("Seeds data order, initialisation and every component's randomness.",
                        0.0, null), 42L),
                withDefault("trials", integer("Runs of the pipeline, with seeds derived from 'seed'.", 1.0, 1000.0), 1L),
                withDefault("output", new StringSchema("Folder the run folders are written under.", null, null), "runs"),
                withDefault("listener-failures", oneOf("Whether a failing listener fails the run or only warns.",
                        "fail", "warn"), "fail"),
                optional("listeners", new ListSchema("Lifecycle listeners from plugins.",
                        component("A lifecycle listener.", ComponentKind.LIFECYCLE_LISTENER), 0, false)),
                required("tasks", new NamedEntriesSchema("The tasks, by name.", task, 1)),
                required("networks", new NamedEntriesSchema("The networks, by name.", network, 1)),
                required("stages", new ListSchema("The stages, run in order.",
                        new VariantSchema("A stage.", "type", stages), 1, false)));
    }

    private static ObjectSchema stage(String type, String description, List<BiConsumer<YamlNode.Mapping, Schema.CheckContext>> checks,
                                      Field[] shared, Field... own) {
        List<Field> fields = new ArrayList<>();
        fields.add(required("type", new EnumSchema("The stage type.", List.of(type))));
        fields.add(optional("name", new StringSchema("The stage's name in events and reports; <type>-<index> when absent.",
                Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*"), "a name of letters, digits, '.', '_' and '-'")));
        fields.addAll(Arrays.asList(own));
        fields.addAll(Arrays.asList(shared));
        return new ObjectSchema(description, fields, checks);
    }

    private static Field[] replaceDefault(Field[] fields, String name, Object value) {
        return Arrays.stream(fields).map(f -> f.name().equals(name) ? new Field(name, f.schema(), false, value) : f)
                .toArray(Field[]::new);
    }

    // ------------------------------------------------------------------ cross-field checks

    private static void checkClassesFitDataset(YamlNode.Mapping task, Schema.CheckContext c) {
        YamlNode.Entry superclasses = task.entries().get("superclasses");
        if (superclasses != null) {
            Object dataset = ((YamlNode.Scalar) task.entries().get("dataset").value()).value();
            if (!"cifar-100".equals(dataset)) {
                c.problem(superclasses.keyLocation(), "superclasses", "only cifar-100 has superclasses; use 'classes' for "
                        + dataset);
            } else if (task.entries().containsKey("classes")) {
                c.problem(superclasses.keyLocation(), "superclasses", "give either 'classes' or 'superclasses', not both");
            }
        }
        YamlNode.Entry classes = task.entries().get("classes");
        if (classes == null) {
            return;
        }
        String dataset = (String) ((YamlNode.Scalar) task.entries().get("dataset").value()).value();
        int count = dataset.equals("cifar-100") ? 100 : 10;
        List<YamlNode> items = ((YamlNode.Sequence) classes.value()).items();
        for (int i = 0; i < items.size(); i++) {
            long label = (Long) ((YamlNode.Scalar) items.get(i)).value();
            if (label >= count) {
                c.problem(items.get(i).location(), "classes[" + i + "]", dataset + " has classes 0-" + (count - 1)
                        + ", found " + label);
            }
        }
    }

    private static void checkFinetuneSource(YamlNode.Mapping stage, Schema.CheckContext c) {
        Object from = ((YamlNode.Scalar) stage.entries().get("from").value()).value();
        YamlNode to = stage.entries().get("network").value();
        if (from.equals(((YamlNode.Scalar) to).value())) {
            c.problem(to.location(), "network", "must differ from 'from': this stage creates a new network from '"
                    + from + "', which stays as it was");
        }
    }

    private static void checkBounds(YamlNode.Mapping section, Schema.CheckContext c) {
        YamlNode.Entry min = section.entries().get("min");
        YamlNode.Entry max = section.entries().get("max");
        if (min != null && max != null) {
            double lo = ((Number) ((YamlNode.Scalar) min.value()).value()).doubleValue();
            double hi = ((Number) ((YamlNode.Scalar) max.value()).value()).doubleValue();
            if (lo > hi) {
                c.problem(max.value().location(), "max", "must be at least min (" + Schema.trim(lo) + "), found "
                        + Schema.trim(hi));
            }
        }
    }

    private static void checkFrequencyFitsEpochs(YamlNode.Mapping stage, Schema.CheckContext c) {
        YamlNode.Entry frequency = stage.entries().get("frequency");
        if (frequency == null) {
            return;
        }
        long epochs = (Long) ((YamlNode.Scalar) stage.entries().get("epochs").value()).value();
        YamlNode.Entry initial = ((YamlNode.Mapping) frequency.value()).entries().get("initial");
        if (initial != null && (Long) ((YamlNode.Scalar) initial.value()).value() > epochs) {
            c.problem(initial.value().location(), "frequency.initial", "is larger than the stage's " + epochs
                    + " epochs, so no transfer would happen; use at most " + epochs);
        }
    }
}
