package io.transferbench.runtime.internal.wiring;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;
import com.google.inject.multibindings.Multibinder;
import io.transferbench.api.ComponentFactory;
import io.transferbench.api.compression.CompressionControllerFactory;
import io.transferbench.api.event.LifecycleListenerFactory;
import io.transferbench.api.importance.ImportanceMetricFactory;
import io.transferbench.api.schedule.AdjustmentRuleFactory;
import io.transferbench.api.transfer.TransferPolicyFactory;
import io.transferbench.runtime.internal.plugins.ComponentKind;
import io.transferbench.runtime.internal.pipeline.StageExecutor;
import io.transferbench.runtime.internal.plugins.ComponentRegistry;
import io.transferbench.runtime.internal.stages.EvaluateStage;
import io.transferbench.runtime.internal.stages.OnlineTransferStage;
import io.transferbench.runtime.internal.stages.FinetuneStage;
import io.transferbench.runtime.internal.stages.PretrainStage;
import io.transferbench.runtime.internal.stages.PruneStage;
import io.transferbench.runtime.internal.stages.ReplaceFiltersStage;

/**
 * Wires the runtime. Discovered factories are bound by id with {@code toInstance}, so Guice never
 * constructs (or needs access to) a plugin class; the pipeline receives {@code Map<String, XFactory>}.
 */
public final class RuntimeModule extends AbstractModule {

    private final ComponentRegistry registry;

    public RuntimeModule(ComponentRegistry registry) {
        this.registry = registry;
    }

    @Override
    protected void configure() {
        binder().requireExplicitBindings();
        bind(ComponentRegistry.class).toInstance(registry);
        bindFactories(ComponentKind.IMPORTANCE_METRIC, ImportanceMetricFactory.class);
        bindFactories(ComponentKind.ADJUSTMENT_RULE, AdjustmentRuleFactory.class);
        bindFactories(ComponentKind.TRANSFER_POLICY, TransferPolicyFactory.class);
        bindFactories(ComponentKind.COMPRESSION_CONTROLLER, CompressionControllerFactory.class);
        bindFactories(ComponentKind.LIFECYCLE_LISTENER, LifecycleListenerFactory.class);
        bind(io.transferbench.runtime.internal.descriptor.DescriptorValidator.class);
        bind(io.transferbench.runtime.internal.pipeline.PipelineRunner.class);
        Multibinder<StageExecutor> stages = Multibinder.newSetBinder(binder(), StageExecutor.class);
        stages.addBinding().toInstance(new PretrainStage());
        stages.addBinding().toInstance(new FinetuneStage());
        stages.addBinding().toInstance(new EvaluateStage());
        stages.addBinding().toInstance(new OnlineTransferStage());
        stages.addBinding().toInstance(new PruneStage());
        stages.addBinding().toInstance(new ReplaceFiltersStage());
    }

    private <F extends ComponentFactory<?>> void bindFactories(ComponentKind kind, Class<F> type) {
        MapBinder<String, F> binder = MapBinder.newMapBinder(binder(), String.class, type);
        registry.factories(kind, type).forEach((id, factory) -> binder.addBinding(id).toInstance(factory));
    }
}
