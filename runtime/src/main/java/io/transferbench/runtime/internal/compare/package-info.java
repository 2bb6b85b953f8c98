/**
 * Reading finished run folders back from their files alone ({@code events.jsonl},
 * {@code descriptor.yaml}) and summarising configurations over trials: the {@code compare} command.
 */
package io.transferbench.runtime.internal.compare;
