package io.transferbench.api.event;

/** A compression controller's step ended: the compression rate reached and the accuracy there. */
public record CompressionStepCompletedEvent(String stage, String network, int step, String controller,
                                            double compressionRate, double accuracy, double reward)
        implements LifecycleEvent {
}
