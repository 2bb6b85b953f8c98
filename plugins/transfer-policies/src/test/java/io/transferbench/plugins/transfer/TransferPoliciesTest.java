package io.transferbench.plugins.transfer;

import io.transferbench.api.ComponentParameters;
import io.transferbench.api.network.ConvLayerInfo;
import io.transferbench.api.transfer.FilterPair;
import io.transferbench.api.transfer.TransferPolicyFactory;
import io.transferbench.api.transfer.TransferRequest;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TransferPoliciesTest {

    private static final ConvLayerInfo LAYER = new ConvLayerInfo("conv1", 0, 5, 1, 3, 3, false);
    private static final double[] SENDER = {0.5, 0.9, 0.1, 0.7, 0.3};   // best: 1, 3, 0
    private static final double[] RECEIVER = {0.4, 0.2, 0.8, 0.05, 0.6}; // worst: 3, 1, 0

    private static List<FilterPair> choose(TransferPolicyFactory f, int k, long seed) {
        return f.create(ComponentParameters.of(f.id(), Map.of(), seed))
                .choose(new TransferRequest(LAYER, SENDER, RECEIVER, k));
    }

    @Test
    void topToBottomPairsMostImportantWithLeastImportant() {
        assertEquals(List.of(new FilterPair(1, 3), new FilterPair(3, 1), new FilterPair(0, 0)),
                choose(new TopToBottomTransfer(), 3, 0));
    }

    @Test
    void tiesGoToTheLowerIndex() {
        TransferRequest tied = new TransferRequest(LAYER, new double[5], new double[5], 2);
        assertEquals(List.of(new FilterPair(0, 0), new FilterPair(1, 1)),
                new TopToBottomTransfer().create(ComponentParameters.of("top-to-bottom", Map.of(), 0)).choose(tied));
    }

    @Test
    void replacementWithinOneNetwork() {
        // a replacement is a transfer from a network to itself: the same scores on both sides
        TransferRequest self = new TransferRequest(LAYER, SENDER, SENDER, 2); // best 1, 3; worst 2, 4
        assertEquals(List.of(new FilterPair(1, 2), new FilterPair(3, 4)),
                new DuplicateTopTransfer().create(ComponentParameters.of("duplicate-top", Map.of(), 0)).choose(self));
        assertEquals(List.of(new FilterPair(1, 2), new FilterPair(1, 4)),
                new TopOneTransfer().create(ComponentParameters.of("top-one", Map.of(), 0)).choose(self));
    }

    @Test
    void sameIndexKeepsThePosition() {
        assertEquals(List.of(new FilterPair(1, 1), new FilterPair(3, 3)), choose(new SameIndexTransfer(), 2, 0));
    }

    @Test
    void zeroCountMovesNothing() {
        assertEquals(List.of(), choose(new TopToBottomTransfer(), 0, 0));
    }

    @Test
    void randomIsSeededAndHitsDistinctReceivers() {
        List<FilterPair> a = choose(new RandomTransfer(), 4, 11);
        assertEquals(a, choose(new RandomTransfer(), 4, 11));
        assertEquals(4, a.size());
        Set<Integer> receivers = new HashSet<>();
        a.forEach(p -> receivers.add(p.receiverFilter()));
        assertEquals(4, receivers.size());
    }
}
