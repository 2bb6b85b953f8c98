/** Plugin discovery: host providers and one module layer per JAR or folder in {@code plugins/}. */
package io.transferbench.runtime.internal.plugins;
