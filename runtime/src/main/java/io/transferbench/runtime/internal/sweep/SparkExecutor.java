package io.transferbench.runtime.internal.sweep;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Spark executor, seen from the runtime: starts the Spark driver (the adapter in {@code lib/spark/},
 * on the class path with Spark, which cannot be JPMS modules) in a JVM of its own with the
 * {@code --add-opens} flags Spark's launcher would set. The driver schedules one task per trial; each
 * task runs its trial in a JVM of its own on its worker (see {@link TrialProcess}). Runs that do not use
 * Spark never load it.
 */
public final class SparkExecutor implements TrialExecutor {

    /** The driver's main class, in the adapter JAR. */
    static final String DRIVER = "io.transferbench.spark.SparkSweep";
    /** What Spark's own launcher opens to the unnamed module on Java 17 (JavaModuleOptions in Spark). */
    static final List<String> OPENS = List.of("java.base/java.lang", "java.base/java.lang.invoke",
            "java.base/java.lang.reflect", "java.base/java.io", "java.base/java.net", "java.base/java.nio",
            "java.base/java.util", "java.base/java.util.concurrent", "java.base/java.util.concurrent.atomic",
            "java.base/jdk.internal.ref", "java.base/sun.nio.ch", "java.base/sun.nio.cs",
            "java.base/sun.security.action", "java.base/sun.util.calendar", "java.security.jgss/sun.security.krb5");

    private final ExecutorSettings settings;
    private final Path pluginsDir;
    private final Path home;

    /** @param home the distribution's folder (its {@code lib/spark/} holds the adapter) */
    public SparkExecutor(ExecutorSettings settings, Path pluginsDir, Path home) {
        this.settings = settings;
        this.pluginsDir = pluginsDir;
        this.home = home;
    }

    /** The adapter's folder, or why there is none. */
    public static Path sparkLibrary(Path home) throws SweepException {
        if (home == null) {
            throw new SweepException("the Spark executor runs from the distribution (bin/transferbench): this "
                    + "Transferbench was started without one (no -Dtransferbench.home); use --executor local");
        }
        Path lib = home.resolve("lib").resolve("spark");
        if (!Files.isDirectory(lib)) {
            throw new SweepException("the Spark executor is not installed: " + lib + " is missing (the distribution "
                    + "ships Spark and its adapter there); use --executor local");
        }
        return lib;
    }

    @Override
    public Map<String, SweepFolder.TrialResult> run(SweepFolder sweep, List<SweepFolder.Trial> trials,
                                                    SweepProgress progress) throws IOException, InterruptedException {
        Path lib = sparkLibrary(home);
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        String options = System.getenv("TRANSFERBENCH_SPARK_DRIVER_OPTS");
        if (options != null && !options.isBlank()) {
            command.addAll(List.of(options.trim().split("\\s+")));
        }
        for (String open : OPENS) {
            command.add("--add-opens=" + open + "=ALL-UNNAMED");
        }
        command.add("-Dlog4j2.configurationFile=" + home.resolve("conf").resolve("log4j2.xml"));
        command.add("-cp");
        command.add(lib.resolve("*") + File.pathSeparator + home.resolve("lib").resolve("modules").resolve("*"));
        command.add(DRIVER);
        command.addAll(List.of(sweep.folder().toAbsolutePath().toString(), "--master", settings.master(),
                "--parallel", String.valueOf(settings.parallel()), "--threads", String.valueOf(settings.threadsPerTrial()),
                "--retries", String.valueOf(settings.retries()), "--home", home.toAbsolutePath().toString(),
                "--plugins-dir", pluginsDir.toAbsolutePath().toString()));
        for (SweepFolder.Trial t : trials) {
            command.add(t.folder());
        }
        Process driver = new ProcessBuilder(command).inheritIO().start();
        try {
            driver.waitFor();
        } catch (InterruptedException e) {
            driver.descendants().forEach(ProcessHandle::destroyForcibly);
            driver.destroyForcibly();
            throw e;
        }
        Map<String, SweepFolder.TrialResult> results = new LinkedHashMap<>();
        for (SweepFolder.Trial t : trials) {
            results.put(t.folder(), sweep.result(t));
        }
        return results;
    }
}
