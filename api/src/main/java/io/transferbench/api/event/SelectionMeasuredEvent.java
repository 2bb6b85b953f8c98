package io.transferbench.api.event;

/**
 * How one selector's choice for one target did after fine-tuning, against the references. Accuracies are on
 * the target's test split; a reference the stage did not measure is NaN.
 *
 * @param chosenAccuracy    the chosen expert's accuracy after fine-tuning
 * @param oracle            the expert that did best after fine-tuning (every expert fine-tuned), or empty
 * @param oracleAccuracy    its accuracy
 * @param genericAccuracy   the generic network's accuracy after the same fine-tuning
 * @param randomAccuracy    a uniformly random choice's expected accuracy: the mean over the experts
 * @param kendallTau        rank correlation (tau-b) of the selector's scores with the experts' accuracies
 */
public record SelectionMeasuredEvent(String stage, String target, String selector, String selectorId, String chosen,
                                     double chosenAccuracy, String oracle, double oracleAccuracy,
                                     double genericAccuracy, double randomAccuracy, double kendallTau)
        implements StageEvent {
}
