package io.transferbench.api.transfer;

import java.util.List;

/** Chooses which filters move in one conv layer at a transfer point. */
public interface TransferPolicy {

    /**
     * @return exactly {@code request.count()} pairs; each receiver filter appears at most once
     */
    List<FilterPair> choose(TransferRequest request);
}
