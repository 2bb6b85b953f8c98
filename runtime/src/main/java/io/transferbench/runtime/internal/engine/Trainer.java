package io.transferbench.runtime.internal.engine;

import io.transferbench.api.network.Evaluation;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.util.SplittableRandom;

/** Trains a network epoch by epoch and evaluates it. */
public final class Trainer {

    private static final int EVAL_BATCH = 500;

    private Trainer() {
    }

    /**
     * One epoch over {@code train} in an order seeded by {@code seed}; returns the mean training loss.
     * The network's epoch counter advances, so epoch-based learning-rate schedules follow.
     */
    public static double trainEpoch(Model net, Batches train, int batchSize, long seed) {
        int[] order = train.shuffledOrder(seed);
        SplittableRandom augmentation = new SplittableRandom(seed ^ 0x5DEECE66DL);
        double lossSum = 0;
        int batches = 0;
        for (int from = 0; from < order.length; from += batchSize) {
            DataSet batch = train.batch(order, from, Math.min(order.length, from + batchSize), augmentation);
            Networks.fit(net, batch);
            lossSum += net.score();
            batches++;
        }
        Networks.endEpoch(net);
        return batches == 0 ? 0 : lossSum / batches;
    }

    /**
     * At most {@code batches} mini-batches of {@code train} in an order seeded by {@code seed}, calling
     * {@code afterEach} after every update (to re-apply masks, say); returns the batches trained. The epoch
     * counter does not move.
     */
    public static int trainBatches(Model net, Batches train, int batchSize, int batches, long seed, Runnable afterEach) {
        int[] order = train.shuffledOrder(seed);
        SplittableRandom augmentation = new SplittableRandom(seed ^ 0x5DEECE66DL);
        int done = 0;
        for (int from = 0; done < batches && from < order.length; from += batchSize) {
            Networks.fit(net, train.batch(order, from, Math.min(order.length, from + batchSize), augmentation));
            afterEach.run();
            done++;
        }
        return done;
    }

    /** Accuracy and mean cross-entropy on {@code eval}, in file order. */
    public static Evaluation evaluate(Model net, Batches eval) {
        return evaluateWithConfusion(net, eval).evaluation();
    }

    /**
     * An evaluation with its confusion matrix.
     *
     * @param confusion images by true class (rows) and predicted class (columns)
     */
    public record Detailed(Evaluation evaluation, int[][] confusion) {
    }

    /** {@link #evaluate}, also counting each (true class, predicted class) pair. */
    public static Detailed evaluateWithConfusion(Model net, Batches eval) {
        int n = eval.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        long correct = 0;
        double loss = 0;
        int[][] confusion = null;
        for (int from = 0; from < n; from += EVAL_BATCH) {
            DataSet batch = eval.batch(order, from, Math.min(n, from + EVAL_BATCH), null);
            INDArray probabilities = Networks.output(net, batch.getFeatures());
            float[][] p = probabilities.toFloatMatrix();
            float[][] y = batch.getLabels().toFloatMatrix();
            if (confusion == null && p.length > 0) {
                confusion = new int[y[0].length][y[0].length];
            }
            for (int i = 0; i < p.length; i++) {
                int predicted = argmax(p[i]);
                int label = argmax(y[i]);
                confusion[label][predicted]++;
                if (predicted == label) {
                    correct++;
                }
                loss -= Math.log(Math.max(p[i][label], 1e-12));
            }
        }
        return new Detailed(new Evaluation(n == 0 ? 0 : (double) correct / n, n == 0 ? 0 : loss / n, n),
                confusion == null ? new int[0][0] : confusion);
    }

    private static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
