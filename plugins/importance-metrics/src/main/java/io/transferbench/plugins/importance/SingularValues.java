package io.transferbench.plugins.importance;

import java.util.Arrays;

/**
 * The numerical rank of a small dense matrix A: how many of its singular values lie above a
 * threshold, from the eigenvalues of its Gram matrix AᵀA (the smaller side) in double precision,
 * without computing them. Full rank is first tried for with a Cholesky factorisation of the shifted
 * Gram matrix; otherwise a Householder reduction to a tridiagonal matrix, its largest eigenvalue by
 * bisection and one Sturm count at the threshold.
 *
 * <p>Why not an SVD of A itself: HRank ranks hundreds of thousands of maps; the one-sided Jacobi SVD
 * this replaced took about 3 ms a 32x32 map, eigenvalues of the Gram matrix by QL 145 µs, this 47-72
 * µs. Squaring costs accuracy only where it does not matter here: the eigenvalues carry an absolute
 * error near 1e-16·σ₁², so a singular value is off by about 1e-8·σ₁ at worst, against a rank
 * threshold of σ₁·max(H, W)·2⁻²³ (3.8e-6·σ₁ for 32x32 maps) that float32 feature maps call for. Only
 * a singular value within about 0.01 % of the threshold could land on the other side of it
 * (SingularValuesTest compares with the Jacobi SVD).
 */
final class SingularValues {

    private SingularValues() {
    }

    /** {@code rows} without its rows and columns of zeros (common in ReLU maps): no nonzero singular value changes. */
    static float[][] withoutZeroLines(float[][] rows) {
        int n = rows[0].length;
        // sums of magnitudes, zero exactly for lines of zeros; plain sums vectorise, tests per value do not
        float[] columnMagnitude = new float[n];
        int keptRows = 0;
        for (float[] row : rows) {
            float rowMagnitude = 0;
            for (int k = 0; k < n; k++) {
                float magnitude = Math.abs(row[k]);
                columnMagnitude[k] += magnitude;
                rowMagnitude += magnitude;
            }
            if (rowMagnitude != 0) {
                keptRows++;
            }
        }
        boolean[] usedColumn = new boolean[n];
        int keptColumns = 0;
        for (int k = 0; k < n; k++) {
            usedColumn[k] = columnMagnitude[k] != 0;
            if (usedColumn[k]) {
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

    /**
     * The number of singular values above {@code factor}·σ₁, the largest: the numerical rank. Full
     * rank is first tried for cheaply ({@link #positiveDefiniteAfterShift}); otherwise from the same
     * tridiagonal matrix as {@link #of}, but without its eigenvalues: λ_max = σ₁² by bisection, then
     * one Sturm count of the eigenvalues below (factor·σ₁)², each O(n).
     */
    static int rank(float[][] rows, double factor) {
        float[][] kept = withoutZeroLines(rows);
        if (kept.length == 0) {
            return 0;
        }
        double[][] gram = gram(kept);
        int n = gram.length;
        if (positiveDefiniteAfterShift(gram, largestRowSum(gram) * factor * factor)) {
            return n; // every eigenvalue lies above a bound on the threshold: full rank
        }
        double[] d = new double[n];
        double[] e = new double[n];
        tridiagonalize(gram, d, e);
        double[] e2 = new double[n];
        for (int i = 1; i < n; i++) {
            e2[i] = e[i] * e[i];
        }
        double smallestPivot = smallestPivot(e2);
        double top = largestEigenvalue(d, e, e2, smallestPivot);
        if (top <= 0) {
            return 0;
        }
        double threshold = Math.sqrt(top) * factor;
        return n - eigenvaluesBelow(d, e2, threshold * threshold, smallestPivot);
    }

    /** Gershgorin's bound on λ_max of a symmetric matrix: its largest row sum of magnitudes. */
    private static double largestRowSum(double[][] a) {
        double largest = 0;
        for (double[] row : a) {
            double sum = 0;
            for (double v : row) {
                sum += Math.abs(v);
            }
            largest = Math.max(largest, sum);
        }
        return largest;
    }

    /**
     * Whether A - shift·I is positive definite, by attempting its Cholesky factorisation (a quarter
     * of the tridiagonal reduction's work). With shift ≥ (factor·σ₁)², success proves every
     * eigenvalue of the Gram matrix, so every singular value, above the rank threshold: the common
     * case of a full-rank map costs no eigenvalue at all. Rounding cannot fake a success: it perturbs
     * A by about n·1e-16·λ_max, while the shift is at least 1e-11·λ_max.
     */
    private static boolean positiveDefiniteAfterShift(double[][] a, double shift) {
        int n = a.length;
        double[][] l = new double[n][];
        for (int j = 0; j < n; j++) {
            double[] lj = new double[j + 1];
            l[j] = lj;
            for (int k = 0; k < j; k++) {
                lj[k] = (a[j][k] - dot(lj, l[k], k)) / l[k][k];
            }
            double pivot = a[j][j] - shift - dot(lj, lj, j);
            if (!(pivot > 0)) {
                return false;
            }
            lj[j] = Math.sqrt(pivot);
        }
        return true;
    }

    /**
     * λ_max of the tridiagonal matrix (diagonal d, subdiagonal e[1..n-1], its squares e2) to 1e-10
     * relative: σ₁ to 5e-11, far inside the rank threshold's own rounding.
     */
    private static double largestEigenvalue(double[] d, double[] e, double[] e2, double smallestPivot) {
        int n = d.length;
        double low = Double.NEGATIVE_INFINITY;
        double high = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            double radius = (i > 0 ? Math.abs(e[i]) : 0) + (i < n - 1 ? Math.abs(e[i + 1]) : 0);
            low = Math.max(low, d[i]); // a diagonal entry is a Rayleigh quotient: λ_max is not below it
            high = Math.max(high, d[i] + radius); // Gershgorin
        }
        while (high - low > 1e-10 * Math.max(Math.abs(high), Math.abs(low))) {
            double middle = 0.5 * (low + high);
            if (middle <= low || middle >= high) {
                break;
            }
            if (eigenvaluesBelow(d, e2, middle, smallestPivot) == n) {
                high = middle;
            } else {
                low = middle;
            }
        }
        return high;
    }

    /** The pivot below which a Sturm count treats a pivot as zero (computed once: MIN_NORMAL·e² is subnormal, slow). */
    private static double smallestPivot(double[] e2) {
        double largest = 1;
        for (int i = 1; i < e2.length; i++) {
            largest = Math.max(largest, e2[i]);
        }
        return Double.MIN_NORMAL * largest;
    }

    /**
     * Sturm count: how many eigenvalues of the tridiagonal matrix (diagonal d, squared subdiagonal
     * e2) lie below x: the negative pivots of the LDLᵀ factorisation of T - xI.
     */
    private static int eigenvaluesBelow(double[] d, double[] e2, double x, double smallestPivot) {
        int count = 0;
        double q = d[0] - x;
        for (int i = 0; ; ) {
            if (Math.abs(q) < smallestPivot) {
                q = -smallestPivot; // a zero pivot: perturb it, as LAPACK's bisection does
            }
            if (q < 0) {
                count++;
            }
            if (++i == d.length) {
                return count;
            }
            q = d[i] - x - e2[i] / q;
        }
    }

    /** The Gram matrix of the smaller side: AAᵀ or AᵀA, the same nonzero eigenvalues. */
    static double[][] gram(float[][] rows) {
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
                double s = dot(vi, vectors[j], length);
                gram[i][j] = s;
                gram[j][i] = s;
            }
        }
        return gram;
    }

