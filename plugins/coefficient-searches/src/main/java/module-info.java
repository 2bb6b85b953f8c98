/** The built-in coefficient searches of the patch stage. */
module io.transferbench.plugins.patching {
    requires io.transferbench.api;
    // an automatic module (its JAR's file name): the plugin's folder carries the JAR beside the plugin's
    requires commons.math3;

    provides io.transferbench.api.patching.CoefficientSearchFactory with
            io.transferbench.plugins.patching.GridSearch,
            io.transferbench.plugins.patching.QuasiConvexSearch,
            io.transferbench.plugins.patching.GoldenSectionSearch;
}
