/**
 * Patching by weight interpolation (PAINT): how the coefficient {@code a} of
 * {@code w(a) = (1 - a) w_zs + a w_ft} is chosen. Provide a
 * {@link io.transferbench.api.patching.CoefficientSearchFactory}.
 */
package io.transferbench.api.patching;
