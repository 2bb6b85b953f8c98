package io.transferbench.runtime.internal.sweep;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Runs a sweep folder's unfinished trials with the chosen executor, then writes its summary. */
public final class SweepRunner {

    private SweepRunner() {
    }

    /**
     * @param home the distribution's folder ({@code transferbench.home}), for the Spark executor; may be null
     * @return how each trial run now ended, by run folder name
     */
    public static Map<String, SweepFolder.TrialResult> run(SweepFolder sweep, ExecutorSettings settings,
                                                           Path pluginsDir, Path home, PrintWriter out)
            throws IOException, InterruptedException {
        List<SweepFolder.Trial> todo = sweep.unfinished();
        TrialExecutor executor = switch (settings.type()) {
            case ExecutorSettings.LOCAL -> new LocalExecutor(settings, pluginsDir);
            case ExecutorSettings.SPARK -> {
                SparkExecutor.sparkLibrary(home); // refuse before anything starts
                yield new SparkExecutor(settings, pluginsDir, home);
            }
            default -> throw new SweepException("unknown executor '" + settings.type() + "': expected local or spark");
        };
        out.println(String.format(Locale.ROOT, "sweep %s: %d trial(s) to run of %d, executor %s%s, %d at once, "
                        + "%d thread(s) per trial, %d retries", sweep.folder(), todo.size(), sweep.trials().size(),
                settings.type(), settings.type().equals(ExecutorSettings.SPARK) ? " (master " + settings.master() + ")" : "",
                settings.parallel(), settings.threadsPerTrial(), settings.retries()));
        out.flush();
        try {
            return executor.run(sweep, todo, new SweepProgress(out, todo.size(), settings.parallel()));
        } finally {
            sweep.writeSummary();
        }
    }
}
