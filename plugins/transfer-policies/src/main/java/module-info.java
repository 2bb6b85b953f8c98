/** The built-in transfer policies of online fine-tuning, and the pairings of filter replacement. */
module io.transferbench.plugins.transfer {
    requires io.transferbench.api;

    provides io.transferbench.api.transfer.TransferPolicyFactory with
            io.transferbench.plugins.transfer.TopToBottomTransfer,
            io.transferbench.plugins.transfer.SameIndexTransfer,
            io.transferbench.plugins.transfer.RandomTransfer,
            io.transferbench.plugins.transfer.DuplicateTopTransfer,
            io.transferbench.plugins.transfer.TopOneTransfer;
}
