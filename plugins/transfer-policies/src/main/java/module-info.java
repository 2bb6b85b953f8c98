/** The built-in transfer policies of online fine-tuning. */
module io.transferbench.plugins.transfer {
    requires io.transferbench.api;

    provides io.transferbench.api.transfer.TransferPolicyFactory with
            io.transferbench.plugins.transfer.TopToBottomTransfer,
            io.transferbench.plugins.transfer.SameIndexTransfer,
            io.transferbench.plugins.transfer.RandomTransfer;
}
