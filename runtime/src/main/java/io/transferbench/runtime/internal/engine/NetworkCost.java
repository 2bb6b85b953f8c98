package io.transferbench.runtime.internal.engine;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.util.List;
import java.util.Map;

/**
 * Parameters and FLOPs of a network, by the one formula in docs/methods.md ("Counting parameters
 * and FLOPs"): conv {@code kh*kw*cin*cout + cout} parameters and {@code Hout*Wout*kh*kw*cin*cout}
 * multiply-adds; batch norm 4 parameters per channel (scale, shift, running mean, running variance)
 * and no FLOPs; dense {@code nin*nout + nout} parameters and {@code nin*nout} multiply-adds; pooling
 * and activations count nothing. FLOPs here are multiply-adds, as HRank and most pruning papers count.
 */
public record NetworkCost(long parameters, long flops) {

    public static NetworkCost of(MultiLayerNetwork net, ModelBuilder.InputShape input) {
        return of(net, input, Map.of());
    }

    /**
     * The cost the network would have with the masked filters removed ({@code false} in {@code kept}):
     * each conv layer loses them, its batch norm their channels, the next weighted layer the matching
     * inputs (a flattened dense layer one row per position). The same counts {@code removeFilters} gives.
     */
    public static NetworkCost of(MultiLayerNetwork net, ModelBuilder.InputShape input, Map<String, boolean[]> kept) {
        int layers = net.getnLayers();
        long[] nIn = new long[layers];
        long[] nOut = new long[layers];
        for (int i = 0; i < layers; i++) {
            if (NetworkLayout.layerConf(net, i) instanceof FeedForwardLayer ff) {
                nIn[i] = ff.getNIn();
                nOut[i] = ff.getNOut();
            }
        }
        if (!kept.isEmpty()) {
            NetworkLayout layout = NetworkLayout.of(net);
            for (Map.Entry<String, boolean[]> e : kept.entrySet()) {
                NetworkLayout.ConvSlot slot = layout.slot(e.getKey());
                long count = 0;
                for (boolean k : e.getValue()) {
                    count += k ? 1 : 0;
                }
                nOut[slot.conv()] = count;
                if (slot.batchNorm() >= 0) {
                    nIn[slot.batchNorm()] = count;
                    nOut[slot.batchNorm()] = count;
                }
                long perChannel = slot.flattened() ? nIn[slot.consumer()] / slot.info().filters() : 1;
                nIn[slot.consumer()] = count * perChannel;
            }
        }
        List<InputType> outputs = net.getLayerWiseConfigurations().getLayerActivationTypes(
                InputType.convolutional(input.height(), input.width(), input.channels(), CNN2DFormat.NHWC));
        long parameters = 0;
        long flops = 0;
        for (int i = 0; i < layers; i++) {
            Layer layer = NetworkLayout.layerConf(net, i);
            if (layer instanceof ConvolutionLayer conv) {
                int[] k = conv.getKernelSize();
                long weights = (long) k[0] * k[1] * nIn[i] * nOut[i];
                parameters += weights + (conv.hasBias() ? nOut[i] : 0);
                InputType.InputTypeConvolutional out = (InputType.InputTypeConvolutional) outputs.get(i);
                flops += out.getHeight() * out.getWidth() * weights;
            } else if (layer instanceof BatchNormalization) {
                parameters += 4 * nOut[i];
            } else if (layer instanceof FeedForwardLayer) {
                parameters += nIn[i] * nOut[i] + nOut[i];
                flops += nIn[i] * nOut[i];
            }
        }
        return new NetworkCost(parameters, flops);
    }
}
