package io.transferbench.runtime.internal.pipeline;

import io.transferbench.runtime.internal.descriptor.ResolvedComponent;
import io.transferbench.runtime.internal.descriptor.Seeds;
import io.transferbench.runtime.internal.plugins.PluginCalls;

/**
 * A component a stage names, resolved from the descriptor and typed; instances are created from it.
 * Its seed comes from the stage's name and the key (not the stage's position), and each network (and,
 * in stages that checkpoint between uses, each point) gets its own stream: {@link #createFor}.
 *
 * @param stage the stage's name
 * @param key   the descriptor key that names it, e.g. {@code frequency.rule}
 */
public record StageComponent<T>(String stage, String key, ResolvedComponent resolved, Class<T> type, long seed) {

    public String id() {
        return resolved.id();
    }

    /** An instance for the whole stage. */
    public T create() {
        return PluginCalls.guarded(type, type.cast(resolved.create(seed)), resolved.component());
    }

    /** An instance for one network of the stage, with a random stream of its own. */
    public T createFor(String network) {
        return PluginCalls.guarded(type, type.cast(resolved.create(Seeds.derive(seed, network))), resolved.component());
    }

    /**
     * An instance for one network at one point of the stage (an epoch): its stream depends on nothing
     * else, so a run resumed from a checkpoint draws the same numbers as one never interrupted.
     */
    public T createFor(String network, int point) {
        return PluginCalls.guarded(type, type.cast(resolved.create(Seeds.derive(Seeds.derive(seed, network), point))),
                resolved.component());
    }
}
