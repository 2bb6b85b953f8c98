package io.transferbench.runtime.internal.cli;

import io.transferbench.runtime.internal.data.DatasetLoader;
import io.transferbench.runtime.internal.data.TaskData;
import io.transferbench.runtime.internal.descriptor.DescriptorException;
import io.transferbench.runtime.internal.descriptor.DescriptorValidator;
import io.transferbench.runtime.internal.descriptor.PipelineDescriptor;
import io.transferbench.api.event.RunResumedEvent;
import io.transferbench.runtime.internal.pipeline.PipelineRunner;
import io.transferbench.runtime.internal.pipeline.RunFolderException;
import io.transferbench.runtime.internal.pipeline.RunOutcome;
import io.transferbench.runtime.internal.pipeline.TaskLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code transferbench resume RUN_DIR}: continues an interrupted run from its last checkpoint. */
@Command(name = "resume", mixinStandardHelpOptions = true, description = "Continue an interrupted run in its folder from "
        + "its last checkpoint; or a sweep (its folder): every trial that did not finish, each from its own checkpoint.")
final class ResumeCommand implements Callable<Integer> {

    @ParentCommand
    TransferbenchCommand root;

    @Parameters(paramLabel = "RUN_DIR", description = "The run folder (runs/<timestamp>-<name>), or a sweep folder.")
    Path runFolder;

    @picocli.CommandLine.Mixin
    ExecutorOptions executorOptions = new ExecutorOptions();

    private int resumeSweep() {
        if (executorOptions.problem() != null) {
            root.err().println("error: " + executorOptions.problem());
            return TransferbenchCommand.BAD_INPUT;
        }
        io.transferbench.runtime.internal.sweep.SweepFolder sweep;
        try {
            sweep = io.transferbench.runtime.internal.sweep.SweepFolder.read(runFolder);
        } catch (IOException e) {
            root.err().println("error: cannot resume the sweep " + runFolder + ": " + e.getMessage());
            return TransferbenchCommand.BAD_INPUT;
        }
        return RunCommand.runSweep(root, sweep, sweep.executor().with(executorOptions.executor, executorOptions.parallel,
                executorOptions.master));
    }

    @Override
    public Integer call() {
        if (io.transferbench.runtime.internal.sweep.SweepFolder.isSweepFolder(runFolder)) {
            return resumeSweep();
        }
        Path descriptorFile = runFolder.resolve(PipelineRunner.DESCRIPTOR);
        if (!Files.isRegularFile(descriptorFile)) {
            root.err().println("error: " + runFolder + " is not a run folder: expected " + descriptorFile
                    + " (a run writes it first, as it starts)");
            return TransferbenchCommand.BAD_INPUT;
        }
        try {
            PipelineRunner.checkResumable(runFolder);
        } catch (IOException e) {
            root.err().println("error: cannot resume " + runFolder + ": " + e.getMessage());
            return TransferbenchCommand.BAD_INPUT;
        }
        PipelineDescriptor d;
        try {
            d = root.injector().getInstance(DescriptorValidator.class).validate(descriptorFile);
        } catch (DescriptorException e) {
            return ValidateCommand.report(root, e);
        }
        try {
            // a sweep's trial runs as its combination, labelled by the swept values (compare groups by them)
            java.util.Optional<io.transferbench.runtime.internal.sweep.SweepFolder.Trial> trial =
                    io.transferbench.runtime.internal.sweep.SweepFolder.trialOf(runFolder);
            if (trial.isPresent() && trial.get().configuration() > 0) {
                d = d.asConfiguration(trial.get().values(), trial.get().configuration());
            }
        } catch (IOException e) {
            root.err().println("error: cannot resume " + runFolder + ": " + e.getMessage());
            return TransferbenchCommand.BAD_INPUT;
        }
        PipelineRunner runner = root.injector().getInstance(PipelineRunner.class);
        if (!root.quiet) {
            runner.addObserver(new Progress(root.out(), System.console() != null, root.verbose));
        }
        runner.addObserver(event -> {
            if (event instanceof RunResumedEvent r) {
                root.out().println(r.stage().isEmpty() ? "resuming " + runFolder + ": every stage had completed"
                        : "resuming " + runFolder + " at stage '" + r.stage() + "' (stage " + (r.index() + 1) + ")"
                        + (r.epoch() == 0 ? ", from its start" : ", after epoch " + r.epoch() + ", networks "
                        + String.join(", ", r.networks()) + " restored from the checkpoint"));
            }
        });
        Map<String, TaskData> tasks;
        try {
            tasks = new TaskLoader(new DatasetLoader()).loadAll(d);
        } catch (TaskLoader.TaskDataException e) {
            root.err().println("error: " + e.getMessage());
            return TransferbenchCommand.BAD_INPUT;
        }
        try {
            RunOutcome outcome = runner.resume(d, runFolder, tasks);
            if (outcome.finishedBefore()) {
                root.out().println("already finished: " + runFolder + " (nothing to resume)");
            }
            RunCommand.report(root, outcome);
            return outcome.succeeded() ? TransferbenchCommand.OK : TransferbenchCommand.FAILED;
        } catch (RunFolderException e) {
            root.err().println("error: cannot resume " + runFolder + ": " + e.getMessage());
            return TransferbenchCommand.BAD_INPUT;
        } catch (IOException e) {
            root.err().println("error: cannot resume " + runFolder + ": " + e.getMessage());
            return TransferbenchCommand.FAILED;
        }
    }
}
