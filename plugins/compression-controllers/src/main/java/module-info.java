/** The built-in compression controllers. */
module io.transferbench.plugins.compression {
    requires io.transferbench.api;

    provides io.transferbench.api.compression.CompressionControllerFactory with
            io.transferbench.plugins.compression.OneShotController,
            io.transferbench.plugins.compression.IterativeController,
            io.transferbench.plugins.compression.ReinforcementLearningController;
}
