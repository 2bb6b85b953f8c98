package io.transferbench.runtime.internal.stages;

import io.transferbench.api.schedule.AdjustmentContext;
import io.transferbench.api.schedule.AdjustmentRule;
import io.transferbench.api.schedule.ScheduleParameter;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * One network's transfer schedule in an online-transfer stage (SPEC.md section 1): the frequency
 * {@code e} (epochs between its transfers), the ratio {@code P} (percent of filters per conv layer it
 * receives) and its next transfer point. Transfer points come every {@code e} epochs and strictly
 * before the stage's last epoch (a transfer after the last epoch could not affect training; so e = 25
 * over 600 epochs gives the paper's 23 transfers). From the second transfer on, the rules adjust e and
 * P from the change in error rate since the previous transfer; results are rounded and bounded.
 */
final class TransferSchedule {

    /** How one value is rounded after a rule changed it. */
    enum Rounding {
        NONE, HALF_EVEN, HALF_UP, FLOOR, CEILING;

        double apply(double value) {
            return switch (this) {
                case NONE -> value;
                case HALF_EVEN -> new BigDecimal(value).setScale(0, RoundingMode.HALF_EVEN).doubleValue();
                case HALF_UP -> new BigDecimal(value).setScale(0, RoundingMode.HALF_UP).doubleValue();
                case FLOOR -> Math.floor(value);
                case CEILING -> Math.ceil(value);
            };
        }
    }

    /** How one schedule value is adjusted: the rule (with its id for events), rounding and bounds. */
    record Adjuster(String ruleId, java.util.function.IntFunction<AdjustmentRule> ruleAt, Rounding rounding, double min,
                    double max) {
        /** One rule instance for every transfer point. */
        Adjuster(String ruleId, AdjustmentRule rule, Rounding rounding, double min, double max) {
            this(ruleId, (java.util.function.IntFunction<AdjustmentRule>) epoch -> rule, rounding, min, max);
        }

        double bound(double value) {
            return Math.max(min, Math.min(max, value));
        }
    }

    /** One change a rule made at a transfer point. */
    record Adjustment(ScheduleParameter parameter, String rule, double oldValue, double rawValue, double newValue,
                      double errorRateDiff) {
    }

    /** Everything needed to continue the schedule after a resume. */
    record State(double frequency, double ratio, int nextTransfer, int transfers, double lastErrorRate) {
    }

    private final int totalEpochs;
    private final Adjuster frequencyAdjuster;
    private final Adjuster ratioAdjuster;
    private double frequency;
    private double ratio;
    private int nextTransfer;
    private int transfers;
    private double lastErrorRate = Double.NaN;

    TransferSchedule(int totalEpochs, int initialFrequency, double initialRatio, Adjuster frequency, Adjuster ratio) {
        this.totalEpochs = totalEpochs;
        this.frequencyAdjuster = frequency;
        this.ratioAdjuster = ratio;
        this.frequency = initialFrequency;
        this.ratio = initialRatio;
        this.nextTransfer = pointAfter(0);
    }

    private int pointAfter(int epoch) {
        int next = epoch + (int) Math.round(frequency);
        return next < totalEpochs ? next : 0;
    }

    /** Whether {@code epoch} is this network's next transfer point. */
    boolean isTransferPoint(int epoch) {
        return nextTransfer != 0 && epoch == nextTransfer;
    }

    /** Epoch of the next transfer point, 0 when there is none left. */
    int nextTransfer() {
        return nextTransfer;
    }

    int frequency() {
        return (int) Math.round(frequency);
    }

    double ratio() {
        return ratio;
    }

    /** Transfers made so far. */
    int transfers() {
        return transfers;
    }

    /** Filters a conv layer of {@code filters} filters receives at the current ratio: round-half-even of P% of them. */
    int filtersToReceive(int filters) {
        double k = ratio / 100.0 * filters;
        return (int) Math.max(0, Math.min(filters, Rounding.HALF_EVEN.apply(k)));
    }

    /**
     * Records the transfer made at {@code epoch} with the receiver's error rate measured there; from
     * the second transfer on, adjusts e and P; schedules the next point. Returns the changes made.
     */
    List<Adjustment> transferred(int epoch, double errorRate) {
        if (!isTransferPoint(epoch)) {
            throw new IllegalStateException("epoch " + epoch + " is not a transfer point; the next is " + nextTransfer);
        }
        transfers++;
        List<Adjustment> changes = new ArrayList<>();
        if (transfers >= 2) {
            double diff = errorRate - lastErrorRate;
            Adjustment e = adjust(ScheduleParameter.FREQUENCY, frequencyAdjuster, frequency, diff, epoch);
            Adjustment p = adjust(ScheduleParameter.RATIO, ratioAdjuster, ratio, diff, epoch);
            frequency = e.newValue();
            ratio = p.newValue();
            changes.add(e);
            changes.add(p);
        }
        lastErrorRate = errorRate;
        nextTransfer = pointAfter(epoch);
        return changes;
    }

    private Adjustment adjust(ScheduleParameter parameter, Adjuster adjuster, double value, double diff, int epoch) {
        double raw = adjuster.ruleAt().apply(epoch)
                .adjust(new AdjustmentContext(parameter, value, diff, transfers, epoch, totalEpochs));
        if (!Double.isFinite(raw)) {
            throw new IllegalStateException("adjustment rule '" + adjuster.ruleId() + "' returned " + raw + " for the "
                    + parameter.key() + " at epoch " + epoch + " (value " + value + ", error-rate change " + diff
                    + "); a rule must return a finite number");
        }
        double adjusted = adjuster.bound(adjuster.rounding().apply(raw));
        return new Adjustment(parameter, adjuster.ruleId(), value, raw, adjusted, diff);
    }

    State state() {
        return new State(frequency, ratio, nextTransfer, transfers, lastErrorRate);
    }

    void restore(State state) {
        frequency = state.frequency();
        ratio = state.ratio();
        nextTransfer = state.nextTransfer();
        transfers = state.transfers();
        lastErrorRate = state.lastErrorRate();
    }
}
