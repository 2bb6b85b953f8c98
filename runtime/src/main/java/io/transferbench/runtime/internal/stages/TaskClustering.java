package io.transferbench.runtime.internal.stages;

import java.util.ArrayList;
import java.util.List;

/**
 * Average-linkage (UPGMA) hierarchical clustering of tasks by a distance matrix (made symmetric by averaging
 * d(a, b) and d(b, a)): the dendrogram's leaf order, which puts similar tasks next to each other in the report's
 * heat map, and the cophenetic distances, whose correlation with the distances says how tree-like they are.
 */
final class TaskClustering {

    /** @param order leaf order; @param cophenetic the height at which each pair first shares a cluster */
    record Result(List<Integer> order, double[][] cophenetic) {
    }

    private TaskClustering() {
    }

    static Result of(double[][] distances) {
        int n = distances.length;
        double[][] d = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                d[i][j] = i == j ? 0 : (distances[i][j] + distances[j][i]) / 2;
            }
        }
        List<List<Integer>> clusters = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            clusters.add(new ArrayList<>(List.of(i)));
        }
        double[][] cophenetic = new double[n][n];
        while (clusters.size() > 1) {
            int bestA = 0;
            int bestB = 1;
            double best = Double.POSITIVE_INFINITY;
            for (int a = 0; a < clusters.size(); a++) {
                for (int b = a + 1; b < clusters.size(); b++) {
                    double link = average(d, clusters.get(a), clusters.get(b));
                    if (link < best) {
                        best = link;
                        bestA = a;
                        bestB = b;
                    }
                }
            }
            List<Integer> a = clusters.get(bestA);
            List<Integer> b = clusters.remove(bestB);
            for (int i : a) {
                for (int j : b) {
                    cophenetic[i][j] = best;
                    cophenetic[j][i] = best;
                }
            }
            a.addAll(b); // the leaf order: a's leaves, then b's
        }
        return new Result(n == 0 ? List.of() : List.copyOf(clusters.get(0)), cophenetic);
    }

    private static double average(double[][] d, List<Integer> a, List<Integer> b) {
        double sum = 0;
        for (int i : a) {
            for (int j : b) {
                sum += d[i][j];
            }
        }
        return sum / (a.size() * b.size());
    }
}
