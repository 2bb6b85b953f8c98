package io.transferbench.plugins.selection;

import io.transferbench.api.ComponentParameters;
import io.transferbench.api.ParameterSpec;
import io.transferbench.api.selection.MetaTask;
import io.transferbench.api.selection.ModelSelector;
import io.transferbench.api.selection.ModelSelectorFactory;
import io.transferbench.api.selection.Selection;
import io.transferbench.api.selection.SelectionProblem;

import java.util.List;
import java.util.Locale;
import java.util.function.IntToDoubleFunction;

/**
 * {@code model2vec}: Task2Vec's model embedding m_i = F_i + b_i, one bias vector per expert learned on the meta
 * tasks (tasks where every expert's fine-tuned accuracy is known) so that the nearest model, by the stage's
 * distance, is the one that did best: a softmax over -s d(m_i, F_t) trained with the cross-entropy of the best
 * expert, plus an L2 penalty on the biases. Then the expert nearest the target wins.
 *
 * <p>The biases are relative to the mean Fisher value of the library (so the step sizes do not depend on the
 * probe's scale), m_i is kept non-negative, the scale s is 1 / the spread of the initial distances, and the
 * gradient is a central difference of the loss (the distance is a plugin and has no derivative to offer): each
 * bias entry moves only its own expert's distances, so a step costs two distances per meta task and entry.
 */
public final class Model2VecSelector implements ModelSelectorFactory {

    @Override
    public String id() {
        return "model2vec";
    }

    @Override
    public String description() {
        return "Model2Vec: task2vec with a bias per expert (m_i = F_i + b_i) learned on the meta tasks to put the "
                + "best expert nearest; task2vec itself when there are none.";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(
                ParameterSpec.integer("steps", "Adam steps of the bias learning.").withDefault(200).withMinimum(1)
                        .withMaximum(100000),
                ParameterSpec.number("learning-rate", "Adam's step size, in units of the library's mean Fisher value.")
                        .withDefault(0.05).withMinimum(1e-6).withMaximum(10),
                ParameterSpec.number("l2", "Weight of the mean squared bias in the loss.").withDefault(0.01)
                        .withMinimum(0).withMaximum(100));
    }

    @Override
    public ModelSelector create(ComponentParameters parameters) {
        int steps = (int) parameters.integer("steps");
        double rate = parameters.number("learning-rate");
        double l2 = parameters.number("l2");
        return problem -> {
            Learned learned = learn(problem, steps, rate, l2);
            double[] target = problem.targetEmbedding();
            double[] scores = new double[problem.experts().size()];
            for (int i = 0; i < scores.length; i++) {
                scores[i] = -problem.distance(learned.model(i), target);
            }
            return new Selection(scores, learned.how());
        };
    }

    /** The learned model embeddings and the loss before and after. */
    record Learned(double[][] embeddings, double lossBefore, double lossAfter, int metaTasks) {
        double[] model(int expert) {
            return embeddings[expert];
        }

        String how() {
            if (metaTasks == 0) {
                return "no meta tasks: biases 0 (the task2vec choice)";
            }
            return String.format(Locale.ROOT, "biases learned on %d meta tasks: training loss %.4f -> %.4f", metaTasks,
                    lossBefore, lossAfter);
        }
    }

