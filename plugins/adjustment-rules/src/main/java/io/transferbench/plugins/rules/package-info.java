/**
 * The adjustment rules of ../shared/SPEC.md section 1. Each returns the unrounded value; the
 * runtime applies the descriptor's rounding and bounds. Not exported: the rules are reached only
 * as services.
 */
package io.transferbench.plugins.rules;
