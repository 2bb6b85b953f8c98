package io.transferbench.runtime.internal.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.transferbench.runtime.internal.compare.RunListing;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code transferbench runs [DIR]}: one line per run folder, with its status, pipeline, trial and results. */
@Command(name = "runs", mixinStandardHelpOptions = true,
        description = "List the run folders under DIR (default: runs), sweeps' nested folders too: status "
                + "(finished, failed, unfinished: resumable), pipeline, trial, each network's last accuracy, duration.")
final class RunsCommand implements Callable<Integer> {

    @ParentCommand
    TransferbenchCommand root;

    @Parameters(paramLabel = "DIR", arity = "0..1", description = "A folder of run folders, or one run folder.")
    Path folder = Path.of("runs");

    @Option(names = "--json", description = "One JSON object per run, in a list.")
    boolean json;

    @Override
    public Integer call() {
        if (!Files.isDirectory(folder)) {
            root.err().println("error: " + folder + ": no such folder; give a folder of run folders (default: runs)");
            return TransferbenchCommand.BAD_INPUT;
        }
        List<RunListing.Run> runs;
        try {
            runs = RunListing.under(folder);
        } catch (IOException e) {
            root.err().println("error: cannot list " + folder + ": " + e.getMessage());
            return TransferbenchCommand.BAD_INPUT;
        }
        if (json) {
            List<Map<String, Object>> list = new ArrayList<>();
            for (RunListing.Run r : runs) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("folder", r.folder().toString());
                m.put("status", r.status().name().toLowerCase(Locale.ROOT));
                m.put("why", r.why());
                m.put("pipeline", r.pipeline());
                m.put("configuration", r.configuration());
                m.put("trial", r.trial());
                m.put("accuracy", r.accuracy());
                m.put("seconds", r.seconds());
                m.put("resumable", r.resumable());
                list.add(m);
            }
            try {
                root.out().println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(list));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return TransferbenchCommand.OK;
        }
        if (runs.isEmpty()) {
            root.out().println("no run folders under " + folder);
            return TransferbenchCommand.OK;
        }
        for (RunListing.Run r : runs) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-10s %s", r.status().name()
                    .toLowerCase(Locale.ROOT), r.folder()));
            if (r.status() != RunListing.Status.DAMAGED) {
                line.append("  ").append(r.pipeline()).append(r.configuration().isEmpty() ? "" : " [" + r.configuration() + "]")
                        .append(" trial ").append(r.trial());
                r.accuracy().forEach((network, a) -> line.append(String.format(Locale.ROOT, "  %s %.4f", network, a)));
                line.append(String.format(Locale.ROOT, "  %.0f s", r.seconds()));
            }
            if (!r.why().isEmpty()) {
                line.append("  (").append(r.why()).append(")");
            }
            if (r.resumable()) {
                line.append("  resumable: transferbench resume ").append(r.folder());
            }
            root.out().println(line);
        }
        return TransferbenchCommand.OK;
    }
}
