package io.transferbench.plugins.importance;

/**
 * The reference for {@link SingularValues}: singular values by one-sided Jacobi rotations (Hestenes'
 * method), columns rotated pairwise until all are orthogonal, their norms then the singular values.
 * Accurate to the last bits even for the smallest singular values, and about 20 times slower than
 * {@link SingularValues} on 32x32 maps, which is why HRank no longer uses it.
 */
final class JacobiSingularValues {

    private static final int MAX_SWEEPS = 60;
    private static final double ORTHOGONAL = 1e-15;

    private JacobiSingularValues() {
    }

    /** The singular values of {@code rows} (unsorted), computed in double precision. */
    static double[] of(float[][] rows) {
        int m = rows.length;
        int n = rows[0].length;
        // work on the transpose when it has fewer columns: same singular values, fewer pairs
        boolean transpose = n > m;
        int cols = transpose ? m : n;
        int len = transpose ? n : m;
        double[][] c = new double[cols][len]; // c[j] is column j
        for (int r = 0; r < m; r++) {
            for (int k = 0; k < n; k++) {
                if (transpose) {
                    c[r][k] = rows[r][k];
                } else {
                    c[k][r] = rows[r][k];
                }
            }
        }
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            boolean rotated = false;
            for (int p = 0; p < cols - 1; p++) {
                for (int q = p + 1; q < cols; q++) {
                    double alpha = 0;
                    double beta = 0;
                    double gamma = 0;
                    double[] cp = c[p];
                    double[] cq = c[q];
                    for (int i = 0; i < len; i++) {
                        alpha += cp[i] * cp[i];
                        beta += cq[i] * cq[i];
                        gamma += cp[i] * cq[i];
                    }
                    if (gamma == 0 || Math.abs(gamma) <= ORTHOGONAL * Math.sqrt(alpha * beta)) {
                        continue;
                    }
                    rotated = true;
                    double zeta = (beta - alpha) / (2 * gamma);
                    double t = Math.signum(zeta) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
                    if (zeta == 0) {
                        t = 1;
                    }
                    double cos = 1 / Math.sqrt(1 + t * t);
                    double sin = cos * t;
                    for (int i = 0; i < len; i++) {
                        double a = cp[i];
                        double b = cq[i];
                        cp[i] = cos * a - sin * b;
                        cq[i] = sin * a + cos * b;
                    }
                }
            }
            if (!rotated) {
                break;
            }
        }
        double[] singular = new double[cols];
        for (int j = 0; j < cols; j++) {
            double s = 0;
            for (double v : c[j]) {
                s += v * v;
            }
            singular[j] = Math.sqrt(s);
        }
        return singular;
    }
}
