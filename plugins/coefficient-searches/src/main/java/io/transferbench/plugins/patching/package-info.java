/** The built-in coefficient searches: grid, quasi-convex (the seed's method) and golden-section. */
package io.transferbench.plugins.patching;
