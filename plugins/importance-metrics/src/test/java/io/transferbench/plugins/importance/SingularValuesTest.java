package io.transferbench.plugins.importance;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Gram-matrix singular values HRank uses, against the one-sided Jacobi SVD. */
class SingularValuesTest {

    @Test
    void diagonalAndKnownSmallCases() {
        assertArrayEquals(new double[] {1, 2, 3}, sorted(TridiagonalSingularValues.of(new float[][] {{3, 0, 0}, {0, 1, 0}, {0, 0, 2}})),
                1e-12);
        // [[1, 1], [0, 0]] has singular values sqrt(2) and 0 (squaring leaves about 1e-8 of the largest
        // for a zero one: far below HRank's threshold); a single row its norm
        assertArrayEquals(new double[] {0, Math.sqrt(2)}, sorted(TridiagonalSingularValues.of(new float[][] {{1, 1}, {0, 0}})), 3e-8);
        assertArrayEquals(new double[] {5}, TridiagonalSingularValues.of(new float[][] {{3, 4}}), 1e-12);
        assertArrayEquals(new double[] {0, 0}, TridiagonalSingularValues.of(new float[2][2]), 0);
    }

    /**
     * Matrices U·diag(s)·Vᵀ with singular values spread over 12 decades, shapes from 2x2 to 32x32 and
     * non-square: every singular value above 1e-7 of the largest agrees with Jacobi's to 1e-6
     * (relative), and the numerical rank HRank takes agrees in every case, from these singular values
     * and from the Sturm count that HRank runs.
     */
    @Test
    void agreesWithTheJacobiSvdOnSpreadSpectra() {
        SplittableRandom random = new SplittableRandom(42);
        int[][] shapes = {{2, 2}, {3, 5}, {7, 4}, {8, 8}, {16, 16}, {14, 28}, {28, 14}, {32, 32}};
        int rankChecks = 0;
        for (int[] shape : shapes) {
            for (int trial = 0; trial < 20; trial++) {
                float[][] a = spread(shape[0], shape[1], random);
                double[] fast = sorted(TridiagonalSingularValues.of(a));
                double[] reference = sorted(JacobiSingularValues.of(a));
                double top = reference[reference.length - 1];
                for (int i = 0; i < fast.length; i++) {
                    if (reference[i] > 1e-7 * top) {
                        assertEquals(reference[i], fast[i], 1e-6 * reference[i] + 1e-9 * top,
                                Arrays.toString(shape) + " singular value " + i);
                    }
                }
                assertEquals(rank(reference, a), rank(fast, a), Arrays.toString(shape) + " trial " + trial);
                assertEquals(rank(reference, a), HRankImportance.rank(a), "Sturm count, " + Arrays.toString(shape));
                rankChecks++;
            }
        }
        assertTrue(rankChecks == 160);
    }

    /**
     * Full rank is proved by a Cholesky factorisation when the smallest singular value is far above
     * HRank's threshold τ = σ₁·max(H, W)·2⁻²³, and left to the Sturm count when it is near; either way
     * the rank is what the Jacobi SVD gives: n for a smallest singular value of 100τ or 3τ, n - 1 for 0.
     */
    @Test
    void fullRankIsProvedOnlyWhereItHolds() {
        SplittableRandom random = new SplittableRandom(7);
        int[][] shapes = {{8, 8}, {16, 16}, {32, 32}, {14, 28}};
        double[] smallestOverThreshold = {100, 3, 0};
        for (int[] shape : shapes) {
            int k = Math.min(shape[0], shape[1]);
            double tau = Math.max(shape[0], shape[1]) * HRankImportance.FLOAT_EPSILON;
            for (double smallest : smallestOverThreshold) {
                double[] s = new double[k];
                s[0] = 1;
                for (int i = 1; i < k - 1; i++) {
                    s[i] = Math.pow(10, -3 * random.nextDouble());
                }
                s[k - 1] = smallest * tau;
                float[][] a = withSingularValues(shape[0], shape[1], s, random);
                int expected = smallest > 0 ? k : k - 1;
                String what = Arrays.toString(shape) + ", smallest " + smallest + "τ";
                assertEquals(expected, rank(JacobiSingularValues.of(a), a), "Jacobi, " + what);
                assertEquals(expected, HRankImportance.rank(a), what);
            }
        }
    }

    /** Same threshold as HRankImportance.rank. */
    private static int rank(double[] singular, float[][] a) {
        double max = Arrays.stream(singular).max().orElse(0);
        double tolerance = max * Math.max(a.length, a[0].length) * HRankImportance.FLOAT_EPSILON;
        return (int) Arrays.stream(singular).filter(s -> s > tolerance).count();
    }

    /** U·diag(s)·Vᵀ in float, s spread log-uniformly over 1e-12..1 (some of it exactly zero). */
    private static float[][] spread(int m, int n, SplittableRandom random) {
        int k = Math.min(m, n);
        double[] s = new double[k];
        for (int i = 0; i < k; i++) {
            s[i] = random.nextInt(5) == 0 ? 0 : Math.pow(10, -12 * random.nextDouble());
        }
        return withSingularValues(m, n, s, random);
    }

    /** U·diag(s)·Vᵀ in float, with random orthonormal U and V. */
    private static float[][] withSingularValues(int m, int n, double[] s, SplittableRandom random) {
        int k = s.length;
        double[][] u = orthonormalColumns(m, k, random);
        double[][] v = orthonormalColumns(n, k, random);
        float[][] a = new float[m][n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double x = 0;
                for (int t = 0; t < k; t++) {
                    x += u[i][t] * s[t] * v[j][t];
                }
                a[i][j] = (float) x;
            }
        }
        return a;
    }

    private static double[][] orthonormalColumns(int rows, int cols, SplittableRandom random) {
        double[][] q = new double[rows][cols];
        for (int c = 0; c < cols; c++) {
            double[] x = new double[rows];
            for (int r = 0; r < rows; r++) {
                x[r] = random.nextDouble() - 0.5;
            }
            for (int pass = 0; pass < 2; pass++) { // Gram-Schmidt twice: orthogonal to the last bits
                for (int p = 0; p < c; p++) {
                    double dot = 0;
                    for (int r = 0; r < rows; r++) {
                        dot += q[r][p] * x[r];
                    }
                    for (int r = 0; r < rows; r++) {
                        x[r] -= dot * q[r][p];
                    }
                }
            }
            double norm = Math.sqrt(Arrays.stream(x).map(t -> t * t).sum());
            for (int r = 0; r < rows; r++) {
                q[r][c] = x[r] / norm;
            }
        }
        return q;
    }

    private static double[] sorted(double[] values) {
        double[] copy = values.clone();
        Arrays.sort(copy);
        return copy;
    }
}
