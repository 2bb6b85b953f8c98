package io.transferbench.api.transfer;

import io.transferbench.api.ComponentFactory;

/** The service a plugin provides to contribute a transfer policy. */
public interface TransferPolicyFactory extends ComponentFactory<TransferPolicy> {
}
