package io.transferbench.api.network;

/**
 * A network's result on its task's evaluation split.
 *
 * @param accuracy fraction correct, in [0, 1]
 * @param loss     mean loss per image
 * @param images   number of images evaluated
 */
public record Evaluation(double accuracy, double loss, int images) {
    public Evaluation {
        if (accuracy < 0 || accuracy > 1 || Double.isNaN(accuracy)) {
            throw new IllegalArgumentException("accuracy must be in [0, 1], was " + accuracy);
        }
    }

    /** 100 - accuracy in percent, as the papers report it. */
    public double errorRate() {
        return 100.0 * (1.0 - accuracy);
    }
}
