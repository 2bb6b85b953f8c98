package io.transferbench.runtime.internal.cli;

import io.transferbench.api.compression.CompressionDecision;
import io.transferbench.api.event.CompressionStepCompletedEvent;
import io.transferbench.api.event.EpochEndedEvent;
import io.transferbench.api.event.EpochStartedEvent;
import io.transferbench.api.event.LifecycleEvent;
import io.transferbench.api.event.LifecycleListener;
import io.transferbench.api.event.StageFinishedEvent;
import io.transferbench.api.event.StageStartedEvent;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Shows a run's progress: per stage, epochs done of the expected total, the network and epoch just
 * finished with its accuracy, and an ETA from the mean epoch time so far. On a terminal a progress
 * bar (me.tongfei:progressbar); otherwise (CI, a file) one plain line per epoch. Never throws: a
 * display problem must not fail a run.
 */
final class Progress implements LifecycleListener {

    private final PrintWriter out;
    private final boolean terminal;
    private final boolean verbose;

    private String stage;
    private long stageStart;
    private int epochsDone;
    private int epochsPerNetwork;
    private final Set<String> networks = new LinkedHashSet<>();
    private ProgressBar bar;

    Progress(PrintWriter out, boolean terminal, boolean verbose) {
        this.out = out;
        this.terminal = terminal;
        this.verbose = verbose;
    }

    @Override
    public void onEvent(LifecycleEvent event) {
        try {
            handle(event);
        } catch (RuntimeException e) {
            // the display is not worth a failed run
        }
    }

    private void handle(LifecycleEvent event) {
        if (event instanceof StageStartedEvent s) {
            closeBar();
            stage = s.stage();
            stageStart = System.nanoTime();
            epochsDone = 0;
            epochsPerNetwork = 0;
            networks.clear();
            if (!terminal) {
                out.println("stage " + stage + " (" + s.stageType() + ") started");
            }
        } else if (event instanceof EpochStartedEvent e) {
            epochsPerNetwork = Math.max(epochsPerNetwork, e.totalEpochs());
            if (!e.network().contains("/")) {
                networks.add(e.network());
            }
        } else if (event instanceof EpochEndedEvent e) {
            epochsDone++;
            long expected = Math.max(epochsDone, (long) epochsPerNetwork * Math.max(1, networks.size()));
            double perEpoch = (System.nanoTime() - stageStart) / 1e9 / epochsDone;
            String eta = duration(perEpoch * (expected - epochsDone));
            String what = String.format(Locale.ROOT, "%s epoch %d/%d acc %.4f", e.network(), e.epoch(), e.totalEpochs(),
                    e.accuracy());
            if (terminal) {
                if (bar == null) {
                    bar = new ProgressBarBuilder().setTaskName(stage).setInitialMax(expected)
                            .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).continuousUpdate().build();
                }
                bar.maxHint(expected);
                bar.stepTo(epochsDone);
                bar.setExtraMessage(what);
            } else {
                out.printf(Locale.ROOT, "  %s | %s | loss %.4f | %d/%d epochs | ETA %s%n", stage, what, e.evalLoss(),
                        epochsDone, expected, eta);
            }
        } else if (event instanceof CompressionStepCompletedEvent c) {
            if (!terminal && (verbose || c.action() == CompressionDecision.Action.REMOVE)) {
                out.printf(Locale.ROOT, "  %s | %s %d filters | compression %.2f %% | FLOPs -%.2f %% | accuracy %.4f%s%n",
                        stage, c.action().name().toLowerCase(Locale.ROOT), c.filters(), 100 * c.compressionRate(),
                        100 * c.flopsReduction(), c.accuracy(), c.diagnostics().isEmpty() ? "" : " | " + c.diagnostics());
            } else if (terminal && bar == null) {
                out.printf(Locale.ROOT, "\r  %s | step %d %s | compression %.1f %% | accuracy %.4f   ", stage, c.step(),
                        c.action().name().toLowerCase(Locale.ROOT), 100 * c.compressionRate(), c.accuracy());
                out.flush();
            }
        } else if (event instanceof io.transferbench.api.event.TaskEmbeddedEvent t) {
            line(String.format(Locale.ROOT, "  %s | embedded %s | norm %.4g | head accuracy %.4f", stage, t.task(),
                    t.norm(), t.headAccuracy()));
        } else if (event instanceof io.transferbench.api.event.ExpertFinetunedEvent t && verbose) {
            line(String.format(Locale.ROOT, "  %s | %s fine-tuned on %s | accuracy %.4f", stage, t.expert(), t.target(),
                    t.accuracy()));
        } else if (event instanceof io.transferbench.api.event.SelectionMeasuredEvent m) {
            line(String.format(Locale.ROOT, "  %s | %s | %s chose %s | accuracy %.4f%s", stage, m.target(),
                    m.selectorId(), m.chosen(), m.chosenAccuracy(), Double.isNaN(m.oracleAccuracy()) ? ""
                            : String.format(Locale.ROOT, " (oracle %.4f)", m.oracleAccuracy())));
        } else if (event instanceof StageFinishedEvent f) {
            closeBar();
            if (terminal) {
                out.println();
            }
            out.printf(Locale.ROOT, "stage %s finished in %s%n", f.stage(), duration(f.seconds()));
        }
        out.flush();
    }

    /** A line outside the progress bar (above it on a terminal). */
    private void line(String text) {
        if (terminal && bar != null) {
            return; // a stage that trains epoch by epoch shows its bar; these stages have none
        }
        out.println(text);
    }

    private void closeBar() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        Duration d = Duration.ofSeconds(s);
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%dh%02dm", d.toHours(), d.toMinutesPart());
        }
        if (s >= 60) {
            return String.format(Locale.ROOT, "%dm%02ds", d.toMinutes(), d.toSecondsPart());
        }
        return s + "s";
    }
}
