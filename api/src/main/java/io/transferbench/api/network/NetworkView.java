package io.transferbench.api.network;

import java.util.List;

/**
 * What a plugin sees of one network under training. The runtime implements it on the engine.
 *
 * <p>Feature maps are computed on demand over the first images of the network's training split
 * (a fixed, repeatable batch), so two calls with the same arguments see the same images.
 */
public interface NetworkView {

    /** The network's name in the descriptor. */
    String name();

    /** The convolutional layers in forward order. */
    List<ConvLayerInfo> convLayers();

    /** The current filters of a conv layer (a copy). */
    FilterBank filters(String layer);

    /** Post-activation feature maps of a conv layer's filters for up to {@code maxImages} images. */
    FeatureMaps activations(String layer, int maxImages);

    /** Feature maps and the loss gradient with respect to them, for up to {@code maxImages} images. */
    ActivationsWithGradients activationsWithGradients(String layer, int maxImages);

    /** Evaluates the network on its task's evaluation split. */
    Evaluation evaluate();
}
