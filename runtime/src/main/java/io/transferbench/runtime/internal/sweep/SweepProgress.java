package io.transferbench.runtime.internal.sweep;

import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A sweep's progress, one line per change: the trial that started or ended, then trials done, running,
 * failed and pending, and an ETA from the mean time of the trials finished so far. Thread-safe: the
 * executors report from their own threads.
 */
public final class SweepProgress {

    private final PrintWriter out;
    private final int total;
    private final int parallel;
    private final Map<String, Long> running = new HashMap<>();
    private int done;
    private int failed;
    private double finishedSeconds;
    private int finishedCount;

    /**
     * @param total    trials this invocation runs
     * @param parallel trials at once, for the ETA
     */
    public SweepProgress(PrintWriter out, int total, int parallel) {
        this.out = out;
        this.total = total;
        this.parallel = Math.max(1, parallel);
    }

    public synchronized void started(String trial, String where) {
        running.put(trial, System.nanoTime());
        line("started " + trial + (where.isEmpty() ? "" : " on " + where));
    }

    public synchronized void ended(String trial, SweepFolder.TrialResult result) {
        running.remove(trial);
        if (result.status().equals("finished")) {
            done++;
            finishedSeconds += result.seconds();
            finishedCount++;
        } else {
            failed++;
        }
        line(result.status() + " " + trial + String.format(Locale.ROOT, " after %s", duration(result.seconds()))
                + (result.attempts() > 1 ? " (" + result.attempts() + " attempts)" : ""));
    }

    /** Any other message about a trial (a retry), printed as it comes. */
    public synchronized void note(String message) {
        out.println("  " + message);
        out.flush();
    }

    private void line(String what) {
        int pending = total - done - failed - running.size();
        out.println(String.format(Locale.ROOT, "[sweep] %-40s %d/%d done, %d running, %d failed, %d pending%s", what,
                done, total, running.size(), failed, pending, eta(pending)));
        out.flush();
    }

    /** Remaining work at the mean trial time, shared among the parallel slots; unknown before a trial finished. */
    private String eta(int pending) {
        if (finishedCount == 0 || pending + running.size() == 0) {
            return "";
        }
        double mean = finishedSeconds / finishedCount;
        double work = mean * pending;
        long now = System.nanoTime();
        for (long started : running.values()) {
            work += Math.max(0, mean - (now - started) / 1e9);
        }
        return ", ETA " + duration(work / Math.min(parallel, pending + running.size()));
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
