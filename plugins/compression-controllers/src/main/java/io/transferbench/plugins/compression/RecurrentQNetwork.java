package io.transferbench.plugins.compression;

import java.util.SplittableRandom;

/**
 * A recurrent Q-network in plain Java: one tanh recurrent layer (Elman) and a linear head,
 * {@code h_t = tanh(Wx x_t + Wh h_(t-1) + b)}, {@code q_t = Wq h_t + c}; trained by backpropagation
 * through time with Adam. Small enough that sequences of a dozen steps train in microseconds, which
 * is why it needs no tensor library (plugins see only the API).
 */
final class RecurrentQNetwork {

    final int inputs;
    final int hidden;
    final int actions;
    /** All parameters in one array: Wx [hidden][inputs], Wh [hidden][hidden], b [hidden], Wq [actions][hidden], c [actions]. */
    final double[] parameters;
    private final int wx;
    private final int wh;
    private final int b;
    private final int wq;
    private final int c;

    RecurrentQNetwork(int inputs, int hidden, int actions, long seed) {
        this.inputs = inputs;
        this.hidden = hidden;
        this.actions = actions;
        wx = 0;
        wh = wx + hidden * inputs;
        b = wh + hidden * hidden;
        wq = b + hidden;
        c = wq + actions * hidden;
        parameters = new double[c + actions];
        SplittableRandom random = new SplittableRandom(seed);
        fill(random, wx, hidden * inputs, Math.sqrt(6.0 / (inputs + hidden)));
        fill(random, wh, hidden * hidden, Math.sqrt(6.0 / (2 * hidden)));
        fill(random, wq, actions * hidden, Math.sqrt(6.0 / (hidden + actions)));
    }

    private RecurrentQNetwork(RecurrentQNetwork other) {
        this.inputs = other.inputs;
        this.hidden = other.hidden;
        this.actions = other.actions;
        this.wx = other.wx;
        this.wh = other.wh;
        this.b = other.b;
        this.wq = other.wq;
        this.c = other.c;
        this.parameters = other.parameters.clone();
    }

    private void fill(SplittableRandom random, int from, int count, double limit) {
        for (int i = 0; i < count; i++) {
            parameters[from + i] = (random.nextDouble() * 2 - 1) * limit;
        }
    }

    RecurrentQNetwork copy() {
        return new RecurrentQNetwork(this);
    }

    void copyFrom(RecurrentQNetwork other) {
        System.arraycopy(other.parameters, 0, parameters, 0, parameters.length);
    }

    /** One step: the next hidden state (written to {@code next}) and the Q-values. */
    double[] step(double[] x, double[] previous, double[] next) {
        for (int j = 0; j < hidden; j++) {
            double sum = parameters[b + j];
            int rowX = wx + j * inputs;
            for (int i = 0; i < inputs; i++) {
                sum += parameters[rowX + i] * x[i];
            }
            int rowH = wh + j * hidden;
            for (int i = 0; i < hidden; i++) {
                sum += parameters[rowH + i] * previous[i];
            }
            next[j] = Math.tanh(sum);
        }
        double[] q = new double[actions];
        for (int a = 0; a < actions; a++) {
            double sum = parameters[c + a];
            int row = wq + a * hidden;
            for (int j = 0; j < hidden; j++) {
                sum += parameters[row + j] * next[j];
            }
            q[a] = sum;
        }
        return q;
    }

    /** Hidden states (index t+1 after input t; index 0 the zero start) and Q-values of a whole sequence. */
    Unroll unroll(double[][] inputsPerStep) {
        int steps = inputsPerStep.length;
        double[][] h = new double[steps + 1][hidden];
        double[][] q = new double[steps][];
        for (int t = 0; t < steps; t++) {
            q[t] = step(inputsPerStep[t], h[t], h[t + 1]);
        }
        return new Unroll(inputsPerStep, h, q);
    }

    record Unroll(double[][] x, double[][] h, double[][] q) {
    }

    /**
     * Adds to {@code gradient} the gradient of a loss whose derivative with respect to each step's
     * Q-values is {@code dq[t]} (backpropagation through time from the last step to the first).
     */
    void accumulateGradient(Unroll unroll, double[][] dq, double[] gradient) {
        int steps = dq.length;
        double[] dhNext = new double[hidden];
        for (int t = steps - 1; t >= 0; t--) {
            double[] h = unroll.h()[t + 1];
            double[] hPrevious = unroll.h()[t];
            double[] dh = dhNext.clone();
            for (int a = 0; a < actions; a++) {
                double g = dq[t][a];
                if (g == 0) {
                    continue;
                }
                gradient[c + a] += g;
                int row = wq + a * hidden;
                for (int j = 0; j < hidden; j++) {
                    gradient[row + j] += g * h[j];
                    dh[j] += g * parameters[row + j];
                }
            }
            double[] da = new double[hidden];
            for (int j = 0; j < hidden; j++) {
                da[j] = dh[j] * (1 - h[j] * h[j]);
            }
            java.util.Arrays.fill(dhNext, 0);
            double[] x = unroll.x()[t];
            for (int j = 0; j < hidden; j++) {
                if (da[j] == 0) {
                    continue;
                }
                gradient[b + j] += da[j];
                int rowX = wx + j * inputs;
                for (int i = 0; i < inputs; i++) {
                    gradient[rowX + i] += da[j] * x[i];
                }
                int rowH = wh + j * hidden;
                for (int i = 0; i < hidden; i++) {
                    gradient[rowH + i] += da[j] * hPrevious[i];
                    dhNext[i] += da[j] * parameters[rowH + i];
                }
            }
        }
    }

    /** Adam, with the gradient's norm clipped first (recurrent gradients can spike). */
    static final class Adam {
        private final double learningRate;
        private final double clipNorm;
        private final double[] m;
        private final double[] v;
        private int t;

        Adam(int size, double learningRate, double clipNorm) {
            this.learningRate = learningRate;
            this.clipNorm = clipNorm;
            this.m = new double[size];
            this.v = new double[size];
        }

        void apply(double[] parameters, double[] gradient) {
            double norm = 0;
            for (double g : gradient) {
                norm += g * g;
            }
            norm = Math.sqrt(norm);
            double scale = norm > clipNorm ? clipNorm / norm : 1;
            t++;
            double correction1 = 1 - Math.pow(0.9, t);
            double correction2 = 1 - Math.pow(0.999, t);
            for (int i = 0; i < parameters.length; i++) {
                double g = gradient[i] * scale;
                m[i] = 0.9 * m[i] + 0.1 * g;
                v[i] = 0.999 * v[i] + 0.001 * g * g;
                parameters[i] -= learningRate * (m[i] / correction1) / (Math.sqrt(v[i] / correction2) + 1e-8);
            }
        }
    }
}
