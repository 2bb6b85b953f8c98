package io.transferbench.runtime.internal.stages;

import io.transferbench.api.event.FiltersTransferredEvent;
import io.transferbench.api.importance.ImportanceMetric;
import io.transferbench.api.network.ConvLayerInfo;
import io.transferbench.api.transfer.FilterPair;
import io.transferbench.api.transfer.TransferPolicy;
import io.transferbench.api.transfer.TransferRequest;
import io.transferbench.runtime.internal.data.TaskData;
import io.transferbench.runtime.internal.descriptor.Fields;
import io.transferbench.runtime.internal.descriptor.StageSchema;
import io.transferbench.runtime.internal.engine.Batches;
import io.transferbench.runtime.internal.engine.Dl4jNetworkView;
import io.transferbench.runtime.internal.engine.FilterSurgery;
import io.transferbench.runtime.internal.pipeline.StageComponent;
import io.transferbench.runtime.internal.pipeline.StageContext;
import io.transferbench.runtime.internal.pipeline.StageDeclaration;
import io.transferbench.runtime.internal.pipeline.StageType;
import io.transferbench.runtime.internal.plugins.ComponentKind;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.util.List;
import java.util.Map;

import static io.transferbench.runtime.internal.descriptor.Fields.component;
import static io.transferbench.runtime.internal.descriptor.Fields.number;
import static io.transferbench.runtime.internal.descriptor.Fields.reference;
import static io.transferbench.runtime.internal.descriptor.Fields.required;
import static io.transferbench.runtime.internal.descriptor.Fields.withDefault;

/**
 * {@code replace-filters} (SPEC.md section 6): in a copy of a trained network, each conv layer's
 * {@code ratio} % least important filters are overwritten by copies of important ones (kernel, bias
 * and batch-norm channel), as the {@code method} pairs them; then the copy retrains. All layers are
 * scored on the network before any replacement. The method is a transfer policy applied within one
 * network: {@code duplicate-top} (each top filter copied once) or {@code top-one} (all from the best).
 */
public final class ReplaceFiltersStage implements StageType<ReplaceFiltersStage.Settings> {

    /** The source, the metric that ranks filters, the method that pairs them, and the percent replaced. */
    public record Settings(CompressionSupport.Source source, StageComponent<ImportanceMetric> importance,
                           StageComponent<TransferPolicy> method, double ratio) {
    }

    @Override
    public StageSchema schema() {
        return new StageSchema("replace-filters", "In a copy of a trained network, overwrite each conv layer's least "
                + "important filters with copies of important ones, then retrain (filter replacement before pruning).",
                Fields.concat(List.of(
                        required("from", reference("The trained network whose copy gets the replacements.", "networks")),
                        required("network", reference("The network with replaced filters: its entry gives the task it is "
                                + "retrained on.", "networks")),
                        withDefault("importance", component("The filter importance metric.", ComponentKind.IMPORTANCE_METRIC),
                                "hrank"),
                        withDefault("method", component("How copies are paired: duplicate-top (each top filter copied once) "
                                + "or top-one (all copies of the single best); any transfer policy.",
                                ComponentKind.TRANSFER_POLICY), "duplicate-top"),
                        withDefault("ratio", number("Percent of each conv layer's filters replaced (rounded half-even).",
                                0.0, 50.0), 10.0)), TrainingLoop.Training.retrainingFields()), List.of(Fields::checkSourceDiffers));
    }

    @Override
    public Settings settings(StageDeclaration stage) {
        return new Settings(CompressionSupport.Source.of(stage), stage.component("importance", ImportanceMetric.class),
                stage.component("method", TransferPolicy.class), stage.section().number("ratio"));
    }

    @Override
    public List<StageComponent<?>> components(Settings s) {
        return List.of(s.importance(), s.method());
    }

    @Override
    public void run(Settings s, StageContext context) throws Exception {
        CompressionSupport.changeAndRetrain(context, s.source(), (c, task, seed) -> replace(c, s, task));
    }

    private static MultiLayerNetwork replace(StageContext context, Settings s, TaskData task) {
        String name = s.source().network();
        MultiLayerNetwork net = CompressionSupport.sourceCopy(context, s.source(), task);
        ImportanceMetric metric = s.importance().createFor(name);
        TransferPolicy method = s.method().createFor(name);
        Dl4jNetworkView view = new Dl4jNetworkView(name, net, new Batches(task.train(), false),
                new Batches(task.eval(), false));
        Map<String, double[]> scores = CompressionSupport.scores(metric, s.importance().id(), view);
        for (ConvLayerInfo layer : view.convLayers()) {
            int k = replaced(layer.filters(), s.ratio());
            if (k == 0) {
                continue;
            }
            double[] scored = scores.get(layer.name());
            TransferRequest request = new TransferRequest(layer, scored, scored, k);
            List<FilterPair> pairs = OnlineTransferStage.checked(s.method().id(), method.choose(request), request);
            FilterSurgery.copyFilters(net, net, layer.name(), pairs);
            context.publish(new FiltersTransferredEvent(context.stageName(), name, name, 0, layer.name(),
                    pairs.stream().map(FilterPair::senderFilter).toList(),
                    pairs.stream().map(FilterPair::receiverFilter).toList()));
        }
        return net;
    }

    /** Filters replaced in a layer: ratio % of them, rounded half-even, as transfers count them. */
    static int replaced(int filters, double percent) {
        return (int) TransferSchedule.Rounding.HALF_EVEN.apply(percent / 100.0 * filters);
    }
}
