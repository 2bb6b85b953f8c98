/**
 * The Transferbench plugin API: what a plugin implements and what it may see.
 *
 * <p>Depends on the JDK only, so plugins compile and unit-test on plain Java and never link to
 * the training engine.
 */
module io.transferbench.api {
    exports io.transferbench.api;
    exports io.transferbench.api.network;
    exports io.transferbench.api.importance;
    exports io.transferbench.api.transfer;
    exports io.transferbench.api.schedule;
    exports io.transferbench.api.compression;
    exports io.transferbench.api.patching;
    exports io.transferbench.api.selection;
    exports io.transferbench.api.event;
}
