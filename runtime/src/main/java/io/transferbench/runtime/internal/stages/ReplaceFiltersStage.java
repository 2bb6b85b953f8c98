package io.transferbench.runtime.internal.stages;

import io.transferbench.api.event.FiltersTransferredEvent;
import io.transferbench.api.importance.ImportanceMetric;
import io.transferbench.api.network.ConvLayerInfo;
import io.transferbench.api.transfer.FilterPair;
import io.transferbench.api.transfer.TransferPolicy;
import io.transferbench.api.transfer.TransferRequest;
import io.transferbench.runtime.internal.data.TaskData;
import io.transferbench.runtime.internal.descriptor.Section;
import io.transferbench.runtime.internal.engine.Batches;
import io.transferbench.runtime.internal.engine.Dl4jNetworkView;
import io.transferbench.runtime.internal.engine.FilterSurgery;
import io.transferbench.runtime.internal.pipeline.StageContext;
import io.transferbench.runtime.internal.pipeline.StageExecutor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.util.List;
import java.util.Map;

/**
 * {@code replace-filters} (SPEC.md section 6): in a copy of a trained network, each conv layer's
 * {@code ratio} % least important filters are overwritten by copies of important ones (kernel, bias
 * and batch-norm channel), as the {@code method} pairs them; then the copy retrains. All layers are
 * scored on the network before any replacement. The method is a transfer policy applied within one
 * network: {@code duplicate-top} (each top filter copied once) or {@code top-one} (all from the best).
 */
public final class ReplaceFiltersStage implements StageExecutor {

    @Override
    public String type() {
        return "replace-filters";
    }

    @Override
    public void run(StageContext context) throws Exception {
        CompressionSupport.changeAndRetrain(context, (c, name, task, settings, seed) -> replace(c, name, task));
    }

    private static MultiLayerNetwork replace(StageContext context, String name, TaskData task) {
        Section stage = context.stage();
        MultiLayerNetwork net = CompressionSupport.sourceCopy(context, task);
        ImportanceMetric metric = (ImportanceMetric) stage.component("importance").create();
        TransferPolicy method = (TransferPolicy) stage.component("method").create();
        double percent = stage.number("ratio");
        Dl4jNetworkView view = new Dl4jNetworkView(name, net, new Batches(task.train(), false),
                new Batches(task.eval(), false));
        Map<String, double[]> scores = CompressionSupport.scores(metric, view);
        for (ConvLayerInfo layer : view.convLayers()) {
            int k = replaced(layer.filters(), percent);
            if (k == 0) {
                continue;
            }
            double[] s = scores.get(layer.name());
            TransferRequest request = new TransferRequest(layer, s, s, k);
            List<FilterPair> pairs = OnlineTransferStage.checked(method.choose(request), request);
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
