package io.transferbench.runtime.internal.data;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A task cut from a data set: the kept original classes, relabelled {@code 0..n-1} in the order
 * given, optionally at most so many images per class (the first ones in file order, so the cut does
 * not depend on the seed).
 *
 * @param originalClasses the data set's labels of the task's classes; index = the task's label
 */
public record TaskData(String name, LabelledImages train, LabelledImages eval, List<Integer> originalClasses) {

    /** How a task is cut; absent limits are {@code 0}. */
    public record Cut(List<Integer> classes, int trainPerClass, int evalPerClass) {
    }

    public static TaskData cut(String name, DatasetSplits splits, Cut cut) {
        List<Integer> classes = cut.classes().isEmpty() ? allClasses(splits.train().classes()) : cut.classes();
        int[] relabel = new int[splits.train().classes()];
        java.util.Arrays.fill(relabel, -1);
        for (int i = 0; i < classes.size(); i++) {
            relabel[classes.get(i)] = i;
        }
        return new TaskData(name, select(splits.train(), relabel, classes.size(), cut.trainPerClass()),
                select(splits.eval(), relabel, classes.size(), cut.evalPerClass()), List.copyOf(classes));
    }

    /**
     * The paper's superclass split of CIFAR-100: one fine class from each listed superclass
     * (1-based, as the paper counts), chosen with {@code seed}.
     */
    public static List<Integer> oneFineClassPerSuperclass(DatasetSplits splits, List<Integer> superclasses, long seed) {
        int[] fine = splits.train().labels();
        int[] coarse = splits.trainCoarse();
        SplittableRandom random = new SplittableRandom(seed);
        List<Integer> chosen = new ArrayList<>();
        for (int superclass : superclasses) {
            java.util.TreeSet<Integer> members = new java.util.TreeSet<>();
            for (int i = 0; i < fine.length; i++) {
                if (coarse[i] == superclass - 1) {
                    members.add(fine[i]);
                }
            }
            if (members.isEmpty()) {
                throw new IllegalArgumentException("superclass " + superclass + " has no images");
            }
            List<Integer> list = new ArrayList<>(members);
            chosen.add(list.get(random.nextInt(list.size())));
        }
        return chosen;
    }

    private static List<Integer> allClasses(int n) {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(i);
        }
        return all;
    }

    private static LabelledImages select(LabelledImages images, int[] relabel, int classes, int perClass) {
        int[] taken = new int[classes];
        int[] labels = images.labels();
        int[] keep = new int[labels.length];
        int n = 0;
        for (int i = 0; i < labels.length; i++) {
            int label = relabel[labels[i]];
            if (label >= 0 && (perClass == 0 || taken[label] < perClass)) {
                taken[label]++;
                keep[n++] = i;
            }
        }
        return images.select(java.util.Arrays.copyOf(keep, n), relabel, classes);
    }
}
