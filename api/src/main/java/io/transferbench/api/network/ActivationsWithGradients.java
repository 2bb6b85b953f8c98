package io.transferbench.api.network;

/**
 * A layer's post-activation feature maps for a batch and the gradient of the loss with respect to
 * each of them, from the same forward and backward pass.
 */
public record ActivationsWithGradients(FeatureMaps activations, FeatureMaps gradients) {
    public ActivationsWithGradients {
        if (activations.images() != gradients.images() || activations.channels() != gradients.channels()
                || activations.height() != gradients.height() || activations.width() != gradients.width()) {
            throw new IllegalArgumentException("activations and gradients differ in shape");
        }
    }
}
