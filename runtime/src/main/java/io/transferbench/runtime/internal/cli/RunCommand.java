package io.transferbench.runtime.internal.cli;

import io.transferbench.runtime.internal.descriptor.DescriptorException;
import io.transferbench.runtime.internal.descriptor.DescriptorValidator;
import io.transferbench.runtime.internal.descriptor.PipelineDescriptor;
import io.transferbench.runtime.internal.pipeline.MetricsRecorder;
import io.transferbench.runtime.internal.pipeline.PipelineRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import io.transferbench.runtime.internal.data.DatasetLoader;
import io.transferbench.runtime.internal.data.TaskData;
import io.transferbench.runtime.internal.pipeline.RunOutcome;
import io.transferbench.runtime.internal.pipeline.TaskLoader;

import io.transferbench.runtime.internal.sweep.ExecutorSettings;
import io.transferbench.runtime.internal.sweep.SparkExecutor;
import io.transferbench.runtime.internal.sweep.SweepException;
import io.transferbench.runtime.internal.sweep.SweepFolder;
import io.transferbench.runtime.internal.sweep.SweepRunner;
import io.transferbench.runtime.internal.sweep.TrialProcess;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code transferbench run DESCRIPTOR}: validate, then run the pipeline. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Validate a descriptor, then run its pipeline into a new run folder.")
final class RunCommand implements Callable<Integer> {

    @ParentCommand
    TransferbenchCommand root;

    @Parameters(index = "0", paramLabel = "DESCRIPTOR", description = "The pipeline descriptor (YAML).")
    Path descriptor;

    @Parameters(index = "1..*", paramLabel = "KEY=VALUE", description = "Overrides of the descriptor's values, keys "
            + "as in the error messages, values as YAML: stages[1].frequency.rule=rule-5 seed=7 tasks.a.classes=[0,1]")
    java.util.List<String> overrides = new java.util.ArrayList<>();

    @picocli.CommandLine.Option(names = "--multirun", description = "Overrides with several comma-separated values "
            + "(stages[1].frequency.rule=none,rule-1) sweep: one configuration per combination, as a 'sweep' grid does.")
    boolean multirun;

    @picocli.CommandLine.Mixin
    ExecutorOptions executorOptions = new ExecutorOptions();

    @Override
    public Integer call() {
        PipelineDescriptor d;
        try {
            d = root.injector().getInstance(DescriptorValidator.class).validate(descriptor,
                    io.transferbench.runtime.internal.descriptor.Overrides.parse(overrides), multirun);
        } catch (DescriptorException e) {
            return ValidateCommand.report(root, e);
        }
        ValidateCommand.warn(root, d);
        PipelineRunner runner = root.injector().getInstance(PipelineRunner.class);
        if (!root.quiet) {
            runner.addObserver(new Progress(root.out(), System.console() != null, root.verbose));
        }
        // every configuration's data before anything runs: a sweep may change the tasks
        Map<Object, Map<String, TaskData>> loaded = new java.util.HashMap<>();
        Map<PipelineDescriptor, Map<String, TaskData>> tasks = new java.util.LinkedHashMap<>();
        try {
            for (PipelineDescriptor c : d.configurations()) {
                Map<String, Object> definition = new java.util.LinkedHashMap<>();
                c.tasks().forEach((name, task) -> definition.put(name, task.resolvedValues()));
                Map<String, TaskData> t = loaded.get(definition);
                if (t == null) {
                    t = new TaskLoader(new DatasetLoader()).loadAll(c);
                    loaded.put(definition, t);
                }
                tasks.put(c, t);
            }
        } catch (TaskLoader.TaskDataException e) {
            root.err().println("error: " + e.getMessage());
            return TransferbenchCommand.BAD_INPUT;
        }
        int trials = d.configurations().stream().mapToInt(PipelineDescriptor::trials).sum();
        if (trials > 1 || executorOptions.executor != null) {
            return sweep(d, runner);
        }
        try {
            int failed = 0;
            for (Map.Entry<PipelineDescriptor, Map<String, TaskData>> c : tasks.entrySet()) {
                if (!c.getKey().configuration().isEmpty()) {
                    root.out().println("configuration " + c.getKey().configurationIndex() + " of " + tasks.size() + ": "
                            + c.getKey().configuration());
                }
                for (RunOutcome outcome : runner.run(c.getKey(), c.getValue())) {
                    report(root, outcome);
                    failed += outcome.succeeded() ? 0 : 1;
                }
            }
            return failed == 0 ? TransferbenchCommand.OK : TransferbenchCommand.FAILED;
        } catch (IOException e) {
            root.err().println("error: cannot write the run folder: " + e.getMessage());
            return TransferbenchCommand.FAILED;
        }
    }

