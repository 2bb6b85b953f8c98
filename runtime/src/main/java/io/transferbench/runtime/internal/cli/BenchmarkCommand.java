package io.transferbench.runtime.internal.cli;

import io.transferbench.runtime.internal.data.DataException;
import io.transferbench.runtime.internal.data.DatasetLoader;
import io.transferbench.runtime.internal.data.LabelledImages;
import io.transferbench.api.ComponentParameters;
import io.transferbench.api.ParameterSpec;
import io.transferbench.api.importance.ImportanceMetric;
import io.transferbench.api.importance.ImportanceMetricFactory;
import io.transferbench.runtime.internal.engine.ModelBuilder;
import io.transferbench.runtime.internal.engine.ScoringBenchmark;
import io.transferbench.runtime.internal.plugins.ComponentKind;
import io.transferbench.runtime.internal.engine.TrainingBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code transferbench benchmark}: training throughput of a model builder's network on Fashion-MNIST
 * with the peer benchmark's protocol ({@link TrainingBenchmark}), so the figure compares directly
 * with {@code benchmark/torch_models.py}'s on the same network.
 */
@Command(name = "benchmark", mixinStandardHelpOptions = true,
        description = "Measure training images/s of a model on Fashion-MNIST (the peer benchmark's protocol).")
final class BenchmarkCommand implements Callable<Integer> {

    @ParentCommand
    TransferbenchCommand root;

    @Option(names = "--data", description = "Fashion-MNIST folder (default ${DEFAULT-VALUE}).")
    Path data = DatasetLoader.DEFAULT_FASHION_MNIST;

    @Option(names = "--batch", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batch = 128;

    @Option(names = "--batches", description = "Batches per measured repetition (default ${DEFAULT-VALUE}).")
    int batches = 100;

    @Option(names = "--reps", description = "Measured repetitions (default ${DEFAULT-VALUE}).")
    int reps = 5;

    @Option(names = "--model", description = "Model to train: small-cnn, bench-cnn, vgg-11, vgg-16, resnet-20 "
            + "(default ${DEFAULT-VALUE}).")
    String model = "bench-cnn";

    @Option(names = "--width", description = "Width multiplier of the model's filter counts (default ${DEFAULT-VALUE}).")
    double width = 1.0;

    @Option(names = "--input", description = "Input images: 28x28x1 (Fashion-MNIST as it is) or 32x32x3 (each image "
            + "framed by 2 zero pixels and repeated on 3 channels) (default ${DEFAULT-VALUE}).")
    String input = "28x28x1";

    @Option(names = "--score", paramLabel = "METRIC", description = "Instead of training: time the importance metric "
            + "METRIC (hrank, taylor, apoz, ...) scoring every conv layer over --images images, as a pruning step does.")
    String score;

    @Option(names = "--images", description = "Images a --score metric reads (default ${DEFAULT-VALUE}).")
    int images = 500;

    @Option(names = "--inference", description = "Instead of training: inference images/s at --batch.")
    boolean inference;

    @Override
    public Integer call() {
        String problem = problem();
        if (problem != null) {
            root.err().println("error: " + problem);
            return TransferbenchCommand.BAD_INPUT;
        }
        LabelledImages train;
        try {
            train = new DatasetLoader().load("fashion-mnist", data).train();
        } catch (DataException e) {
            root.err().println("error: " + e.getMessage());
            return TransferbenchCommand.BAD_INPUT;
        }
        if (input.equals("32x32x3")) {
            train = train.framed(2, 3);
        }
        if (score != null) {
            return score(train);
        }
        if (inference) {
            double rate = ScoringBenchmark.inferenceImagesPerSecond(train, model, width, batch, batches);
            root.out().printf(Locale.ROOT, "dl4j 1.0.0-M2.1, %s, width %s, input %s, inference, batch %d%n", model, width,
                    input, batch);
            root.out().printf(Locale.ROOT, "inference_images_per_second=%.1f%n", rate);
            PeakMemory.print(root.out());
            return TransferbenchCommand.OK;
        }
        TrainingBenchmark.Result result = TrainingBenchmark.run(train, model, width, batch, batches, reps, (r, rep) ->
                root.out().printf(Locale.ROOT, "rep %d: %.1f images/s, loss %.4f%n", r, rep.imagesPerSecond(), rep.loss()));
        root.out().printf(Locale.ROOT, "dl4j 1.0.0-M2.1, %s, width %s, input %s, helpers %s, fast layers %d, "
                        + "openblas threads %d, batch %d%n", model, width, input, result.helpers() ? "on" : "OFF",
                result.fastLayers(), result.blasThreads(), batch);
        root.out().printf(Locale.ROOT, "images_per_second=%.1f%n", result.medianImagesPerSecond());
        PeakMemory.print(root.out());
        return TransferbenchCommand.OK;
    }

    private int score(LabelledImages train) {
        var factory = root.registry().factories(ComponentKind.IMPORTANCE_METRIC, ImportanceMetricFactory.class).get(score);
        if (factory == null) {
            root.err().println("error: --score '" + score + "' is not an importance metric; use one of "
                    + String.join(", ", root.registry().ids(ComponentKind.IMPORTANCE_METRIC)));
            return TransferbenchCommand.BAD_INPUT;
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (ParameterSpec p : factory.parameters()) {
            p.defaultValue().ifPresent(v -> values.put(p.name(), v));
        }
        if (values.containsKey("images")) {
            values.put("images", (long) images);
        }
        ImportanceMetric metric = factory.create(ComponentParameters.of(score, values, 1));
        LabelledImages probe = train.select(java.util.stream.IntStream.range(0, Math.min(images, train.size())).toArray(),
                java.util.stream.IntStream.range(0, train.classes()).toArray(), train.classes());
        ScoringBenchmark.Scoring result;
        try {
            result = ScoringBenchmark.score(probe, model, width, metric);
        } catch (IllegalStateException e) {
            root.err().println("error: " + e.getMessage());
            return TransferbenchCommand.BAD_INPUT;
        }
        result.secondsPerLayer().forEach((layer, seconds) ->
                root.out().printf(Locale.ROOT, "%s: %.2f s%n", layer, seconds));
        root.out().printf(Locale.ROOT, "dl4j 1.0.0-M2.1, %s, width %s, input %s, %s over %d images %s%n", model, width,
                input, score, probe.size(), values);
        root.out().printf(Locale.ROOT, "score_seconds=%.2f%n", result.seconds());
        PeakMemory.print(root.out());
        return TransferbenchCommand.OK;
    }

    private String problem() {
        if (!ModelBuilder.MODELS.contains(model)) {
            return "--model '" + model + "' is not a model; use one of " + String.join(", ", ModelBuilder.MODELS);
        }
        if (!(width > 0 && width <= 4)) {
            return "--width " + width + " is out of range; use a multiplier above 0 and at most 4 (1 = the paper's widths)";
        }
        if (!input.equals("28x28x1") && !input.equals("32x32x3")) {
            return "--input '" + input + "' is not an input shape; use 28x28x1 or 32x32x3";
        }
        if (batch < 1 || batches < 1 || reps < 1) {
            return "--batch, --batches and --reps must be at least 1";
        }
        return null;
    }
}
