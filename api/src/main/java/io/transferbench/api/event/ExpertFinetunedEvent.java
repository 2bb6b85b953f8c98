package io.transferbench.api.event;

/**
 * A {@code select-model} stage fine-tuned one network of its library on a target task (a new head, the stage's
 * training settings) and measured it on the target's test split.
 *
 * @param expert   the library network's name
 * @param role     {@code expert} (selectable) or {@code generic} (the reference trained on everything)
 * @param accuracy accuracy on the target's test split after fine-tuning
 * @param loss     mean cross-entropy there
 * @param seconds  wall time of the fine-tuning
 */
public record ExpertFinetunedEvent(String stage, String target, String expert, String role, double accuracy,
                                   double loss, int epochs, double seconds) implements StageEvent {
}
