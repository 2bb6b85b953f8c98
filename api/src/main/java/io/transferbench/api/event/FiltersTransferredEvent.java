package io.transferbench.api.event;

import java.util.List;

/**
 * Filters of one conv layer moved: {@code senderFilters.get(i)} overwrote {@code receiverFilters.get(i)}.
 */
public record FiltersTransferredEvent(String stage, String receiver, String sender, int epoch, String layer,
                                      List<Integer> senderFilters, List<Integer> receiverFilters)
        implements StageEvent {
    public FiltersTransferredEvent {
        senderFilters = List.copyOf(senderFilters);
        receiverFilters = List.copyOf(receiverFilters);
        if (senderFilters.size() != receiverFilters.size()) {
            throw new IllegalArgumentException("sender and receiver filter lists differ in length");
        }
    }
}
