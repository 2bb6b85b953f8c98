/** The built-in filter importance metrics (SPEC.md section 4). */
module io.transferbench.plugins.importance {
    requires io.transferbench.api;

    provides io.transferbench.api.importance.ImportanceMetricFactory with
            io.transferbench.plugins.importance.L1NormImportance,
            io.transferbench.plugins.importance.L2NormImportance,
            io.transferbench.plugins.importance.RandomImportance,
            io.transferbench.plugins.importance.HRankImportance,
            io.transferbench.plugins.importance.TaylorImportance,
            io.transferbench.plugins.importance.ApozImportance;
}