    /** Several trials: a sweep folder with every trial prepared, then run by the executor. */
    private int sweep(PipelineDescriptor d, PipelineRunner runner) {
        if (executorOptions.problem() != null) {
            root.err().println("error: " + executorOptions.problem());
            return TransferbenchCommand.BAD_INPUT;
        }
        ExecutorSettings settings = ExecutorSettings.of(d, executorOptions.executor, executorOptions.parallel,
                executorOptions.master);
        SweepFolder sweep;
        try {
            if (settings.type().equals(ExecutorSettings.SPARK)) {
                SparkExecutor.sparkLibrary(root.home()); // refuse before any folder is made
            }
            sweep = SweepFolder.create(d, runner, settings);
        } catch (IOException e) {
            root.err().println("error: " + e.getMessage());
            return e instanceof SweepException ? TransferbenchCommand.BAD_INPUT : TransferbenchCommand.FAILED;
        }
        return runSweep(root, sweep, settings);
    }

    /** Runs a sweep's unfinished trials, then prints each trial's result and writes the comparison. */
    static int runSweep(TransferbenchCommand root, SweepFolder sweep, ExecutorSettings settings) {
        Map<String, SweepFolder.TrialResult> results;
        try {
            results = SweepRunner.run(sweep, settings, root.pluginsDir(), root.home(), root.out());
        } catch (SweepException e) {
            root.err().println("error: " + e.getMessage());
            return TransferbenchCommand.BAD_INPUT;
        } catch (IOException e) {
            root.err().println("error: the sweep in " + sweep.folder() + " stopped: " + e.getMessage());
            return TransferbenchCommand.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            root.err().println("interrupted: resume with 'transferbench resume " + sweep.folder() + "'");
            return TransferbenchCommand.FAILED;
        }
        int unfinished = 0;
        List<Path> finished = new java.util.ArrayList<>();
        try {
            for (SweepFolder.Trial t : sweep.trials()) {
                SweepFolder.TrialResult r = sweep.result(t);
                if (!r.status().equals("finished")) {
                    unfinished++;
                    Path log = sweep.runFolder(t).resolve(TrialProcess.LOG);
                    root.out().println(r.status().toUpperCase(java.util.Locale.ROOT) + ": " + sweep.runFolder(t)
                            + (java.nio.file.Files.exists(log) ? " (see " + log + ")" : ""));
                    TrialProcess.lastError(sweep.runFolder(t)).ifPresent(line -> root.out().println("  " + line));
                } else {
                    finished.add(sweep.runFolder(t));
                    if (results.containsKey(t.folder())) {
                        root.out().println("finished: " + sweep.runFolder(t));
                        printSummary(root, sweep.runFolder(t));
                    }
                }
            }
            if (!finished.isEmpty()) {
                CompareCommand.writeComparison(root, finished, sweep.folder(), false);
            }
        } catch (IOException e) {
            root.err().println("error: cannot summarise the sweep in " + sweep.folder() + ": " + e.getMessage());
            return TransferbenchCommand.FAILED;
        }
        root.out().println("sweep: " + sweep.folder() + " (" + SweepFolder.SUMMARY + ", comparison.html)"
                + (unfinished == 0 ? "" : "; " + unfinished + " trial(s) did not finish: 'transferbench resume "
                + sweep.folder() + "' runs them again"));
        return unfinished == 0 ? TransferbenchCommand.OK : TransferbenchCommand.FAILED;
    }

    /** The run folder, each network's final result from its summary.json, and the failure if any. */
    static void report(TransferbenchCommand root, RunOutcome outcome) throws IOException {
        root.out().println((outcome.succeeded() ? "finished: " : "FAILED: ") + outcome.runFolder());
        printSummary(root, outcome.runFolder());
        Path report = outcome.runFolder().resolve("report.html");
        if (java.nio.file.Files.isRegularFile(report)) {
            root.out().println("  report: " + report);
        }
        outcome.failure().ifPresent(f -> root.err().println("error: " + f));
    }

    private static void printSummary(TransferbenchCommand root, Path folder) throws IOException {
        for (MetricsRecorder.NetworkResult r : MetricsRecorder.summary(folder)) {
            root.out().printf(java.util.Locale.ROOT, "  %-16s accuracy %.4f  error rate %.2f %%  loss %.4f  (%s)%n",
                    r.network(), r.accuracy(), r.errorRate(), r.loss(), r.stage());
        }
    }
}