    static Learned learn(SelectionProblem problem, int steps, double rate, double l2) {
        int experts = problem.experts().size();
        double[][] f = new double[experts][];
        for (int i = 0; i < experts; i++) {
            f[i] = problem.sourceEmbedding(i);
        }
        List<MetaTask> meta = problem.metaTasks();
        if (meta.isEmpty()) {
            return new Learned(f, Double.NaN, Double.NaN, 0);
        }
        int dims = f[0].length;
        double unit = 0;
        for (double[] e : f) {
            unit += Embeddings.mean(e) / experts;
        }
        final double scaleUnit = unit > 0 ? unit : 1;
        double[][] tasks = new double[meta.size()][];
        int[] best = new int[meta.size()];
        for (int t = 0; t < meta.size(); t++) {
            tasks[t] = meta.get(t).embedding();
            best[t] = Transferability.argmax(meta.get(t).expertAccuracies());
        }
        double[][] bias = new double[experts][dims];
        double[][] d = new double[meta.size()][experts];
        double spread = 0;
        double mean = 0;
        for (int t = 0; t < tasks.length; t++) {
            for (int i = 0; i < experts; i++) {
                d[t][i] = problem.distance(f[i], tasks[t]);
                mean += d[t][i];
            }
        }
        mean /= tasks.length * experts;
        for (double[] row : d) {
            for (double v : row) {
                spread += (v - mean) * (v - mean);
            }
        }
        spread = Math.sqrt(spread / (tasks.length * experts));
        double scale = spread > 0 ? 1 / spread : 1;
        Loss loss = new Loss(problem, f, tasks, best, scale, l2, scaleUnit);
        double before = loss.total(bias, d);
        double[][] m = new double[experts][dims];
        double[][] v = new double[experts][dims];
        double beta1 = 0.9;
        double beta2 = 0.999;
        double h = 1e-3;
        for (int step = 1; step <= steps; step++) {
            for (int i = 0; i < experts; i++) {
                for (int j = 0; j < dims; j++) {
                    double saved = bias[i][j];
                    bias[i][j] = saved + h;
                    double up = loss.withExpert(bias, d, i);
                    bias[i][j] = saved - h;
                    double down = loss.withExpert(bias, d, i);
                    bias[i][j] = saved;
                    double g = (up - down) / (2 * h);
                    m[i][j] = beta1 * m[i][j] + (1 - beta1) * g;
                    v[i][j] = beta2 * v[i][j] + (1 - beta2) * g * g;
                    double mHat = m[i][j] / (1 - Math.pow(beta1, step));
                    double vHat = v[i][j] / (1 - Math.pow(beta2, step));
                    bias[i][j] -= rate * mHat / (Math.sqrt(vHat) + 1e-8);
                }
            }
            for (int i = 0; i < experts; i++) {
                loss.refresh(bias, d, i);
            }
        }
        double after = loss.total(bias, d);
        double[][] models = new double[experts][];
        for (int i = 0; i < experts; i++) {
            models[i] = loss.model(bias, i);
        }
        return new Learned(models, before, after, tasks.length);
    }

    /** The meta-training loss, with each expert's distances cached so that a change of one expert's bias is cheap. */
    private static final class Loss {
        private final SelectionProblem problem;
        private final double[][] f;
        private final double[][] tasks;
        private final int[] best;
        private final double scale;
        private final double l2;
        private final double unit;

        Loss(SelectionProblem problem, double[][] f, double[][] tasks, int[] best, double scale, double l2, double unit) {
            this.problem = problem;
            this.f = f;
            this.tasks = tasks;
            this.best = best;
            this.scale = scale;
            this.l2 = l2;
            this.unit = unit;
        }

        double[] model(double[][] bias, int expert) {
            double[] out = new double[f[expert].length];
            for (int j = 0; j < out.length; j++) {
                out[j] = Math.max(0, f[expert][j] + unit * bias[expert][j]);
            }
            return out;
        }

        void refresh(double[][] bias, double[][] d, int expert) {
            double[] model = model(bias, expert);
            for (int t = 0; t < tasks.length; t++) {
                d[t][expert] = problem.distance(model, tasks[t]);
            }
        }

        /** The loss with expert {@code changed}'s distances recomputed from {@code bias} and the others cached. */
        double withExpert(double[][] bias, double[][] d, int changed) {
            double[] model = model(bias, changed);
            double[] fresh = new double[tasks.length];
            for (int t = 0; t < tasks.length; t++) {
                fresh[t] = problem.distance(model, tasks[t]);
            }
            return value(bias, t -> fresh[t], d, changed);
        }

        double total(double[][] bias, double[][] d) {
            return value(bias, t -> d[t][0], d, 0);
        }

        private double value(double[][] bias, IntToDoubleFunction changedDistance, double[][] d, int changed) {
            double sum = 0;
            for (int t = 0; t < tasks.length; t++) {
                double max = Double.NEGATIVE_INFINITY;
                double[] logits = new double[d[t].length];
                for (int i = 0; i < logits.length; i++) {
                    logits[i] = -scale * (i == changed ? changedDistance.applyAsDouble(t) : d[t][i]);
                    max = Math.max(max, logits[i]);
                }
                double norm = 0;
                for (double l : logits) {
                    norm += Math.exp(l - max);
                }
                sum += max + Math.log(norm) - logits[best[t]];
            }
            double squares = 0;
            int count = 0;
            for (double[] row : bias) {
                for (double b : row) {
                    squares += b * b;
                    count++;
                }
            }
            return sum / tasks.length + l2 * squares / count;
        }
    }
}
