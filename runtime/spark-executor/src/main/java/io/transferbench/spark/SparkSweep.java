package io.transferbench.spark;

import io.transferbench.runtime.internal.sweep.ExecutorSettings;
import io.transferbench.runtime.internal.sweep.SweepFolder;
import io.transferbench.runtime.internal.sweep.SweepProgress;
import io.transferbench.runtime.internal.sweep.TrialProcess;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkFiles;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Serializable;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Spark driver of a sweep: {@code SparkSweep SWEEP_DIR --master URL --parallel N --threads T
 * --retries R --home HOME --plugins-dir DIR TRIAL...}. One task per trial; a task runs its trial in a
 * JVM of its own (the distribution's launcher, {@code resume RUN_DIR}) with the thread counts fixed, so a
 * trial's numbers do not depend on where it ran. A task whose trial process died fails, Spark runs it
 * again (spark.task.maxFailures), and the trial resumes from its own checkpoint.
 *
 * <p>Trials write to the sweep folder, which must be on a file system that every worker mounts at the
 * same path: a task that cannot see its run folder fails with a message saying so. On a cluster the
 * distribution (launcher, libraries, plugins) is shipped to the executors as an archive; with a
 * {@code local} master the executor is this machine and uses the distribution in place.
 */
public final class SparkSweep {

    static final String ARCHIVE = "transferbench-home.zip";

    private SparkSweep() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args));
    }

    static int run(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        List<String> trials = new ArrayList<>();
        Path sweepFolder = Path.of(args[0]).toAbsolutePath();
        for (int i = 1; i < args.length; i++) {
            if (args[i].startsWith("--")) {
                options.put(args[i], args[++i]);
            } else {
                trials.add(args[i]);
            }
        }
        SweepFolder sweep = SweepFolder.read(sweepFolder);
        String master = options.get("--master");
        int parallel = Integer.parseInt(options.get("--parallel"));
        int threads = Integer.parseInt(options.get("--threads"));
        int retries = Integer.parseInt(options.get("--retries"));
        Path home = Path.of(options.get("--home"));
        Path plugins = Path.of(options.get("--plugins-dir"));
        boolean local = master.startsWith("local");

        SparkConf conf = new SparkConf().setAppName("transferbench " + sweep.name())
                // local mode retries nothing unless asked in the master URL itself
                .setMaster(local ? "local[" + parallel + "," + (retries + 1) + "]" : master)
                .set("spark.task.maxFailures", String.valueOf(retries + 1))
                .set("spark.task.cpus", local ? "1" : String.valueOf(threads))
                .set("spark.ui.enabled", "false")
                .set("spark.ui.showConsoleProgress", "false");
        if (!local) {
            conf.set("spark.cores.max", String.valueOf(parallel * threads));
            conf.setJars(new String[] {jarOf(SparkSweep.class), jarOf(SweepFolder.class)});
        }
        Map<String, String> environment = new HashMap<>(new ExecutorSettings(ExecutorSettings.SPARK, parallel, threads,
                retries, master).threadEnvironment());
        String javaOptions = System.getenv("TRANSFERBENCH_JAVA_OPTS");
        if (javaOptions != null) {
            environment.put("TRANSFERBENCH_JAVA_OPTS", javaOptions);
        }

        PrintWriter out = new PrintWriter(System.out, true);
        SweepProgress progress = new SweepProgress(out, trials.size(), parallel);
        Path archive = null;
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            if (!local) {
                archive = HomeArchive.write(home, plugins);
                sc.sc().addArchive(archive.toUri().toString());
            }
            sc.sc().addSparkListener(new Listener(sweep, trials, progress));
            List<String> ended = sc.parallelize(trials, trials.size())
                    .map(new RunTrial(sweepFolder.toString(), local ? home.toString() : null,
                            local ? plugins.toString() : null, environment))
                    .collect();
            int failed = 0;
            for (String line : ended) {
                failed += line.endsWith("\tfinished") ? 0 : 1;
            }
            return failed == 0 ? 0 : 1;
        } catch (Exception e) {
            // Spark's job failure (a SparkException, undeclared from Scala) after a task ran out of retries
            out.println("error: the Spark job stopped: " + firstLine(e));
            return 1;
        } finally {
            if (archive != null) {
                Files.deleteIfExists(archive);
                Files.deleteIfExists(archive.getParent());
            }
        }
    }

    private static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        // Spark wraps the task's own message; show the task's words
        int cause = m.indexOf("IllegalStateException: ");
        String s = cause >= 0 ? m.substring(cause + "IllegalStateException: ".length()) : m;
        return s.lines().findFirst().orElse(s);
    }

    private static String jarOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Progress lines from the scheduler's task events: a task's index is its trial's position. */
    private static final class Listener extends SparkListener {
        private final SweepFolder sweep;
        private final List<String> trials;
        private final SweepProgress progress;

        Listener(SweepFolder sweep, List<String> trials, SweepProgress progress) {
            this.sweep = sweep;
            this.trials = trials;
            this.progress = progress;
        }

        @Override
        public void onTaskStart(SparkListenerTaskStart start) {
            progress.started(trials.get(start.taskInfo().index()), start.taskInfo().host() + " executor "
                    + start.taskInfo().executorId() + (start.taskInfo().attemptNumber() > 0
                    ? ", attempt " + (start.taskInfo().attemptNumber() + 1) : ""));
        }

        @Override
        public void onTaskEnd(SparkListenerTaskEnd end) {
            String trial = trials.get(end.taskInfo().index());
            if (end.taskInfo().successful()) {
                for (SweepFolder.Trial t : sweep.trials()) {
                    if (t.folder().equals(trial)) {
                        try {
                            progress.ended(trial, sweep.result(t));
                        } catch (IOException e) {
                            progress.note(trial + ": ended; its attempts cannot be read: " + e.getMessage());
                        }
                    }
                }
            } else {
                progress.note(trial + ": its task failed on " + end.taskInfo().host() + " (" + end.reason() + ")");
            }
        }
    }

    /** A task: one trial, in a JVM of its own on this worker. */
    static final class RunTrial implements Function<String, String>, Serializable {
        private static final long serialVersionUID = 1L;
        private final String sweepFolder;
        private final String home;
        private final String plugins;
        private final Map<String, String> environment;

        /** @param home the distribution in place (local master), or null: the shipped archive */
        RunTrial(String sweepFolder, String home, String plugins, Map<String, String> environment) {
            this.sweepFolder = sweepFolder;
            this.home = home;
            this.plugins = plugins;
            this.environment = new HashMap<>(environment);
        }

        @Override
        public String call(String trial) throws Exception {
            String where = InetAddress.getLocalHost().getHostName() + " executor " + SparkEnv.get().executorId();
            Path folder = Path.of(sweepFolder).resolve(trial);
            if (!Files.isRegularFile(folder.resolve("descriptor.yaml"))) {
                throw new IllegalStateException(where + " cannot see " + folder + ": trials write into the sweep folder, "
                        + "which must be on a file system every worker mounts at the same path (NFS, a cluster file "
                        + "system); put the descriptor's 'output' there");
            }
            Path distribution = home != null ? Path.of(home) : Path.of(SparkFiles.get(ARCHIVE));
            Path pluginsDir = plugins != null ? Path.of(plugins) : distribution.resolve("plugins");
            SweepFolder.TrialResult r = TrialProcess.run(TrialProcess.withLauncher(distribution, pluginsDir, folder),
                    environment, folder, 0, where, message -> { });
            if (r.status().equals("died")) {
                throw new IllegalStateException(trial + ": its process died on " + where + " (see "
                        + folder.resolve(TrialProcess.LOG) + "); the task runs again and resumes from its checkpoint");
            }
            return trial + "\t" + r.status();
        }
    }
}
