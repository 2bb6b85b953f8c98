package io.transferbench.runtime.internal.data;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A task cut from a data set: the kept original classes, relabelled {@code 0..n-1} in the order
 * given, optionally at most so many images per class (the first ones in file order, so the cut does
 * not depend on the seed), optionally a validation split held out of the training images (chosen at
 * random with the task's seed, per class), and optionally transformed ({@link TaskVariant}).
 *
 * @param train           what networks train on
 * @param validation      for choosing (a coefficient, an expert); empty unless the task asks for one
 * @param eval            the data set's test split: what results are reported on
 * @param originalClasses the data set's labels of the task's classes; index = the task's label
 */
public record TaskData(String name, LabelledImages train, LabelledImages validation, LabelledImages eval,
                       List<Integer> originalClasses) {

    /**
     * How a task is cut; absent limits are {@code 0}.
     *
     * @param validationPerClass training images per class held out as the validation split (0: none)
     * @param seed               the task's seed: which images are held out, the variant's randomness
     */
    public record Cut(List<Integer> classes, int trainPerClass, int evalPerClass, int validationPerClass,
                      TaskVariant variant, long seed) {
        /** A plain cut: no validation split, no variant. */
        public Cut(List<Integer> classes, int trainPerClass, int evalPerClass) {
            this(classes, trainPerClass, evalPerClass, 0, TaskVariant.NONE, 0);
        }
    }

    public static TaskData cut(String name, DatasetSplits splits, Cut cut) throws DataException {
        List<Integer> classes = cut.classes().isEmpty() ? allClasses(splits.train().classes()) : cut.classes();
        int[] relabel = new int[splits.train().classes()];
        java.util.Arrays.fill(relabel, -1);
        for (int i = 0; i < classes.size(); i++) {
            relabel[classes.get(i)] = i;
        }
        LabelledImages train = splits.train();
        boolean[] heldOut = heldOut(train, relabel, classes, cut.validationPerClass(), cut.seed());
        int[] validationIndices = indices(heldOut, true);
        LabelledImages validation = train.select(validationIndices, relabel, classes.size());
        LabelledImages rest = train.select(indices(heldOut, false), identity(train.classes()), train.classes());
        TaskVariant v = cut.variant();
        return new TaskData(name,
                v.noisyLabels(v.apply(select(rest, relabel, classes.size(), cut.trainPerClass()), cut.seed(), 0), cut.seed()),
                v.apply(validation, cut.seed(), 1),
                v.apply(select(splits.eval(), relabel, classes.size(), cut.evalPerClass()), cut.seed(), 2),
                List.copyOf(classes));
    }

    /** Which training images are held out for validation: {@code perClass} of each kept class, seeded. */
    private static boolean[] heldOut(LabelledImages train, int[] relabel, List<Integer> classes, int perClass, long seed)
            throws DataException {
        boolean[] out = new boolean[train.size()];
        if (perClass == 0) {
            return out;
        }
        SplittableRandom random = new SplittableRandom(seed ^ 0x2545F4914F6CDD1DL);
        for (int c = 0; c < classes.size(); c++) {
            List<Integer> members = new ArrayList<>();
            for (int i = 0; i < train.size(); i++) {
                if (relabel[train.labels()[i]] == c) {
                    members.add(i);
                }
            }
            if (members.size() <= perClass) {
                throw new DataException("class " + classes.get(c) + " has " + members.size() + " training images; "
                        + "holding out " + perClass + " for validation would leave none to train on");
            }
            for (int k = 0; k < perClass; k++) {
                int j = k + random.nextInt(members.size() - k);
                java.util.Collections.swap(members, k, j);
                out[members.get(k)] = true;
            }
        }
        return out;
    }

    private static int[] indices(boolean[] flags, boolean value) {
        return java.util.stream.IntStream.range(0, flags.length).filter(i -> flags[i] == value).toArray();
    }

    private static int[] identity(int n) {
        int[] id = new int[n];
        for (int i = 0; i < n; i++) {
            id[i] = i;
        }
        return id;
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
