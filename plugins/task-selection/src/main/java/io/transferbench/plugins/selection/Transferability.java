package io.transferbench.plugins.selection;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.apache.commons.math3.stat.correlation.Covariance;

/**
 * The standard transferability measures, from their papers' definitions: how well an expert's features
 * (LogME, H-score) or its source-task predictions (LEEP, NCE) fit a target's labels, without fine-tuning.
 * Higher is better for each.
 */
final class Transferability {

    private static final int LOGME_MAX_ITERATIONS = 100;
    private static final double LOGME_TOLERANCE = 1e-6;

    private Transferability() {
    }

    /** LogME's evidence at its maximum for one target vector, and where the maximum is. */
    record Evidence(double logEvidencePerImage, double alpha, double beta, int iterations) {
    }

    /**
     * LogME (You et al., 2021): for each class, the log marginal likelihood of its one-hot indicator under
     * Bayesian linear regression on the features (prior precision alpha, noise precision beta, both chosen by
     * MacKay's fixed-point updates), divided by the number of images; the mean over classes.
     */
    static double logMe(double[][] features, int[] labels, int classes) {
        checkRows(features, labels);
        SingularValueDecomposition svd = new SingularValueDecomposition(new Array2DRowRealMatrix(features, false));
        double sum = 0;
        for (int k = 0; k < classes; k++) {
            double[] y = new double[labels.length];
            for (int i = 0; i < labels.length; i++) {
                y[i] = labels[i] == k ? 1 : 0;
            }
            sum += evidence(svd, features[0].length, y).logEvidencePerImage();
        }
        return sum / classes;
    }

    /** LogME's maximised evidence for one target vector, given the features' SVD (D features). */
    static Evidence evidence(SingularValueDecomposition svd, int dimensions, double[] y) {
        int n = y.length;
        double[] s = svd.getSingularValues();
        double[] sigma = new double[s.length];
        for (int j = 0; j < s.length; j++) {
            sigma[j] = s[j] * s[j];
        }
        double[] x = svd.getU().transpose().operate(y);
        double[] x2 = new double[x.length];
        double projected = 0;
        double yy = 0;
        for (int j = 0; j < x.length; j++) {
            x2[j] = x[j] * x[j];
            projected += x2[j];
        }
        for (double v : y) {
            yy += v * v;
        }
        double outside = Math.max(0, yy - projected); // the part of y no feature direction reaches
        double alpha = 1;
        double beta = 1;
        int iterations = 0;
        double ratio = alpha / beta;
        while (iterations < LOGME_MAX_ITERATIONS) {
            iterations++;
            double gamma = 0;
            double m2 = 0;
            double res2 = outside;
            for (int j = 0; j < sigma.length; j++) {
                double d = alpha + beta * sigma[j];
                gamma += beta * sigma[j] / d;
                m2 += beta * beta * sigma[j] * x2[j] / (d * d);
                res2 += alpha * alpha * x2[j] / (d * d);
            }
            alpha = gamma / Math.max(m2, 1e-300);
            beta = (n - gamma) / Math.max(res2, 1e-300);
            double next = alpha / beta;
            boolean converged = Math.abs(next - ratio) / ratio < LOGME_TOLERANCE;
            ratio = next;
            if (converged) {
                break;
            }
        }
        return new Evidence(logEvidence(sigma, x2, outside, dimensions, n, alpha, beta) / n, alpha, beta, iterations);
    }

    /** log p(y | F, alpha, beta) from the SVD's pieces; the D - rank missing eigenvalues of F^T F are 0. */
    static double logEvidence(double[] sigma, double[] x2, double outside, int dimensions, int n, double alpha,
                              double beta) {
        double m2 = 0;
        double res2 = outside;
        double logDet = (dimensions - sigma.length) * Math.log(alpha);
        for (int j = 0; j < sigma.length; j++) {
            double d = alpha + beta * sigma[j];
            m2 += beta * beta * sigma[j] * x2[j] / (d * d);
            res2 += alpha * alpha * x2[j] / (d * d);
            logDet += Math.log(d);
        }
        return dimensions / 2.0 * Math.log(alpha) + n / 2.0 * Math.log(beta) - alpha / 2 * m2 - beta / 2 * res2
                - logDet / 2 - n / 2.0 * Math.log(2 * Math.PI);
    }

