package io.transferbench.plugins.transfer;

import io.transferbench.api.ComponentParameters;
import io.transferbench.api.transfer.FilterPair;
import io.transferbench.api.transfer.TransferPolicy;
import io.transferbench.api.transfer.TransferPolicyFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code top-one}, filter replacement's method 2: the receiver's k least important filters all
 * become copies of the sender's single most important filter.
 */
public final class TopOneTransfer implements TransferPolicyFactory {
    @Override
    public String id() {
        return "top-one";
    }

    @Override
    public String description() {
        return "The receiver's k least important filters all get the sender's single most important filter "
                + "(filter replacement, method 2).";
    }

    @Override
    public TransferPolicy create(ComponentParameters parameters) {
        return request -> {
            int top = Ranking.mostImportantFirst(request.senderScores())[0];
            int[] receivers = Ranking.leastImportantFirst(request.receiverScores());
            List<FilterPair> pairs = new ArrayList<>(request.count());
            for (int i = 0; i < request.count(); i++) {
                pairs.add(new FilterPair(top, receivers[i]));
            }
            return pairs;
        };
    }
}
