package io.transferbench.runtime.internal.cli;

import io.transferbench.runtime.internal.data.DataException;
import io.transferbench.runtime.internal.data.DatasetLoader;
import io.transferbench.runtime.internal.data.LabelledImages;
import io.transferbench.runtime.internal.engine.Batches;
import io.transferbench.runtime.internal.engine.Dl4jEngine;
import io.transferbench.runtime.internal.engine.ModelBuilder;
import io.transferbench.runtime.internal.engine.Networks;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Nesterovs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code transferbench benchmark}: training throughput of bench-cnn on Fashion-MNIST with the protocol
 * of {@code ../shared/bench/torch_reference.py} (20 warm-up batches, then repetitions of contiguous
 * batches at advancing offsets), so the two figures compare directly.
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
        boolean helpers = Dl4jEngine.start();
        MultiLayerNetwork net = new MultiLayerNetwork(ModelBuilder.build(model, new ModelBuilder.InputShape(28, 28, 1), 10,
                1.0, 1, new Nesterovs(0.01, 0.9), 0));
        net.init();
        int fastLayers = Networks.installFastLayers(net); // as the trainer does
        Batches batchesOf = new Batches(train, false);
        int[] order = new int[train.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        run(net, batchesOf, order, 20, 0);
        List<Double> rates = new ArrayList<>();
        for (int r = 0; r < reps; r++) {
            long start = System.nanoTime();
            double loss = run(net, batchesOf, order, batches, 20 + r * batches);
            double rate = batches * (double) batch / ((System.nanoTime() - start) / 1e9);
            rates.add(rate);
            root.out().printf(Locale.ROOT, "rep %d: %.1f images/s, loss %.4f%n", r, rate, loss);
        }
        rates.sort(null);
        root.out().printf(Locale.ROOT, "dl4j 1.0.0-M2.1, %s, helpers %s, fast layers %d, openblas threads %d, batch %d%n",
                model, helpers ? "on" : "OFF", fastLayers, Dl4jEngine.blasThreads(), batch);
        root.out().printf(Locale.ROOT, "images_per_second=%.1f%n", rates.get(rates.size() / 2));
        return TransferbenchCommand.OK;
    }

    /** Trains {@code count} contiguous batches, the peer's way; returns the last loss. */
    private double run(MultiLayerNetwork net, Batches data, int[] order, int count, int offset) {
        int n = order.length;
        double loss = 0;
        for (int i = 0; i < count; i++) {
            int s = (int) (((long) (offset + i) * batch) % (n - batch));
            DataSet ds = data.batch(order, s, s + batch, null);
            net.fit(ds);
            loss = net.score();
        }
        return loss;
    }
}
