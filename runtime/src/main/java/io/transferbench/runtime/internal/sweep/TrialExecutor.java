package io.transferbench.runtime.internal.sweep;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/** Runs prepared trials of a sweep somewhere; each trial's numbers come from its own run folder alone. */
public interface TrialExecutor {

    /**
     * Runs {@code trials} to their end (finished, failed, or out of retries).
     *
     * @return how each ended, by run folder name
     */
    Map<String, SweepFolder.TrialResult> run(SweepFolder sweep, List<SweepFolder.Trial> trials, SweepProgress progress)
            throws IOException, InterruptedException;
}
