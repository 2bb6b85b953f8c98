package io.transferbench.runtime.internal.sweep;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The local executor: a bounded pool on this machine, each trial a JVM of its own started like this one,
 * so a crash or a native fault kills one trial and not the sweep.
 */
public final class LocalExecutor implements TrialExecutor {

    /** The trial JVMs' options, in the sweep folder. */
    static final String JVM_ARGUMENTS = "trial-jvm.args";

    private final ExecutorSettings settings;
    private final Path pluginsDir;

    public LocalExecutor(ExecutorSettings settings, Path pluginsDir) {
        this.settings = settings;
        this.pluginsDir = pluginsDir;
    }

    @Override
    public Map<String, SweepFolder.TrialResult> run(SweepFolder sweep, List<SweepFolder.Trial> trials,
                                                    SweepProgress progress) throws IOException, InterruptedException {
        Map<String, SweepFolder.TrialResult> results = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, settings.parallel()), r -> {
            Thread t = new Thread(r, "trial");
            t.setDaemon(true);
            return t;
        });
        String where = "local";
        Path jvmArguments = TrialProcess.writeJvmArguments(sweep.folder().resolve(JVM_ARGUMENTS));
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (SweepFolder.Trial trial : trials) {
                futures.add(pool.submit(() -> {
                    Path folder = sweep.runFolder(trial);
                    progress.started(trial.folder(), "");
                    SweepFolder.TrialResult r = TrialProcess.run(TrialProcess.likeThisJvm(jvmArguments, pluginsDir, folder),
                            settings.threadEnvironment(), folder, settings.retries(), where, progress::note);
                    results.put(trial.folder(), r);
                    progress.ended(trial.folder(), r);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    throw cause instanceof IOException io ? io : new IOException(cause.toString(), cause);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return results;
    }
}
