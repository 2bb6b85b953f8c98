package io.transferbench.runtime.internal.descriptor;

import java.util.ArrayList;
import java.util.List;

/** Every component a pipeline names, with where: for {@code validate --explain} and the run folder's record. */
public final class UsedComponents {

    /** One component: the stage (or "pipeline") and key that name it. */
    public record Use(String stage, String key, ResolvedComponent component) {
    }

    private UsedComponents() {
    }

    public static List<Use> of(PipelineDescriptor d) {
        List<Use> uses = new ArrayList<>();
        List<Section> stages = d.stages();
        for (int i = 0; i < stages.size(); i++) {
            Section stage = stages.get(i);
            String name = PipelineDescriptor.stageName(stage, i);
            switch (stage.string("type")) {
                case "online-transfer" -> {
                    uses.add(new Use(name, "importance", stage.component("importance")));
                    uses.add(new Use(name, "policy", stage.component("policy")));
                    uses.add(new Use(name, "frequency.rule", stage.section("frequency").component("rule")));
                    uses.add(new Use(name, "ratio.rule", stage.section("ratio").component("rule")));
                }
                case "prune" -> {
                    uses.add(new Use(name, "importance", stage.component("importance")));
                    uses.add(new Use(name, "controller", stage.component("controller")));
                }
                case "replace-filters" -> {
                    uses.add(new Use(name, "importance", stage.component("importance")));
                    uses.add(new Use(name, "method", stage.component("method")));
                }
                default -> {
                }
            }
        }
        for (ResolvedComponent listener : d.root().components("listeners")) {
            uses.add(new Use("pipeline", "listener", listener));
        }
        return uses;
    }
}
