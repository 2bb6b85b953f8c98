package io.transferbench.api.transfer;

/** The sender's filter {@code senderFilter} overwrites the receiver's filter {@code receiverFilter}. */
public record FilterPair(int senderFilter, int receiverFilter) {
    public FilterPair {
        if (senderFilter < 0 || receiverFilter < 0) {
            throw new IllegalArgumentException("filter indices must be >= 0: " + senderFilter + " -> " + receiverFilter);
        }
    }
}
