/**
 * Transfer policies of online fine-tuning: which of the sender's filters overwrite which of the
 * receiver's in one conv layer. Provide a {@link io.transferbench.api.transfer.TransferPolicyFactory}.
 */
package io.transferbench.api.transfer;
