package io.transferbench.api.network;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * The filters of one conv layer: kernels in {@code [filter][inputChannel][kernelHeight][kernelWidth]}
 * order (row-major), one bias per filter, and the following batch norm's channel values if any.
 */
public final class FilterBank {

    private final ConvLayerInfo layer;
    private final float[] kernels;
    private final float[] bias;
    private final BatchNormChannels batchNorm;

    public FilterBank(ConvLayerInfo layer, float[] kernels, float[] bias, Optional<BatchNormChannels> batchNorm) {
        this.layer = Objects.requireNonNull(layer, "layer");
        if (kernels.length != layer.filters() * layer.weightsPerFilter()) {
            throw new IllegalArgumentException(layer.name() + ": " + kernels.length + " kernel weights, expected "
                    + layer.filters() + " x " + layer.weightsPerFilter());
        }
        if (bias.length != layer.filters()) {
            throw new IllegalArgumentException(layer.name() + ": " + bias.length + " biases, expected " + layer.filters());
        }
        if (batchNorm.isPresent() && batchNorm.get().channels() != layer.filters()) {
            throw new IllegalArgumentException(layer.name() + ": batch norm has " + batchNorm.get().channels()
                    + " channels, expected " + layer.filters());
        }
        this.kernels = kernels.clone();
        this.bias = bias.clone();
        this.batchNorm = batchNorm.orElse(null);
    }

    public ConvLayerInfo layer() {
        return layer;
    }

    public int filterCount() {
        return layer.filters();
    }

    /** The kernel weights of filter {@code index}, a copy of length {@link ConvLayerInfo#weightsPerFilter()}. */
    public float[] kernel(int index) {
        Objects.checkIndex(index, layer.filters());
        int size = layer.weightsPerFilter();
        return Arrays.copyOfRange(kernels, index * size, (index + 1) * size);
    }

    /** All kernel weights, a copy. */
    public float[] kernels() {
        return kernels.clone();
    }

    public float[] bias() {
        return bias.clone();
    }

    public Optional<BatchNormChannels> batchNorm() {
        return Optional.ofNullable(batchNorm);
    }
}
