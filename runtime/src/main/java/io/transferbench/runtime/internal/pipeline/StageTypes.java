package io.transferbench.runtime.internal.pipeline;

import io.transferbench.runtime.internal.descriptor.PipelineDescriptor;
import io.transferbench.runtime.internal.descriptor.PipelineSchema;
import io.transferbench.runtime.internal.descriptor.ResolvedComponent;
import io.transferbench.runtime.internal.descriptor.Schema;
import io.transferbench.runtime.internal.descriptor.Section;
import io.transferbench.runtime.internal.report.RunReport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The stage types a build knows, by descriptor {@code type}, in the order the documentation lists them. */
public final class StageTypes {

    private final Map<String, StageType<?>> types = new LinkedHashMap<>();

    public StageTypes(List<StageType<?>> types) {
        for (StageType<?> t : types) {
            if (this.types.putIfAbsent(t.type(), t) != null) {
                throw new IllegalArgumentException("two stage types named '" + t.type() + "'");
            }
        }
    }

    /** These types and one more (a test's, say). */
    public StageTypes with(StageType<?> extra) {
        List<StageType<?>> all = new ArrayList<>(types.values());
        all.add(extra);
        return new StageTypes(all);
    }

    public Optional<StageType<?>> get(String type) {
        return Optional.ofNullable(types.get(type));
    }

    public List<String> names() {
        return List.copyOf(types.keySet());
    }

    /** The descriptor schema of pipelines made of these stage types. */
    public Schema.ObjectSchema pipelineSchema() {
        return PipelineSchema.of(types.values().stream().map(StageType::schema).toList());
    }

    /** Each type's own part of the report, by type. */
    public Map<String, RunReport.Section> reportSections() {
        Map<String, RunReport.Section> sections = new LinkedHashMap<>();
        types.forEach((name, t) -> t.report().ifPresent(s -> sections.put(name, s)));
        return sections;
    }

    /** Every stage of a validated pipeline with its type and settings, resolved once, in order. */
    public List<ResolvedStage<?>> resolve(PipelineDescriptor pipeline) {
        List<ResolvedStage<?>> out = new ArrayList<>();
        List<Section> stages = pipeline.stages();
        for (int i = 0; i < stages.size(); i++) {
            Section s = stages.get(i);
            StageType<?> type = types.get(s.string("type"));
            if (type == null) {
                throw new IllegalStateException(s.location("type") + ": stage type '" + s.string("type")
                        + "' is not registered; known: " + String.join(", ", types.keySet()));
            }
            out.add(ResolvedStage.of(type, new StageDeclaration(pipeline, s, PipelineDescriptor.stageName(s, i), i)));
        }
        return out;
    }

    /** Every cross-section problem of a pipeline whose sections are valid, in stage order. */
    public List<io.transferbench.runtime.internal.descriptor.DescriptorProblem> problems(PipelineDescriptor pipeline) {
        return resolve(pipeline).stream().flatMap(s -> s.problems().stream()).toList();
    }

    /** Every warning of a validated pipeline's stages, in stage order. */
    public List<String> warnings(PipelineDescriptor pipeline) {
        return resolve(pipeline).stream().flatMap(s -> s.warnings().stream()).toList();
    }

    /** A component a pipeline names: the stage (or "pipeline") and key that name it. */
    public record ComponentUse(String stage, String key, ResolvedComponent component) {
    }

    /** Every component a validated pipeline names, stage by stage, then its listeners. */
    public List<ComponentUse> componentUses(PipelineDescriptor pipeline) {
        return componentUses(pipeline, resolve(pipeline));
    }

    /** Every component of a pipeline whose stages are already resolved. */
    public static List<ComponentUse> componentUses(PipelineDescriptor pipeline, List<ResolvedStage<?>> stages) {
        List<ComponentUse> uses = new ArrayList<>();
        for (ResolvedStage<?> stage : stages) {
            stage.components().forEach(c -> uses.add(new ComponentUse(c.stage(), c.key(), c.resolved())));
        }
        pipeline.root().components("listeners").forEach(l -> uses.add(new ComponentUse("pipeline", "listener", l)));
        return uses;
    }

    /** A stage with its type and typed settings. */
    public record ResolvedStage<S>(StageType<S> type, StageDeclaration declaration, S settings) {

        static <S> ResolvedStage<S> of(StageType<S> type, StageDeclaration declaration) {
            return new ResolvedStage<>(type, declaration, type.settings(declaration));
        }

        public String name() {
            return declaration.name();
        }

        public List<StageComponent<?>> components() {
            return type.components(settings);
        }

        /** The stage type's warnings about these settings, each prefixed with where the stage is written. */
        public List<String> warnings() {
            return type.warnings(settings).stream().map(w -> declaration.section().location() + ": "
                    + declaration.section().path() + ": " + w).toList();
        }

        List<io.transferbench.runtime.internal.descriptor.DescriptorProblem> problems() {
            return type.problems(settings, declaration);
        }

        void run(StageContext context) throws Exception {
            type.run(settings, context);
        }
    }
}
