package io.transferbench.runtime.internal.engine;

import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Task2Vec's variational embedding: how much each conv filter's weights may be perturbed before the task's loss
 * suffers. Every weight of filter f is perturbed by Gaussian noise of variance sigma_f^2 (one per filter); the
 * sigmas minimise E[cross-entropy(w + noise)] + (beta / N) sum_f n_f KL(N(0, sigma_f^2) || N(0, lambda^2)) by Adam
 * on s_f = log sigma_f^2, with the reparameterisation gradient d/ds_f = sum_{w in f} g_w eps_w sigma_f / 2 (g the
 * loss gradient at the perturbed weights). The embedding is the precision 1 / sigma_f^2: to second order its
 * optimum is (N / beta) H_f + 1 / lambda^2, H_f the filter's mean diagonal Hessian, which at a fitted head is the
 * Fisher information the Monte Carlo method estimates. Weights are never changed; labels are the data's. The
 * log-variances of the last quarter of the steps are averaged.
 */
public final class VariationalEmbedding {

    /** The settings: steps, batch size, Adam's step on log-variances, beta, the prior variance lambda^2. */
    public record Settings(int steps, int batchSize, double learningRate, double beta, double priorVariance) {
    }

    private VariationalEmbedding() {
    }

    /**
     * @param net      a layer-list network with stock layers and its head fitted to the task (weights unchanged)
     * @param train    the task's training images (N = its size), in mini-batches of a seeded order
     * @param skipConv leading conv layers left out
     */
    public static FisherEmbedding.Embedding estimate(MultiLayerNetwork net, Batches train, Settings s, int skipConv,
                                                     long seed) {
        List<FisherEmbedding.Target> convs = FisherEmbedding.targets(net, skipConv).stream()
                .filter(t -> !t.batchNorm()).toList(); // the noise perturbs conv weights only
        if (convs.isEmpty()) {
            throw new IllegalArgumentException("the probe has no conv layer left after skipping " + skipConv);
        }
        List<Integer> layers = convs.stream().map(FisherEmbedding.Target::layer).toList();
        List<String> names = convs.stream().map(FisherEmbedding.Target::name).toList();
        List<Integer> filters = convs.stream().map(FisherEmbedding.Target::channels).toList();
        double n = train.size();
        double[][] logVar = new double[layers.size()][];
        double[][] m = new double[layers.size()][];
        double[][] v = new double[layers.size()][];
        for (int l = 0; l < layers.size(); l++) {
            logVar[l] = new double[filters.get(l)];
            java.util.Arrays.fill(logVar[l], Math.log(s.priorVariance()) - 4); // start well inside the prior
            m[l] = new double[filters.get(l)];
            v[l] = new double[filters.get(l)];
        }
        INDArray[] original = new INDArray[layers.size()];
        for (int l = 0; l < layers.size(); l++) {
            original[l] = net.getLayer(layers.get(l)).getParam("W").dup();
        }
        if (net.getFlattenedGradients() == null) {
            net.initGradientsView();
        }
        // the last quarter of the steps is averaged (Polyak): one noise draw per step makes each step's value jitter
        int averageFrom = s.steps() - Math.max(1, s.steps() / 4);
        double[][] averaged = new double[layers.size()][];
        for (int l = 0; l < layers.size(); l++) {
            averaged[l] = new double[filters.get(l)];
        }
        SplittableRandom random = new SplittableRandom(seed);
        int[] order = train.shuffledOrder(seed);
        int from = 0;
        try {
            for (int step = 1; step <= s.steps(); step++) {
                if (from >= order.length) {
                    order = train.shuffledOrder(seed + step);
                    from = 0;
                }
                DataSet batch = train.batch(order, from, Math.min(order.length, from + s.batchSize()), null);
                from += s.batchSize();
                INDArray[] noise = new INDArray[layers.size()];
                for (int l = 0; l < layers.size(); l++) {
                    INDArray w = original[l];
                    long perFilter = w.length() / filters.get(l);
                    double[] eps = new double[(int) w.length()];
                    double[] perturbed = w.dup('c').castTo(DataType.DOUBLE).data().asDouble();
                    for (int i = 0; i < eps.length; i++) {
                        eps[i] = random.nextGaussian();
                        perturbed[i] += eps[i] * Math.exp(logVar[l][(int) (i / perFilter)] / 2);
                    }
                    noise[l] = Nd4j.createFromArray(eps);
                    net.getLayer(layers.get(l)).setParam("W", Nd4j.create(perturbed, w.shape(), 'c').castTo(w.dataType()));
                }
                net.setInput(batch.getFeatures());
                net.setLabels(batch.getLabels());
                net.computeGradientAndScore();
                Gradient gradient = net.gradient();
                // DL4J's gradient is of the batch's summed loss (its updater divides); the objective is the mean
                double perImage = 1.0 / batch.getFeatures().size(0);
                for (int l = 0; l < layers.size(); l++) {
                    int layer = layers.get(l);
                    double[] g = gradient.getGradientFor(layer + "_W").dup('c').castTo(DataType.DOUBLE).data().asDouble();
                    double[] eps = noise[l].data().asDouble();
                    int count = filters.get(l);
                    int perFilter = g.length / count;
                    for (int f = 0; f < count; f++) {
                        double sigma = Math.exp(logVar[l][f] / 2);
                        double data = 0;
                        for (int i = f * perFilter; i < (f + 1) * perFilter; i++) {
                            data += g[i] * eps[i];
                        }
                        data *= perImage;
                        double grad = data * sigma / 2
                                + s.beta() / n * perFilter * (Math.exp(logVar[l][f]) / s.priorVariance() - 1) / 2;
                        m[l][f] = 0.9 * m[l][f] + 0.1 * grad;
                        v[l][f] = 0.999 * v[l][f] + 0.001 * grad * grad;
                        double mHat = m[l][f] / (1 - Math.pow(0.9, step));
                        double vHat = v[l][f] / (1 - Math.pow(0.999, step));
                        logVar[l][f] -= s.learningRate() * mHat / (Math.sqrt(vHat) + 1e-8);
                        if (step > averageFrom) {
                            averaged[l][f] += logVar[l][f] / (s.steps() - averageFrom);
                        }
                    }
                }
            }
        } finally {
            for (int l = 0; l < layers.size(); l++) {
                net.getLayer(layers.get(l)).setParam("W", original[l]);
            }
            net.clear();
        }
        int total = filters.stream().mapToInt(Integer::intValue).sum();
        double[] values = new double[total];
        int at = 0;
        for (double[] layer : averaged) {
            for (double lv : layer) {
                values[at++] = Math.exp(-lv);
            }
        }
        return new FisherEmbedding.Embedding(names, filters, values);
    }
}