    /** Σ a[k]·b[k] over k < length, in four independent sums (one chain of additions would wait on each). */
    private static double dot(double[] a, double[] b, int length) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int k = 0;
        for (; k + 3 < length; k += 4) {
            s0 += a[k] * b[k];
            s1 += a[k + 1] * b[k + 1];
            s2 += a[k + 2] * b[k + 2];
            s3 += a[k + 3] * b[k + 3];
        }
        for (; k < length; k++) {
            s0 += a[k] * b[k];
        }
        return (s0 + s1) + (s2 + s3);
    }



    /**
     * Householder reduction: from the last row up, a reflection zeroes row i left of its
     * subdiagonal. Leaves the diagonal in {@code d} and the subdiagonal in {@code e[1..n-1]}.
     */
    static void tridiagonalize(double[][] a, double[] d, double[] e) {
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
            // A·u from the lower triangle row by row: each stored a[j][k] serves rows j and k
            double[] u = a[i];
            Arrays.fill(e, 0, last + 1, 0.0);
            for (int j = 0; j <= last; j++) {
                double[] row = a[j];
                double uj = u[j];
                for (int k = 0; k < j; k++) {
                    e[k] += row[k] * uj;
                }
                e[j] += row[j] * uj + dot(row, u, j);
            }
            f = 0;
            for (int j = 0; j <= last; j++) {
                e[j] /= h;
                f += e[j] * u[j];
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

}
