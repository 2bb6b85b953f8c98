package io.transferbench.runtime.internal.descriptor;

import io.transferbench.runtime.internal.descriptor.Schema.Field;
import io.transferbench.runtime.internal.descriptor.Schema.ListSchema;
import io.transferbench.runtime.internal.descriptor.Schema.NamedEntriesSchema;
import io.transferbench.runtime.internal.descriptor.Schema.ObjectSchema;
import io.transferbench.runtime.internal.descriptor.Schema.ScalarSchema;
import io.transferbench.runtime.internal.descriptor.Schema.VariantSchema;
import io.transferbench.runtime.internal.plugins.ComponentKind;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.transferbench.runtime.internal.descriptor.Fields.component;
import static io.transferbench.runtime.internal.descriptor.Fields.flag;
import static io.transferbench.runtime.internal.descriptor.Fields.integer;
import static io.transferbench.runtime.internal.descriptor.Fields.number;
import static io.transferbench.runtime.internal.descriptor.Fields.object;
import static io.transferbench.runtime.internal.descriptor.Fields.oneOf;
import static io.transferbench.runtime.internal.descriptor.Fields.optional;
import static io.transferbench.runtime.internal.descriptor.Fields.positive;
import static io.transferbench.runtime.internal.descriptor.Fields.reference;
import static io.transferbench.runtime.internal.descriptor.Fields.required;
import static io.transferbench.runtime.internal.descriptor.Fields.text;
import static io.transferbench.runtime.internal.descriptor.Fields.withDefault;

/**
 * The pipeline descriptor's schema: every key, its type, range, default and meaning. The one
 * source that validation, {@code docs/descriptor.schema.json} and {@code docs/descriptor.md} follow.
 * The top level, tasks and networks are declared here; each stage type declares its own keys
 * ({@link StageSchema}) and the pipeline's schema is assembled from them.
 */
public final class PipelineSchema {

    public static final List<String> DATASETS = List.of("fashion-mnist", "mnist", "cifar-10", "cifar-100");
    public static final List<String> MODELS = List.of("small-cnn", "bench-cnn", "vgg-11", "vgg-16", "resnet-20");

    private PipelineSchema() {
    }