    /**
     * LEEP (Nguyen et al., 2020): with the expert's source-class probabilities theta, the empirical conditional
     * P(y | z) of target label y given source label z; the mean over images of log sum_z P(y_i | z) theta_iz.
     */
    static double leep(double[][] theta, int[] labels, int classes) {
        checkRows(theta, labels);
        int z = theta[0].length;
        double[][] joint = new double[classes][z];
        double[] marginal = new double[z];
        for (int i = 0; i < labels.length; i++) {
            for (int j = 0; j < z; j++) {
                joint[labels[i]][j] += theta[i][j] / labels.length;
                marginal[j] += theta[i][j] / labels.length;
            }
        }
        double sum = 0;
        for (int i = 0; i < labels.length; i++) {
            double p = 0;
            for (int j = 0; j < z; j++) {
                if (marginal[j] > 0) {
                    p += joint[labels[i]][j] / marginal[j] * theta[i][j];
                }
            }
            sum += Math.log(p);
        }
        return sum / labels.length;
    }

    /**
     * NCE (Tran et al., 2019): minus the conditional entropy H(Y | Z) of the target labels given the expert's
     * predicted source labels (its argmax), from the empirical joint distribution, in nats.
     */
    static double nce(double[][] theta, int[] labels, int classes) {
        checkRows(theta, labels);
        int z = theta[0].length;
        double[][] counts = new double[classes][z];
        double[] perSource = new double[z];
        for (int i = 0; i < labels.length; i++) {
            int predicted = argmax(theta[i]);
            counts[labels[i]][predicted]++;
            perSource[predicted]++;
        }
        double entropy = 0;
        for (int y = 0; y < classes; y++) {
            for (int j = 0; j < z; j++) {
                if (counts[y][j] > 0) {
                    entropy -= counts[y][j] / labels.length * Math.log(counts[y][j] / perSource[j]);
                }
            }
        }
        return -entropy;
    }

    /**
     * H-score (Bao et al., 2019): tr(cov(f)^+ cov(E[f | y])), the features' between-class covariance measured in
     * the metric of their total covariance (a pseudo-inverse: dead units make cov(f) singular).
     */
    static double hScore(double[][] features, int[] labels, int classes) {
        checkRows(features, labels);
        int d = features[0].length;
        double[][] classMeans = new double[classes][d];
        int[] counts = new int[classes];
        for (int i = 0; i < labels.length; i++) {
            counts[labels[i]]++;
            for (int j = 0; j < d; j++) {
                classMeans[labels[i]][j] += features[i][j];
            }
        }
        for (int k = 0; k < classes; k++) {
            for (int j = 0; j < d; j++) {
                classMeans[k][j] /= Math.max(1, counts[k]);
            }
        }
        double[][] g = new double[labels.length][];
        for (int i = 0; i < labels.length; i++) {
            g[i] = classMeans[labels[i]];
        }
        RealMatrix covF = new Covariance(new Array2DRowRealMatrix(features, false), false).getCovarianceMatrix();
        RealMatrix covG = new Covariance(new Array2DRowRealMatrix(g, false), false).getCovarianceMatrix();
        RealMatrix pinv = new SingularValueDecomposition(covF).getSolver().getInverse();
        return pinv.multiply(covG).getTrace();
    }

    static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    private static void checkRows(double[][] rows, int[] labels) {
        if (rows.length != labels.length || rows.length < 2) {
            throw new IllegalArgumentException("need one row per label and at least two images; got " + rows.length
                    + " rows and " + labels.length + " labels");
        }
    }
}
