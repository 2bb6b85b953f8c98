package io.transferbench.api.event;

import java.util.List;

/**
 * The diagnostics of one supported / patch pair (PAINT), over the trainable parameters the stage interpolates.
 *
 * @param gradientSimilarity        cos(w_zs - w_ft, grad L_supp(w_zs)) on the supported tasks' validation split
 * @param gradientNorm              ||grad L_supp(w_zs)||
 * @param distance                  ||w_zs - w_ft||
 * @param backwardKnowledgeTransfer max over the measured a in (0, 1] of (L_supp(0) - L_supp(a)) / (a ||w_zs - w_ft||)
 * @param bktCoefficient            the a where that maximum is reached
 * @param bktCoefficients           the measured coefficients the maximum is taken over
 * @param chosenCoefficient         the coefficient of the saved network
 * @param backwardTransfer          supported-task accuracy (test split) at the chosen coefficient minus at a = 0
 * @param backwardTransferAtOne     the same at a = 1 (the patched network alone: minus its forgetting)
 */
public record PatchDiagnosticsEvent(String stage, double gradientSimilarity, double gradientNorm, double distance,
                                    double backwardKnowledgeTransfer, double bktCoefficient, List<Double> bktCoefficients,
                                    double chosenCoefficient, double backwardTransfer, double backwardTransferAtOne)
        implements StageEvent {
    public PatchDiagnosticsEvent {
        bktCoefficients = List.copyOf(bktCoefficients);
    }
}
