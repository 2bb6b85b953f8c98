package io.transferbench.runtime.internal.engine;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.util.List;

/**
 * Parameters and FLOPs of a network, by the one formula in docs/methods.md ("Counting parameters
 * and FLOPs"): conv {@code kh*kw*cin*cout + cout} parameters and {@code Hout*Wout*kh*kw*cin*cout}
 * multiply-adds; batch norm 4 parameters per channel (scale, shift, running mean, running variance)
 * and no FLOPs; dense {@code nin*nout + nout} parameters and {@code nin*nout} multiply-adds; pooling
 * and activations count nothing. FLOPs here are multiply-adds, as HRank and most pruning papers count.
 */
public record NetworkCost(long parameters, long flops) {

    public static NetworkCost of(MultiLayerNetwork net, ModelBuilder.InputShape input) {
        List<InputType> outputs = net.getLayerWiseConfigurations().getLayerActivationTypes(
                InputType.convolutional(input.height(), input.width(), input.channels(), CNN2DFormat.NHWC));
        long parameters = 0;
        long flops = 0;
        for (int i = 0; i < net.getnLayers(); i++) {
            Layer layer = NetworkLayout.layerConf(net, i);
            if (layer instanceof ConvolutionLayer conv) {
                int[] k = conv.getKernelSize();
                long weights = (long) k[0] * k[1] * conv.getNIn() * conv.getNOut();
                parameters += weights + (conv.hasBias() ? conv.getNOut() : 0);
                InputType.InputTypeConvolutional out = (InputType.InputTypeConvolutional) outputs.get(i);
                flops += out.getHeight() * out.getWidth() * weights;
            } else if (layer instanceof BatchNormalization bn) {
                parameters += 4 * bn.getNOut();
            } else if (layer instanceof FeedForwardLayer dense) {
                parameters += dense.getNIn() * dense.getNOut() + dense.getNOut();
                flops += dense.getNIn() * dense.getNOut();
            }
        }
        return new NetworkCost(parameters, flops);
    }
}
