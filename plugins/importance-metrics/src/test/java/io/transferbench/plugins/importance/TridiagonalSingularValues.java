package io.transferbench.plugins.importance;

import java.util.Arrays;

/**
 * Reference for the tests: all singular values of a small matrix, from the same Gram matrix and
 * Householder reduction as {@link SingularValues#rank}, then implicit QL iterations with Wilkinson's
 * shift (what HRank ran before the Sturm count). The tests compare them with the Jacobi SVD, which
 * checks the reduction the rank relies on.
 */
final class TridiagonalSingularValues {

    private static final int MAX_ITERATIONS = 60;

    private TridiagonalSingularValues() {
    }

    /** The singular values of {@code rows} (unsorted). */
    static double[] of(float[][] rows) {
        int all = Math.min(rows.length, rows[0].length);
        // rows and columns of zeros (common in ReLU maps) change no nonzero singular value: drop them
        float[][] kept = SingularValues.withoutZeroLines(rows);
        if (kept.length == 0) {
            return new double[all];
        }
        double[] values = ofDense(kept);
        return values.length == all ? values : Arrays.copyOf(values, all);
    }

    private static double[] ofDense(float[][] rows) {
        double[][] gram = SingularValues.gram(rows);
        int size = gram.length;
        double[] eigen = symmetricEigenvalues(gram);
        double[] singular = new double[size];
        for (int i = 0; i < size; i++) {
            singular[i] = Math.sqrt(Math.max(0, eigen[i]));
        }
        return singular;
    }

    /** Eigenvalues of a symmetric matrix (destroyed), unsorted. */
    static double[] symmetricEigenvalues(double[][] a) {
        int n = a.length;
        double[] diagonal = new double[n];
        double[] offDiagonal = new double[n];
        SingularValues.tridiagonalize(a, diagonal, offDiagonal);
        tridiagonalQl(diagonal, offDiagonal);
        return diagonal;
    }

    /** Implicit QL with Wilkinson's shift on a symmetric tridiagonal matrix; eigenvalues land in {@code d}. */
    private static void tridiagonalQl(double[] d, double[] e) {
        int n = d.length;
        for (int i = 1; i < n; i++) {
            e[i - 1] = e[i];
        }
        e[n - 1] = 0;
        for (int l = 0; l < n; l++) {
            int iterations = 0;
            while (true) {
                int m = l;
                while (m < n - 1) {
                    double scale = Math.abs(d[m]) + Math.abs(d[m + 1]);
                    if (Math.abs(e[m]) <= Math.ulp(scale)) {
                        break; // negligible: the matrix splits here
                    }
                    m++;
                }
                if (m == l) {
                    break;
                }
                if (++iterations > MAX_ITERATIONS) {
                    throw new ArithmeticException("eigenvalues did not converge in " + MAX_ITERATIONS + " iterations");
                }
                double g = (d[l + 1] - d[l]) / (2 * e[l]);
                double r = Math.hypot(g, 1);
                g = d[m] - d[l] + e[l] / (g + Math.copySign(r, g)); // shift by the eigenvalue of the 2x2 block nearer d[l]
                double s = 1;
                double c = 1;
                double p = 0;
                boolean deflated = false;
                for (int i = m - 1; i >= l; i--) {
                    double f = s * e[i];
                    double b = c * e[i];
                    r = Math.sqrt(f * f + g * g);
                    e[i + 1] = r;
                    if (r == 0) {
                        d[i + 1] -= p;
                        e[m] = 0;
                        deflated = true;
                        break;
                    }
                    s = f / r;
                    c = g / r;
                    g = d[i + 1] - p;
                    r = (d[i] - g) * s + 2 * c * b;
                    p = s * r;
                    d[i + 1] = g + p;
                    g = c * r - b;
                }
                if (deflated) {
                    continue;
                }
                d[l] -= p;
                e[l] = g;
                e[m] = 0;
            }
        }
    }
}
