/** Filter importance metrics; reached only as services, not exported. */
package io.transferbench.plugins.importance;
