package io.transferbench.plugins.transfer;

import io.transferbench.api.ComponentParameters;
import io.transferbench.api.transfer.FilterPair;
import io.transferbench.api.transfer.TransferPolicy;
import io.transferbench.api.transfer.TransferPolicyFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** {@code random}: k random sender filters overwrite k random, distinct receiver filters. Seeded. */
public final class RandomTransfer implements TransferPolicyFactory {
    @Override
    public String id() {
        return "random";
    }

    @Override
    public String description() {
        return "k random sender filters overwrite k random receiver filters (seeded): importance ignored.";
    }

    @Override
    public TransferPolicy create(ComponentParameters parameters) {
        SplittableRandom random = new SplittableRandom(parameters.seed());
        return request -> {
            int n = request.layer().filters();
            int[] senders = shuffled(n, random);
            int[] receivers = shuffled(n, random);
            List<FilterPair> pairs = new ArrayList<>(request.count());
            for (int i = 0; i < request.count(); i++) {
                pairs.add(new FilterPair(senders[i], receivers[i]));
            }
            return pairs;
        };
    }

    private static int[] shuffled(int n, SplittableRandom random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
