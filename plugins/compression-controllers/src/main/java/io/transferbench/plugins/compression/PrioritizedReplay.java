package io.transferbench.plugins.compression;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Replay memory of whole episodes with priorities (Schaul et al. 2016, as R2D2 uses it): episode i
 * is drawn with probability p_i^alpha / sum p^alpha and its update weighted by
 * (N * P(i))^-beta / max weight. When full, the oldest episode goes.
 */
final class PrioritizedReplay<T> {

    private final int capacity;
    private final double alpha;
    private final List<T> items = new ArrayList<>();
    private final List<Double> priorities = new ArrayList<>();
    private double maxPriority = 1.0;

    PrioritizedReplay(int capacity, double alpha) {
        this.capacity = capacity;
        this.alpha = alpha;
    }

    /** Adds with the highest priority seen so far, so every new episode is replayed soon. */
    void add(T item) {
        if (items.size() == capacity) {
            items.remove(0);
            priorities.remove(0);
        }
        items.add(item);
        priorities.add(maxPriority);
    }

    int size() {
        return items.size();
    }

    record Sample<T>(int index, T item, double weight) {
    }

    List<Sample<T>> sample(int count, double beta, SplittableRandom random) {
        double[] p = new double[items.size()];
        double total = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.pow(priorities.get(i), alpha);
            total += p[i];
        }
        double minProbability = Double.MAX_VALUE;
        for (double x : p) {
            minProbability = Math.min(minProbability, x / total);
        }
        double maxWeight = Math.pow(p.length * minProbability, -beta);
        List<Sample<T>> samples = new ArrayList<>(count);
        for (int s = 0; s < count; s++) {
            double u = random.nextDouble() * total;
            int i = 0;
            while (i < p.length - 1 && u >= p[i]) {
                u -= p[i];
                i++;
            }
            double weight = Math.pow(p.length * p[i] / total, -beta) / maxWeight;
            samples.add(new Sample<>(i, items.get(i), weight));
        }
        return samples;
    }

    void updatePriority(int index, double priority) {
        double p = Math.max(priority, 1e-6);
        priorities.set(index, p);
        maxPriority = Math.max(maxPriority, p);
    }

    double priority(int index) {
        return priorities.get(index);
    }
}
