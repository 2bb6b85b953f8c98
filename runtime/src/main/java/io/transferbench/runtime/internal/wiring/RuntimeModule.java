package io.transferbench.runtime.internal.wiring;

import com.google.inject.AbstractModule;
import io.transferbench.runtime.internal.descriptor.DescriptorValidator;
import io.transferbench.runtime.internal.pipeline.PipelineRunner;
import io.transferbench.runtime.internal.pipeline.StageTypes;
import io.transferbench.runtime.internal.plugins.ComponentRegistry;

/**
 * Wires the runtime: the plugin registry (components are looked up in it by id while the descriptor is
 * validated, which is where their JAR, version and parameters are checked and recorded) and the stage
 * types, with the validator and the runner built from them.
 */
public final class RuntimeModule extends AbstractModule {

    private final ComponentRegistry registry;
    private final StageTypes stageTypes;

    public RuntimeModule(ComponentRegistry registry, StageTypes stageTypes) {
        this.registry = registry;
        this.stageTypes = stageTypes;
    }

    @Override
    protected void configure() {
        binder().requireExplicitBindings();
        bind(ComponentRegistry.class).toInstance(registry);
        bind(StageTypes.class).toInstance(stageTypes);
        bind(DescriptorValidator.class).toInstance(new DescriptorValidator(registry, stageTypes.pipelineSchema(),
                stageTypes::problems));
        bind(PipelineRunner.class);
    }
}
