package io.transferbench.runtime.internal.engine;

import io.transferbench.api.network.ConvLayerInfo;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.conf.layers.wrapper.BaseWrapperLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each conv layer of a network sits and which layers its filters feed: the batch norm whose
 * channels travel with the filters, the layer whose output is the filters' post-activation feature
 * map, and the next layer with weights, whose input channels match the filters.
 */
final class NetworkLayout {

    /**
     * One conv layer's neighbourhood, by layer index in the network.
     *
     * @param batchNorm  the batch norm right after the conv layer, or -1
     * @param activation the layer whose output is the post-activation map (the conv layer itself if no
     *                   activation layer follows)
     * @param consumer   the next layer with weights, whose inputs are these filters' channels
     * @param flattened  whether the consumer sees the channels through a CNN-to-dense flattening
     */
    record ConvSlot(ConvLayerInfo info, int conv, int batchNorm, int activation, int consumer, boolean flattened,
                    CNN2DFormat format) {
    }

    private final Map<String, ConvSlot> slots;

    private NetworkLayout(Map<String, ConvSlot> slots) {
        this.slots = slots;
    }

    static NetworkLayout of(MultiLayerNetwork net) {
        Map<String, ConvSlot> slots = new LinkedHashMap<>();
        int layers = net.getnLayers();
        for (int i = 0; i < layers; i++) {
            if (!(layerConf(net, i) instanceof ConvolutionLayer conv) || conv.getClass() != ConvolutionLayer.class) {
                continue; // only plain 2-D convolutions carry filters we can move or remove
            }
            int batchNorm = -1;
            int activation = i;
            int consumer = -1;
            boolean flattened = false;
            for (int j = i + 1; j < layers; j++) {
                Layer next = layerConf(net, j);
                if (next instanceof BatchNormalization && j == i + 1) {
                    batchNorm = j;
                    activation = j;
                } else if (next instanceof ActivationLayer && activation == j - 1) {
                    activation = j;
                } else if (next instanceof SubsamplingLayer) {
                    continue;
                } else if (next instanceof FeedForwardLayer) {
                    consumer = j;
                    InputPreProcessor pre = net.getLayerWiseConfigurations().getInputPreProcess(j);
                    flattened = pre instanceof CnnToFeedForwardPreProcessor;
                    break;
                } else {
                    throw new IllegalStateException("conv layer " + conv.getLayerName() + " is followed by "
                            + next.getClass().getSimpleName() + ", which filter operations do not handle");
                }
            }
            if (consumer < 0) {
                throw new IllegalStateException("conv layer " + conv.getLayerName() + " feeds no layer with weights");
            }
            int[] kernel = conv.getKernelSize();
            ConvLayerInfo info = new ConvLayerInfo(conv.getLayerName(), slots.size(), (int) conv.getNOut(),
                    (int) conv.getNIn(), kernel[0], kernel[1], batchNorm >= 0);
            slots.put(info.name(), new ConvSlot(info, i, batchNorm, activation, consumer, flattened,
                    conv.getCnn2dDataFormat()));
        }
        return new NetworkLayout(slots);
    }

    /** The configuration of layer {@code index}, unwrapped from frozen-layer wrappers. */
    static Layer layerConf(MultiLayerNetwork net, int index) {
        return unwrap(net.getLayerWiseConfigurations().getConf(index).getLayer());
    }

    static Layer unwrap(Layer layer) {
        Layer l = layer;
        while (true) {
            if (l instanceof FrozenLayer frozen) {
                l = frozen.getLayer();
            } else if (l instanceof BaseWrapperLayer wrapper) {
                l = wrapper.getUnderlying();
            } else {
                return l;
            }
        }
    }

    List<ConvLayerInfo> convLayers() {
        List<ConvLayerInfo> list = new ArrayList<>();
        slots.values().forEach(s -> list.add(s.info()));
        return List.copyOf(list);
    }

    ConvSlot slot(String layer) {
        ConvSlot slot = slots.get(layer);
        if (slot == null) {
            throw new IllegalArgumentException("no conv layer '" + layer + "'; conv layers: " + slots.keySet());
        }
        return slot;
    }
}
