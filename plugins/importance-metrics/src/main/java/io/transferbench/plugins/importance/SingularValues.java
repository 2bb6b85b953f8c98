package io.transferbench.plugins.importance;

import java.util.Arrays;

/**
 * Singular values of a small dense matrix A, as the square roots of the eigenvalues of its Gram
 * matrix AᵀA (the smaller side), computed in double precision: Householder reduction of AᵀA to a
 * tridiagonal matrix, then implicit QL iterations with Wilkinson's shift.
 *
 * <p>Why not an SVD of A itself: HRank ranks hundreds of thousands of maps, and this is about 20
 * times faster than the one-sided Jacobi SVD it replaced on 32x32 maps. Squaring costs accuracy only
 * where it does not matter here: the eigenvalues carry an absolute error near 1e-16·σ₁², so a
 * singular value is off by about 1e-8·σ₁ at worst, against a rank threshold of σ₁·max(H, W)·2⁻²³
 * (3.8e-6·σ₁ for 32x32 maps) that float32 feature maps call for. Only a singular value within about
 * 0.01 % of the threshold could land on the other side of it (ActivationImportanceTest compares with
 * the Jacobi SVD).
 */
final class SingularValues {

    private static final int MAX_ITERATIONS = 60;

    private SingularValues() {
    }

    /** The singular values of {@code rows} (unsorted). */
    static double[] of(float[][] rows) {
        int all = Math.min(rows.length, rows[0].length);
        // rows and columns of zeros (common in ReLU maps) change no nonzero singular value: drop them
        float[][] kept = withoutZeroLines(rows);
        if (kept.length == 0) {
            return new double[all];
        }
        double[] values = ofDense(kept);
        return values.length == all ? values : Arrays.copyOf(values, all);
    }

    private static float[][] withoutZeroLines(float[][] rows) {
        int n = rows[0].length;
        boolean[] usedColumn = new boolean[n];
        int keptRows = 0;
        for (float[] row : rows) {
            boolean any = false;
            for (int k = 0; k < n; k++) {
                if (row[k] != 0) {
                    usedColumn[k] = true;
                    any = true;
                }
            }
            if (any) {
                keptRows++;
            }
        }
        int keptColumns = 0;
        for (boolean used : usedColumn) {
            if (used) {
                keptColumns++;
            }
        }
        if (keptRows == rows.length && keptColumns == n) {
            return rows;
        }
        float[][] out = new float[keptRows][];
        int r = 0;
        for (float[] row : rows) {
            float[] compact = new float[keptColumns];
            int c = 0;
            boolean any = false;
            for (int k = 0; k < n; k++) {
                if (usedColumn[k]) {
                    compact[c++] = row[k];
                    any |= row[k] != 0;
                }
            }
            if (any) {
                out[r++] = compact;
            }
        }
        return out;
    }

    private static double[] ofDense(float[][] rows) {
        int m = rows.length;
        int n = rows[0].length;
        boolean byRows = m < n; // the Gram matrix of the smaller side: AAᵀ has the same nonzero eigenvalues
        int size = byRows ? m : n;
        // the smaller side's vectors as contiguous doubles: each Gram entry is then one dot product
        int length = byRows ? n : m;
        double[][] vectors = new double[size][length];
        for (int r = 0; r < m; r++) {
            float[] row = rows[r];
            for (int k = 0; k < n; k++) {
                if (byRows) {
                    vectors[r][k] = row[k];
                } else {
                    vectors[k][r] = row[k];
                }
            }
        }
        double[][] gram = new double[size][size];
        for (int i = 0; i < size; i++) {
            double[] vi = vectors[i];
            for (int j = 0; j <= i; j++) {
                double[] vj = vectors[j];
                double s = 0;
                for (int k = 0; k < length; k++) {
                    s += vi[k] * vj[k];
                }
                gram[i][j] = s;
                gram[j][i] = s;
            }
        }
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
        tridiagonalize(a, diagonal, offDiagonal);
        tridiagonalQl(diagonal, offDiagonal);
        return diagonal;
    }

    /**
     * Householder reduction: from the last row up, a reflection zeroes row i left of its
     * subdiagonal. Leaves the diagonal in {@code d} and the subdiagonal in {@code e[1..n-1]}.
     */
    private static void tridiagonalize(double[][] a, double[] d, double[] e) {
        int n = a.length;
        for (int i = n - 1; i > 0; i--) {
            int last = i - 1;
            if (last == 0) {
                e[i] = a[i][0];
                continue;
            }
            double scale = 0;
            for (int k = 0; k <= last; k++) {
                scale += Math.abs(a[i][k]);
            }
            if (scale == 0) {
                e[i] = a[i][last];
                continue;
            }
            double h = 0;
            for (int k = 0; k <= last; k++) {
                a[i][k] /= scale;
                h += a[i][k] * a[i][k];
            }
            double f = a[i][last];
            double g = f >= 0 ? -Math.sqrt(h) : Math.sqrt(h);
            e[i] = scale * g;
            h -= f * g;
            a[i][last] = f - g; // row i left of the diagonal is now the Householder vector u
            // p = A·u / h (in e[0..last]), then K = uᵀp / 2h, q = p - K·u, A -= u·qᵀ + q·uᵀ
            f = 0;
            for (int j = 0; j <= last; j++) {
                double s = 0;
                for (int k = 0; k <= j; k++) {
                    s += a[j][k] * a[i][k];
                }
                for (int k = j + 1; k <= last; k++) {
                    s += a[k][j] * a[i][k];
                }
                e[j] = s / h;
                f += e[j] * a[i][j];
            }
            double half = f / (h + h);
            for (int j = 0; j <= last; j++) {
                double uj = a[i][j];
                double qj = e[j] - half * uj;
                e[j] = qj;
                for (int k = 0; k <= j; k++) {
                    a[j][k] -= uj * e[k] + qj * a[i][k];
                }
            }
        }
        for (int i = 0; i < n; i++) {
            d[i] = a[i][i];
        }
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
                    r = Math.hypot(f, g);
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