    /** The schema of a pipeline whose stages may be of the given types, in this order. */
    public static ObjectSchema of(List<StageSchema> stageTypes) {
        ObjectSchema task = object("A labelled data set with train and evaluation splits.",
                List.of(PipelineSchema::checkClassesFitDataset),
                required("dataset", oneOf("The data set.", DATASETS)),
                optional("path", text("Folder holding the data set's files; for fashion-mnist "
                        + io.transferbench.runtime.internal.data.DatasetLoader.DEFAULT_FASHION_MNIST + " when absent.")),
                optional("classes", new ListSchema("Original class labels to keep, relabelled 0..n-1 in this order; all when absent.",
                        integer("A class label.", 0.0, 99.0), 2, true)),
                optional("superclasses", new ListSchema("cifar-100 only: one fine class from each of these superclasses "
                        + "(1-20, as the paper counts), chosen with the seed; instead of 'classes'.",
                        integer("A superclass, 1-based.", 1.0, 20.0), 2, true)),
                optional("train-per-class", integer("Keep at most this many training images per class.", 1.0, null)),
                optional("eval-per-class", integer("Keep at most this many evaluation images per class.", 1.0, null)),
                withDefault("augment", flag("Random crop (padding 4) and horizontal flip; 32x32 images only."), false),
                optional("validation-per-class", integer("Training images per class held out as the validation split "
                        + "(for choosing: a coefficient, an expert), chosen at random with the seed; none when absent. "
                        + "Results are reported on the evaluation (test) split.", 1.0, null)),
                optional("transform", object("A task made from the data set by transforming every image of every split, "
                                + "in this order: rotate, transpose, permute-pixels, invert, noise.",
                        List.of(PipelineSchema::checkRotation),
                        withDefault("rotate", integer("Degrees counter-clockwise: 0, 90, 180 or 270.", 0.0, 270.0), 0L),
                        withDefault("transpose", flag("Mirror along the main diagonal (rows become columns)."), false),
                        withDefault("permute-pixels", flag("One seeded permutation of the pixel positions, the same for "
                                + "every image."), false),
                        withDefault("invert", flag("255 - v for every pixel value."), false),
                        withDefault("noise", number("Standard deviation of additive Gaussian noise on pixel values in "
                                + "[0, 1] (clipped), each image its own seeded draw.", 0.0, 1.0), 0.0))),
                withDefault("label-noise", number("Fraction of training labels replaced by another class at random "
                        + "(seeded); the validation and evaluation labels stay clean.", 0.0, 0.99), 0.0));

        ObjectSchema network = object("A network to train: its architecture and its task.", List.of(),
                required("model", oneOf("The architecture.", MODELS)),
                required("task", reference("The task it is trained and evaluated on.", "tasks")),
                withDefault("width", positive("Width multiplier of the filter counts (VGG and ResNet).", 4.0), 1.0));

        Map<String, ObjectSchema> stages = new LinkedHashMap<>();
        for (StageSchema type : stageTypes) {
            List<Field> fields = new ArrayList<>();
            fields.add(required("type", oneOf("The stage type.", List.of(type.type()))));
            fields.add(optional("name", ScalarSchema.text("The stage's name in events and reports; <type>-<index> when absent.",
                    Fields.NAME, Fields.NAME_IN_WORDS)));
            fields.addAll(type.fields());
            stages.put(type.type(), new ObjectSchema(type.description(), fields, type.checks()));
        }

        return object("A Transferbench pipeline.", List.of(),
                required("name", ScalarSchema.text("The pipeline's name, used in run folder names.", Fields.NAME,
                        Fields.NAME_IN_WORDS)),
                optional("description", text("Free text.")),
                withDefault("seed", integer("Seeds data order, initialisation and every component's randomness.",
                        0.0, null), 42L),
                withDefault("trials", integer("Runs of the pipeline, with seeds derived from 'seed'.", 1.0, 1000.0), 1L),
                withDefault("output", text("Folder the run folders are written under."), "runs"),
                withDefault("listener-failures", oneOf("Whether a failing listener fails the run or only warns.",
                        List.of("fail", "warn")), "fail"),
                optional("listeners", new ListSchema("Lifecycle listeners from plugins.",
                        component("A lifecycle listener.", ComponentKind.LIFECYCLE_LISTENER), 0, false)),
                required("tasks", new NamedEntriesSchema("The tasks, by name.", task, 1)),
                required("networks", new NamedEntriesSchema("The networks, by name.", network, 1)),
                required("stages", new ListSchema("The stages, run in order.",
                        new VariantSchema("A stage.", "type", stages), 1, false)),
                optional("sweep", object("Runs the pipeline once per combination of the grid's values (and per trial): "
                                + "each combination is the descriptor with those values, validated like it.", List.of(),
                        required("grid", new Schema.GridSchema("Key paths with the values each takes, e.g. "
                                + "stages[1].frequency.rule: [none, rule-1, rule-5].")),
                        optional("trials", integer("Trials of each combination; the descriptor's 'trials' when absent.",
                                1.0, 1000.0)))),
                optional("executor", object("Where the trials of a sweep (several combinations or trials) run; "
                                + "the command line's --executor, --parallel and --master win over these.", List.of(),
                        withDefault("type", oneOf("local: a pool of JVMs on this machine, one per trial; spark: an "
                                + "Apache Spark cluster (or Spark embedded: master local[*]), one trial per task, each "
                                + "in a JVM of its own on the worker.", List.of("local", "spark")), "local"),
                        optional("parallel", integer("Trials at once (local: on this machine; spark: the tasks' "
                                + "partitions); default: available processors / threads-per-trial.", 1.0, 4096.0)),
                        withDefault("threads-per-trial", integer("OpenBLAS, OMP and ND4J threads of each trial, fixed "
                                + "so that results are the same wherever a trial runs (they change in the last bits "
                                + "with the thread count).", 1.0, 256.0), 1L),
                        withDefault("retries", integer("Times a trial whose process died (killed, crashed) is started "
                                + "again; it resumes from its own checkpoint. A trial that failed with an error is "
                                + "not retried.", 0.0, 100.0), 2L),
                        withDefault("master", text("The Spark master: local[*] (embedded), spark://host:7077, "
                                + "k8s://..., yarn."), "local[*]"))));
    }

    // ------------------------------------------------------------------ cross-field checks

    private static void checkRotation(YamlNode.Mapping transform, Schema.CheckContext c) {
        YamlNode.Entry rotate = transform.entries().get("rotate");
        if (rotate != null && (long) Fields.numberAt(rotate) % 90 != 0) {
            c.problem(rotate.value().location(), "rotate", "expected 0, 90, 180 or 270, found "
                    + (long) Fields.numberAt(rotate));
        }
    }

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

}
