package io.transferbench.runtime.internal.cli;

import io.transferbench.runtime.internal.compare.RunRecord;
import io.transferbench.runtime.internal.pipeline.StageTypes;
import io.transferbench.runtime.internal.report.RunReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code transferbench report RUN_DIR...}: (re)writes each run folder's report.html. */
@Command(name = "report", mixinStandardHelpOptions = true, description = "Write report.html in run folders (a finished run has one already; this "
        + "rebuilds it, or makes one for a run still going or interrupted).")
final class ReportCommand implements Callable<Integer> {

    @ParentCommand
    TransferbenchCommand root;

    @Parameters(paramLabel = "RUN_DIR", arity = "1..*", description = "Run folders (runs/<timestamp>-<name>).")
    List<Path> folders;

    @Override
    public Integer call() {
        for (Path folder : folders) {
            if (!RunRecord.isRunFolder(folder)) {
                root.err().println("error: " + folder + " is not a run folder: expected " + folder.resolve("events.jsonl"));
                return TransferbenchCommand.BAD_INPUT;
            }
        }
        for (Path folder : folders) {
            try {
                root.out().println("wrote " + RunReport.write(folder,
                        root.injector().getInstance(StageTypes.class).reportSections()));
            } catch (IOException | RuntimeException e) {
                root.err().println("error: cannot write the report of " + folder + ": " + e.getMessage());
                return e instanceof IOException && e.getMessage() != null && e.getMessage().contains("events.jsonl:")
                        ? TransferbenchCommand.BAD_INPUT : TransferbenchCommand.FAILED;
            }
        }
        return TransferbenchCommand.OK;
    }
}
