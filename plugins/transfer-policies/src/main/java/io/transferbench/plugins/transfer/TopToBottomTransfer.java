package io.transferbench.plugins.transfer;

import io.transferbench.api.ComponentParameters;
import io.transferbench.api.transfer.FilterPair;
import io.transferbench.api.transfer.TransferPolicy;
import io.transferbench.api.transfer.TransferPolicyFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code top-to-bottom}, the paper's policy: the receiver's k least important filters get the
 * sender's k most important, the least important receiving the most important.
 */
public final class TopToBottomTransfer implements TransferPolicyFactory {
    @Override
    public String id() {
        return "top-to-bottom";
    }

    @Override
    public String description() {
        return "The receiver's k least important filters get the sender's k most important (the paper's policy).";
    }

    @Override
    public TransferPolicy create(ComponentParameters parameters) {
        return request -> {
            int[] senders = Ranking.mostImportantFirst(request.senderScores());
            int[] receivers = Ranking.leastImportantFirst(request.receiverScores());
            List<FilterPair> pairs = new ArrayList<>(request.count());
            for (int i = 0; i < request.count(); i++) {
                pairs.add(new FilterPair(senders[i], receivers[i]));
            }
            return pairs;
        };
    }
}
