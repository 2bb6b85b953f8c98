package io.transferbench.runtime.internal.sweep;

import io.transferbench.runtime.internal.descriptor.PipelineDescriptor;
import io.transferbench.runtime.internal.descriptor.Section;

/**
 * Where and how a sweep's trials run.
 *
 * @param type            {@code local} or {@code spark}
 * @param parallel        trials at once
 * @param threadsPerTrial OpenBLAS/OMP threads of every trial, fixed so results do not depend on the machine
 * @param retries         restarts of a trial whose process died
 * @param master          the Spark master URL ({@code spark} only)
 */
public record ExecutorSettings(String type, int parallel, int threadsPerTrial, int retries, String master) {

    public static final String LOCAL = "local";
    public static final String SPARK = "spark";

    /** The descriptor's {@code executor} section (defaults when absent), with the command line's values winning. */
    public static ExecutorSettings of(PipelineDescriptor d, String executor, Integer parallel, String master) {
        Section s = d.root().has("executor") ? d.root().section("executor") : null;
        String type = executor != null ? executor : s == null ? LOCAL : s.string("type");
        int threads = s == null ? 1 : (int) s.integer("threads-per-trial");
        int retries = s == null ? 2 : (int) s.integer("retries");
        int p = parallel != null ? parallel : s != null && s.has("parallel") ? (int) s.integer("parallel")
                : Math.max(1, Runtime.getRuntime().availableProcessors() / threads);
        String m = master != null ? master : s == null ? "local[*]" : s.string("master");
        return new ExecutorSettings(type, p, threads, retries, m);
    }

    /** These settings with the command line's choices, where given. */
    public ExecutorSettings with(String executor, Integer parallel, String master) {
        return new ExecutorSettings(executor != null ? executor : type, parallel != null ? parallel : this.parallel,
                threadsPerTrial, retries, master != null ? master : this.master);
    }

    /** What the trial's process environment fixes: the thread counts that change results in the last bits. */
    public java.util.Map<String, String> threadEnvironment() {
        String n = String.valueOf(threadsPerTrial);
        return java.util.Map.of("OMP_NUM_THREADS", n, "OPENBLAS_NUM_THREADS", n, "MKL_NUM_THREADS", n,
                "OMP_WAIT_POLICY", "PASSIVE");
    }
}
