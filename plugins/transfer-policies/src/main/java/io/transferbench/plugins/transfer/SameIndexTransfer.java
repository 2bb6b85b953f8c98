package io.transferbench.plugins.transfer;

import io.transferbench.api.ComponentParameters;
import io.transferbench.api.transfer.FilterPair;
import io.transferbench.api.transfer.TransferPolicy;
import io.transferbench.api.transfer.TransferPolicyFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code same-index}: the sender's k most important filters overwrite the receiver's filters at the
 * same indices, whatever the receiver's scores.
 */
public final class SameIndexTransfer implements TransferPolicyFactory {
    @Override
    public String id() {
        return "same-index";
    }

    @Override
    public String description() {
        return "The sender's k most important filters overwrite the receiver's filters at the same indices.";
    }

    @Override
    public TransferPolicy create(ComponentParameters parameters) {
        return request -> {
            int[] senders = Ranking.mostImportantFirst(request.senderScores());
            List<FilterPair> pairs = new ArrayList<>(request.count());
            for (int i = 0; i < request.count(); i++) {
                pairs.add(new FilterPair(senders[i], senders[i]));
            }
            return pairs;
        };
    }
}
