package io.transferbench.api.event;

/**
 * Before a stage trains, something in its configuration cannot act as written (a rule that can never
 * fire, for one): said before the work starts, and kept in the log for the report.
 */
public record WarningIssuedEvent(String stage, String message) implements StageEvent {
}
