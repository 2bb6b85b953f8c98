/** The launcher entry point. Everything else lives in the unexported {@code internal} packages. */
package io.transferbench.runtime;
