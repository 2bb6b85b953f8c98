package io.transferbench.plugins.selection;

/** Element-wise helpers over task embeddings (non-negative, one value per probe filter). */
final class Embeddings {

    private Embeddings() {
    }

    static void checkPair(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("embeddings of different lengths (" + a.length + " and " + b.length
                    + "): they come from different probes");
        }
        if (a.length == 0) {
            throw new IllegalArgumentException("empty embeddings");
        }
    }

    /**
     * Task2Vec's symmetric distance: the cosine distance of a/(a+b) and b/(a+b), element-wise. Where both are 0
     * the filter says nothing about either task and counts as equal (1/2 and 1/2).
     */
    static double symmetricCosine(double[] a, double[] b) {
        checkPair(a, b);
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            double sum = a[i] + b[i];
            double u = sum > 0 ? a[i] / sum : 0.5;
            double v = sum > 0 ? b[i] / sum : 0.5;
            dot += u * v;
            na += u * u;
            nb += v * v;
        }
        return cosineDistance(dot, na, nb);
    }

    static double cosineDistance(double dot, double squaredNormA, double squaredNormB) {
        if (squaredNormA == 0 || squaredNormB == 0) {
            return squaredNormA == squaredNormB ? 0 : 1;
        }
        return Math.max(0, 1 - dot / Math.sqrt(squaredNormA * squaredNormB));
    }

    /** The embedding as a distribution over filters: a / sum(a), with {@code floor} of the mean added first. */
    static double[] distribution(double[] a, double floor) {
        double sum = 0;
        for (double v : a) {
            if (v < 0 || Double.isNaN(v)) {
                throw new IllegalArgumentException("an embedding value is " + v + "; Fisher values are non-negative");
            }
            sum += v;
        }
        double add = floor * sum / a.length;
        double total = sum + add * a.length;
        double[] p = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            p[i] = total > 0 ? (a[i] + add) / total : 1.0 / a.length;
        }
        return p;
    }

    static double mean(double[] a) {
        double sum = 0;
        for (double v : a) {
            sum += v;
        }
        return sum / a.length;
    }
}
