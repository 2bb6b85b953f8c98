package io.transferbench.runtime.internal.descriptor;

import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/** A descriptor that cannot run, with every problem found, in file order. */
public final class DescriptorException extends Exception {

    private static final long serialVersionUID = 1L;
    private final transient List<DescriptorProblem> problems;

    public DescriptorException(List<DescriptorProblem> problems) {
        super(inFileOrder(problems).stream().map(DescriptorProblem::toString).collect(Collectors.joining("\n")));
        this.problems = inFileOrder(problems);
    }

    private static List<DescriptorProblem> inFileOrder(List<DescriptorProblem> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a descriptor exception needs at least one problem");
        }
        return problems.stream()
                .sorted(Comparator.comparingInt((DescriptorProblem p) -> p.location().line())
                        .thenComparingInt(p -> p.location().column()))
                .collect(Collectors.toUnmodifiableList());
    }

    public List<DescriptorProblem> problems() {
        return problems;
    }
}
