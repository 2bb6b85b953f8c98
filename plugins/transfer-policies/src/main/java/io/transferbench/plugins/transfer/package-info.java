/** Transfer policies; reached only as services, not exported. */
package io.transferbench.plugins.transfer;
