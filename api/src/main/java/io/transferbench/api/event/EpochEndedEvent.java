package io.transferbench.api.event;

/**
 * A network finished an epoch and was evaluated.
 *
 * @param trainLoss  mean training loss over the epoch
 * @param accuracy   evaluation accuracy in [0, 1]
 * @param errorRate  100 - accuracy in percent
 * @param evalLoss   mean evaluation loss
 * @param seconds    wall time of the epoch, training and evaluation
 * @param learningRate the learning rate the epoch trained with (as the stage's schedule gives it)
 * @param trainAccuracy accuracy in [0, 1] on the first (up to) 1000 training images in file order, without
 *                      augmentation, measured after the epoch like the evaluation; null where not measured (runs
 *                      written before it was added)
 */
public record EpochEndedEvent(String stage, String network, int epoch, int totalEpochs, double trainLoss,
                              double accuracy, double errorRate, double evalLoss, double seconds, double learningRate,
                              Double trainAccuracy)
        implements StageEvent {

    /** An epoch whose training accuracy was not measured. */
    public EpochEndedEvent(String stage, String network, int epoch, int totalEpochs, double trainLoss, double accuracy,
                           double errorRate, double evalLoss, double seconds, double learningRate) {
        this(stage, network, epoch, totalEpochs, trainLoss, accuracy, errorRate, evalLoss, seconds, learningRate, null);
    }
}
