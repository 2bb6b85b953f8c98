/** The pipeline descriptor: located YAML reading, the schema, and validation before anything runs. */
package io.transferbench.runtime.internal.descriptor;
