/** Guice wiring of the runtime; Guice never reaches a plugin module. */
package io.transferbench.runtime.internal.wiring;
