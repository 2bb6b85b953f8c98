package io.transferbench.api.network;

/**
 * Per-channel batch-norm parameters of the layer that follows a conv layer, one value per filter.
 * Arrays are defensive copies.
 */
public record BatchNormChannels(float[] gamma, float[] beta, float[] mean, float[] variance) {
    public BatchNormChannels {
        int n = gamma.length;
        if (beta.length != n || mean.length != n || variance.length != n) {
            throw new IllegalArgumentException("batch-norm arrays differ in length: gamma " + n + ", beta "
                    + beta.length + ", mean " + mean.length + ", variance " + variance.length);
        }
        gamma = gamma.clone();
        beta = beta.clone();
        mean = mean.clone();
        variance = variance.clone();
    }

    @Override
    public float[] gamma() {
        return gamma.clone();
    }

    @Override
    public float[] beta() {
        return beta.clone();
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] variance() {
        return variance.clone();
    }

    public int channels() {
        return gamma.length;
    }
}
