package io.transferbench.api.transfer;

import io.transferbench.api.network.ConvLayerInfo;

/**
 * One conv layer's transfer: importance scores of both networks' filters and how many to move.
 * Score arrays are copies.
 *
 * @param layer          the layer (same shape in sender and receiver)
 * @param senderScores   the sender's filter scores, higher = more important
 * @param receiverScores the receiver's filter scores
 * @param count          how many receiver filters to overwrite, in [0, filters]
 */
public record TransferRequest(ConvLayerInfo layer, double[] senderScores, double[] receiverScores, int count) {
    public TransferRequest {
        if (senderScores.length != layer.filters() || receiverScores.length != layer.filters()) {
            throw new IllegalArgumentException(layer.name() + ": need " + layer.filters() + " scores per network, got "
                    + senderScores.length + " and " + receiverScores.length);
        }
        if (count < 0 || count > layer.filters()) {
            throw new IllegalArgumentException(layer.name() + ": count " + count + " outside [0, " + layer.filters() + "]");
        }
        senderScores = senderScores.clone();
        receiverScores = receiverScores.clone();
    }

    @Override
    public double[] senderScores() {
        return senderScores.clone();
    }

    @Override
    public double[] receiverScores() {
        return receiverScores.clone();
    }
}
