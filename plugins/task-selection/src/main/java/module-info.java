/** The built-in task distances and model selectors (Task2Vec's embed-tasks and select-model stages). */
module io.transferbench.plugins.selection {
    requires io.transferbench.api;
    // an automatic module (its JAR's file name): the plugin's folder carries the JAR beside the plugin's
    requires commons.math3;

    provides io.transferbench.api.selection.TaskDistanceFactory with
            io.transferbench.plugins.selection.CosineDistance,
            io.transferbench.plugins.selection.AsymmetricDistance,
            io.transferbench.plugins.selection.KlDistance,
            io.transferbench.plugins.selection.JensenShannonDistance;
    provides io.transferbench.api.selection.ModelSelectorFactory with
            io.transferbench.plugins.selection.Task2VecSelector,
            io.transferbench.plugins.selection.Model2VecSelector,
            io.transferbench.plugins.selection.LogMeSelector,
            io.transferbench.plugins.selection.LeepSelector,
            io.transferbench.plugins.selection.NceSelector,
            io.transferbench.plugins.selection.HScoreSelector,
            io.transferbench.plugins.selection.RandomSelector;
}
