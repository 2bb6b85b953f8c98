package io.transferbench.api.schedule;

/**
 * What a rule knows at a network's transfer point.
 *
 * @param parameter      which value is being adjusted
 * @param value          its current value {@code x}
 * @param errorRateDiff  {@code err_now - err_at_previous_transfer}, percentage points
 * @param transferNumber {@code n}, 1-based number of this transfer (adjustment starts at 2)
 * @param epoch          {@code t}, the current epoch, 1-based
 * @param totalEpochs    {@code T}, the stage's total epochs
 */
public record AdjustmentContext(ScheduleParameter parameter, double value, double errorRateDiff,
                                int transferNumber, int epoch, int totalEpochs) {
    public AdjustmentContext {
        if (transferNumber < 2) {
            throw new IllegalArgumentException("no adjustment before the second transfer, got transfer " + transferNumber);
        }
        if (epoch < 1 || totalEpochs < epoch) {
            throw new IllegalArgumentException("epoch " + epoch + " outside [1, " + totalEpochs + "]");
        }
    }
}
