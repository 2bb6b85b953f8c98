/**
 * The picocli commands (run, resume, validate, report, compare, plugins, benchmark) and the progress
 * display. Opened to picocli.
 */
package io.transferbench.runtime.internal.cli;
