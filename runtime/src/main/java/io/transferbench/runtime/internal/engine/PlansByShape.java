package io.transferbench.runtime.internal.engine;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What a layer calling oneDNN directly builds once per input shape (primitives, memories), kept for
 * the few shapes it meets: a training batch, an epoch's last smaller one, evaluation. The least
 * recently used is freed when a fourth arrives. Not thread-safe: one per layer.
 */
final class PlansByShape<P> {

    private static final int KEPT = 3;

    private final Function<long[], P> build;
    private final Consumer<P> free;
    // most recently used last
    private final LinkedHashMap<List<Long>, P> plans = new LinkedHashMap<>();

    PlansByShape(Function<long[], P> build, Consumer<P> free) {
        this.build = build;
        this.free = free;
    }

    P get(long[] shape) {
        List<Long> key = Arrays.stream(shape).boxed().toList();
        P plan = plans.remove(key);
        if (plan == null) {
            if (plans.size() == KEPT) {
                P oldest = plans.values().iterator().next();
                plans.values().remove(oldest);
                free.accept(oldest);
            }
            plan = build.apply(shape);
        }
        plans.put(key, plan);
        return plan;
    }

    /** Frees every plan. */
    void clear() {
        plans.values().forEach(free);
        plans.clear();
    }
}
