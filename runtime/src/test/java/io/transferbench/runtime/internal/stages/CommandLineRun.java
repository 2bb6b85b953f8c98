package io.transferbench.runtime.internal.stages;

import io.transferbench.runtime.internal.cli.TransferbenchCommand;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Runs a descriptor through the command line, as a user would, and finds its run folder. */
final class CommandLineRun {

    private CommandLineRun() {
    }

    /** {@code transferbench run descriptor}, which must succeed; the single run folder under {@code output}. */
    static Path run(Path descriptor, Path output) throws IOException {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = TransferbenchCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute("run", descriptor.toString());
        assertEquals(0, code, err.toString());
        try (Stream<Path> s = Files.list(output)) {
            return s.findFirst().orElseThrow();
        }
    }
}
