package io.transferbench.runtime.internal.cli;

import io.transferbench.runtime.internal.pipeline.StageTypes;
import io.transferbench.runtime.internal.report.LocalUi;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code transferbench ui [DIR]}: the runs folder as a local web page until interrupted. */
@Command(name = "ui", mixinStandardHelpOptions = true,
        description = "Serve a folder of runs as a web page on 127.0.0.1 (loopback only): the runs table and each "
                + "run's report, refreshing while runs go on. Stop it with Ctrl-C.")
final class UiCommand implements Callable<Integer> {

    @ParentCommand
    TransferbenchCommand root;

    @Parameters(paramLabel = "DIR", arity = "0..1", description = "A folder of run folders (default: runs).")
    Path folder = Path.of("runs");

    @Option(names = "--port", description = "The port (default 8765; 0 picks a free one).")
    int port = 8765;

    @Override
    public Integer call() throws InterruptedException {
        if (!Files.isDirectory(folder)) {
            root.err().println("error: " + folder + ": no such folder; give a folder of run folders (default: runs)");
            return TransferbenchCommand.BAD_INPUT;
        }
        LocalUi ui;
        try {
            ui = new LocalUi(folder, root.injector().getInstance(StageTypes.class).reportSections(), port);
        } catch (IOException e) {
            root.err().println("error: cannot listen on 127.0.0.1:" + port + " (" + e.getMessage() + "); try --port 0");
            return TransferbenchCommand.BAD_INPUT;
        }
        root.out().println("serving " + folder.toAbsolutePath() + " at " + ui.address() + " (loopback only; Ctrl-C "
                + "stops)");
        root.out().flush();
        new CountDownLatch(1).await(); // until the process is interrupted
        return TransferbenchCommand.OK;
    }
}
