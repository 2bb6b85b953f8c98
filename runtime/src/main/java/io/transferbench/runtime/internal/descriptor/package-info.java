/**
 * The pipeline descriptor: located YAML reading, the schema and the vocabulary stage types declare
 * their keys with, validation before anything runs, typed access to validated values, and seeds.
 */
package io.transferbench.runtime.internal.descriptor;
