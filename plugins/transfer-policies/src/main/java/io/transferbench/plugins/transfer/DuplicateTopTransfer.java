package io.transferbench.plugins.transfer;

import io.transferbench.api.ComponentParameters;
import io.transferbench.api.transfer.TransferPolicy;
import io.transferbench.api.transfer.TransferPolicyFactory;

/**
 * {@code duplicate-top}, filter replacement's method 1: each of the k most important filters is
 * copied once over one of the k least important. The same pairing as {@code top-to-bottom}, under the
 * name the replacement method has in the report.
 */
public final class DuplicateTopTransfer implements TransferPolicyFactory {
    @Override
    public String id() {
        return "duplicate-top";
    }

    @Override
    public String description() {
        return "Each of the k most important filters is copied once over one of the k least important "
                + "(filter replacement, method 1; the pairing of top-to-bottom).";
    }

    @Override
    public TransferPolicy create(ComponentParameters parameters) {
        return new TopToBottomTransfer().create(parameters);
    }
}
