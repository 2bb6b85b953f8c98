package io.transferbench.api.network;

import java.util.Objects;

/**
 * The shape of one convolutional layer.
 *
 * @param name         the layer's name in the network, stable across runs of the same model
 * @param position     its position among the network's conv layers, from 0
 * @param filters      number of filters (output channels)
 * @param inputChannels number of input channels
 * @param kernelHeight kernel height
 * @param kernelWidth  kernel width
 * @param batchNorm    whether a batch-norm layer follows, whose channel parameters travel with the filter
 */
public record ConvLayerInfo(String name, int position, int filters, int inputChannels,
                            int kernelHeight, int kernelWidth, boolean batchNorm) {
    public ConvLayerInfo {
        Objects.requireNonNull(name, "name");
        if (position < 0 || filters < 1 || inputChannels < 1 || kernelHeight < 1 || kernelWidth < 1) {
            throw new IllegalArgumentException("invalid conv layer shape: " + name + " position " + position
                    + ", " + filters + " filters, " + inputChannels + " inputs, kernel "
                    + kernelHeight + "x" + kernelWidth);
        }
    }

    /** Weights per filter: inputChannels x kernelHeight x kernelWidth. */
    public int weightsPerFilter() {
        return inputChannels * kernelHeight * kernelWidth;
    }
}
