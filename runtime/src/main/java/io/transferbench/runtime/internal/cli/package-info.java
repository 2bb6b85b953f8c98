/** The picocli commands: run, validate, plugins. Opened to picocli. */
package io.transferbench.runtime.internal.cli;
