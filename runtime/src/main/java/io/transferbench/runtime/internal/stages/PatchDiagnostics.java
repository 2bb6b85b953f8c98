package io.transferbench.runtime.internal.stages;

import java.util.Map;
import java.util.Optional;

/** The patch stage's diagnostics that need no network: computed from measured losses. */
final class PatchDiagnostics {

    private PatchDiagnostics() {
    }

    /** BackwardKnowledgeTransfer and the coefficient where its maximum is reached. */
    record Transfer(double value, double coefficient) {
    }

    /**
     * max over the measured a in (0, 1] of (L_supp(0) - L_supp(a)) / (a * distance); empty when nothing but a = 0
     * was measured or the networks coincide.
     *
     * @param supportedLoss L_supp by coefficient; must hold a = 0
     * @param distance      ||w_zs - w_ft|| over the interpolated trainable parameters
     */
    static Optional<Transfer> backwardKnowledgeTransfer(Map<Double, Double> supportedLoss, double distance) {
        Double atZero = supportedLoss.get(0.0);
        if (atZero == null) {
            throw new IllegalArgumentException("the supported loss at a = 0 was not measured");
        }
        Transfer best = null;
        for (Map.Entry<Double, Double> e : new java.util.TreeMap<>(supportedLoss).entrySet()) {
            double a = e.getKey();
            if (a <= 0 || distance == 0) {
                continue;
            }
            double value = (atZero - e.getValue()) / (a * distance);
            if (best == null || value > best.value()) {
                best = new Transfer(value, a);
            }
        }
        return Optional.ofNullable(best);
    }
}
