package io.transferbench.runtime.internal.cli;

import io.transferbench.runtime.internal.data.DataException;
import io.transferbench.runtime.internal.data.DatasetLoader;
import io.transferbench.runtime.internal.data.LabelledImages;
import io.transferbench.runtime.internal.engine.TrainingBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code transferbench benchmark}: training throughput of bench-cnn on Fashion-MNIST with the peer
 * benchmark's protocol ({@link TrainingBenchmark}), so the two figures compare directly.
 */
@Command(name = "benchmark", mixinStandardHelpOptions = true,
        description = "Measure training images/s of bench-cnn on Fashion-MNIST (the peer benchmark's protocol).")
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

    @Option(names = "--model", description = "Model to train (default ${DEFAULT-VALUE}).")
    String model = "bench-cnn";

    @Override
    public Integer call() {
        LabelledImages train;
        try {
            train = new DatasetLoader().load("fashion-mnist", data).train();
        } catch (DataException e) {
            root.err().println("error: " + e.getMessage());
            return TransferbenchCommand.BAD_INPUT;
        }
        TrainingBenchmark.Result result = TrainingBenchmark.run(train, model, batch, batches, reps, (r, rep) ->
                root.out().printf(Locale.ROOT, "rep %d: %.1f images/s, loss %.4f%n", r, rep.imagesPerSecond(), rep.loss()));
        root.out().printf(Locale.ROOT, "dl4j 1.0.0-M2.1, %s, helpers %s, fast layers %d, openblas threads %d, batch %d%n",
                model, result.helpers() ? "on" : "OFF", result.fastLayers(), result.blasThreads(), batch);
        root.out().printf(Locale.ROOT, "images_per_second=%.1f%n", result.medianImagesPerSecond());
        return TransferbenchCommand.OK;
    }
}
