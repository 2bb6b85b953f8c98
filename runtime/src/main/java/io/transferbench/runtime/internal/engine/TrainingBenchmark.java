package io.transferbench.runtime.internal.engine;

import io.transferbench.runtime.internal.data.LabelledImages;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Nesterovs;

import java.util.ArrayList;
import java.util.List;

/**
 * Training throughput with the protocol of the peer benchmark ({@code torch_reference.py}): 20 warm-up
 * batches, then repetitions of contiguous batches at advancing offsets, SGD with learning rate 0.01
 * and Nesterov momentum 0.9, so the figures compare directly with PyTorch's on the same network
 * ({@code benchmark/torch_models.py} builds each model builder's network in PyTorch).
 */
public final class TrainingBenchmark {

    /** One measured repetition. */
    public record Repetition(double imagesPerSecond, double loss) {
    }

    /**
     * What was measured and on what.
     *
     * @param fastLayers layers that ran as Transferbench's fast layers (or with its batch-norm helper)
     */
    public record Result(List<Repetition> repetitions, boolean helpers, int fastLayers, int blasThreads) {
        public double medianImagesPerSecond() {
            List<Double> rates = new ArrayList<>(repetitions.stream().map(Repetition::imagesPerSecond).toList());
            rates.sort(null);
            return rates.get(rates.size() / 2);
        }
    }

    /** Listens to each repetition as it ends (for progress output). */
    @FunctionalInterface
    public interface RepetitionListener {
        void ended(int index, Repetition repetition);
    }

    private TrainingBenchmark() {
    }

    /** Trains {@code model} (at {@code width}) on {@code train}, whose images set the input shape. */
    public static Result run(LabelledImages train, String model, double width, int batch, int batches, int reps,
                             RepetitionListener listener) {
        boolean helpers = Dl4jEngine.start();
        Model net = network(train, model, width);
        int fastLayers = Networks.installFastLayers(net); // as the trainer does
        Batches batchesOf = new Batches(train, false);
        int[] order = inOrder(train.size());
        fit(net, batchesOf, order, batch, 20, 0);
        List<Repetition> repetitions = new ArrayList<>();
        for (int r = 0; r < reps; r++) {
            long start = System.nanoTime();
            double loss = fit(net, batchesOf, order, batch, batches, 20 + r * batches);
            Repetition rep = new Repetition(batches * (double) batch / ((System.nanoTime() - start) / 1e9), loss);
            repetitions.add(rep);
            listener.ended(r, rep);
        }
        return new Result(repetitions, helpers, fastLayers, Dl4jEngine.blasThreads());
    }

    /** A fresh network of {@code model} for {@code data}'s images and classes, with the peer's optimiser. */
    static Model network(LabelledImages data, String model, double width) {
        return Networks.create(model, new ModelBuilder.InputShape(data.height(), data.width(), data.channels()),
                data.classes(), width, 1, new Nesterovs(0.01, 0.9), 0);
    }

    /** 0, 1, ..., n - 1: batches of contiguous images, as the peer takes them. */
    static int[] inOrder(int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        return order;
    }

    /** Trains {@code count} contiguous batches, the peer's way; returns the last loss. */
    private static double fit(Model net, Batches data, int[] order, int batch, int count, int offset) {
        int n = order.length;
        double loss = 0;
        for (int i = 0; i < count; i++) {
            int s = (int) (((long) (offset + i) * batch) % (n - batch));
            DataSet ds = data.batch(order, s, s + batch, null);
            Networks.fit(net, ds);
            loss = net.score();
        }
        return loss;
    }
}
