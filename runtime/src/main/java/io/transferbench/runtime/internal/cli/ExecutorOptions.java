package io.transferbench.runtime.internal.cli;

import picocli.CommandLine.Option;

/** Where a sweep's trials run; each option, when given, wins over the descriptor's {@code executor} section. */
final class ExecutorOptions {

    @Option(names = "--executor", paramLabel = "local|spark", description = "Where the trials of a sweep run: local "
            + "(a pool of JVMs here, one per trial; the default) or spark (Apache Spark: embedded with master local[*], "
            + "or a cluster by --master).")
    String executor;

    @Option(names = "--parallel", paramLabel = "N", description = "Trials at once; default: available processors / "
            + "threads per trial.")
    Integer parallel;

    @Option(names = "--master", paramLabel = "URL", description = "The Spark master: local[*] (default), "
            + "spark://host:7077, k8s://..., yarn.")
    String master;

    /** Why the options cannot work, or null. */
    String problem() {
        if (executor != null && !executor.equals("local") && !executor.equals("spark")) {
            return "--executor: expected local or spark, found '" + executor + "'";
        }
        if (master != null && !master.matches("local(\\[[0-9*]+(,[0-9]+)?])?|spark://.+|k8s://.+|yarn|mesos://.+")) {
            return "--master: expected local[*], local[N], spark://host:port, k8s://https://host:port or yarn, found '"
                    + master + "'";
        }
        if (parallel != null && parallel < 1) {
            return "--parallel: expected a whole number >= 1, found " + parallel;
        }
        return null;
    }
}
