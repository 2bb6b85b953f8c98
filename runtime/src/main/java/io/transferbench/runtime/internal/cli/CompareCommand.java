package io.transferbench.runtime.internal.cli;

import io.transferbench.runtime.internal.compare.Comparison;
import io.transferbench.runtime.internal.compare.RunRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/** {@code transferbench compare RUN_DIR...}: configurations over trials, from the run folders' files alone. */
@Command(name = "compare", mixinStandardHelpOptions = true, description = "Compare run folders: per configuration (pipeline and stage) the mean and "
        + "standard deviation over trials of each network's final error rate, transfers and stage time. "
        + "Prints Markdown and writes comparison.md, comparison.html (with overlaid curves) and comparison.csv (and comparison-compression.csv when a stage "
        + "compressed a network).")
final class CompareCommand implements Callable<Integer> {

    @ParentCommand
    TransferbenchCommand root;

    @Parameters(paramLabel = "PATH", arity = "1..*",
            description = "Run folders, or folders holding run folders (searched two levels deep).")
    List<Path> paths;

    @Option(names = "--output", paramLabel = "DIR",
            description = "Where comparison.md and comparison.csv go; default: the first PATH when it is a folder of "
                    + "runs, else the folder holding the first run.")
    Path output;

    @Override
    public Integer call() {
        List<Path> folders = new ArrayList<>();
        for (Path p : paths) {
            if (!Files.isDirectory(p)) {
                root.err().println("error: " + p + ": no such folder; give run folders or folders holding them");
                return TransferbenchCommand.BAD_INPUT;
            }
            if (RunRecord.isRunFolder(p)) {
                folders.add(p);
            } else {
                try (Stream<Path> walk = Files.walk(p, 2)) {
                    walk.filter(Files::isDirectory).filter(RunRecord::isRunFolder).sorted().forEach(folders::add);
                } catch (IOException e) {
                    root.err().println("error: cannot list " + p + ": " + e.getMessage());
                    return TransferbenchCommand.BAD_INPUT;
                }
            }
        }
        if (folders.isEmpty()) {
            root.err().println("error: no run folders (folders with events.jsonl) under " + paths);
            return TransferbenchCommand.BAD_INPUT;
        }
        List<RunRecord> runs = new ArrayList<>();
        for (Path f : folders) {
            try {
                runs.add(RunRecord.read(f));
            } catch (IOException e) {
                root.err().println("error: " + e.getMessage());
                return TransferbenchCommand.BAD_INPUT;
            }
        }
        Path target = output != null ? output
                : RunRecord.isRunFolder(paths.get(0)) ? paths.get(0).toAbsolutePath().getParent() : paths.get(0);
        return write(root, runs, target, true);
    }

    /** Compares run folders into {@code target}; {@code print} shows the Markdown table too. */
    static int writeComparison(TransferbenchCommand root, List<Path> folders, Path target, boolean print)
            throws IOException {
        List<RunRecord> runs = new ArrayList<>();
        for (Path f : folders) {
            runs.add(RunRecord.read(f));
        }
        return write(root, runs, target, print);
    }

    private static int write(TransferbenchCommand root, List<RunRecord> runs, Path target, boolean print) {
        Comparison comparison = Comparison.of(runs);
        if (print) {
            root.out().print(comparison.markdown());
        }
        try {
            Files.createDirectories(target);
            write(target.resolve("comparison.md"), "# Comparison of " + runs.size() + " run(s)\n\n" + comparison.markdown());
            write(target.resolve("comparison.csv"), comparison.csv());
            write(target.resolve("comparison.html"), io.transferbench.runtime.internal.report.ComparisonPage.html(comparison,
                    runs.size()));
            if (!comparison.patching().isEmpty()) {
                write(target.resolve("comparison-patch.csv"), comparison.patching().csv());
                write(target.resolve("comparison-patch-diagnostics.csv"), comparison.patching().diagnosticsCsv());
            }
            if (!comparison.selection().isEmpty()) {
                write(target.resolve("comparison-selection.csv"), comparison.selection().csv());
            }
            if (!comparison.compressionRows().isEmpty()) {
                write(target.resolve("comparison-compression.csv"), comparison.compressionCsv());
            }
        } catch (IOException e) {
            root.err().println("error: cannot write the comparison to " + target + ": " + e.getMessage());
            return TransferbenchCommand.FAILED;
        }
        if (!print) {
            return TransferbenchCommand.OK;
        }
        root.out().println();
        root.out().println("wrote " + target.resolve("comparison.md") + ", comparison.html, comparison.csv"
                + (comparison.compressionRows().isEmpty() ? "" : " and comparison-compression.csv")
                + (comparison.patching().isEmpty() ? "" : " and comparison-patch*.csv")
                + (comparison.selection().isEmpty() ? "" : " and comparison-selection.csv") + " (" + runs.size()
                + " runs)");
        return TransferbenchCommand.OK;
    }

    private static void write(Path file, String text) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temp, text, StandardCharsets.UTF_8);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
