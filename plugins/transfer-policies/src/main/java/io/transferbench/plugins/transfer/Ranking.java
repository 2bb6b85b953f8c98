package io.transferbench.plugins.transfer;

import java.util.Comparator;
import java.util.stream.IntStream;

/** Filter indices ordered by score. Ties go to the lower index, so rankings are repeatable. */
final class Ranking {
    private Ranking() {
    }

    static int[] mostImportantFirst(double[] scores) {
        return IntStream.range(0, scores.length).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> -scores[i]).thenComparingInt(i -> i))
                .mapToInt(Integer::intValue).toArray();
    }

    static int[] leastImportantFirst(double[] scores) {
        return IntStream.range(0, scores.length).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> scores[i]).thenComparingInt(i -> i))
                .mapToInt(Integer::intValue).toArray();
    }
}
