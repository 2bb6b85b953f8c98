package io.transferbench.runtime;

import io.transferbench.runtime.internal.cli.TransferbenchCommand;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every descriptor the project ships (examples, experiment descriptors) validates against this build. */
class ExamplesTest {

    @TempDir
    Path empty;

    @TestFactory
    Stream<DynamicTest> shippedDescriptorsAreValid() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<Path> files;
        try (Stream<Path> a = Files.list(root.resolve("distribution/examples"));
             Stream<Path> b = Files.list(root.resolve("docs/experiments"))) {
            files = Stream.concat(a, b).filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertTrue(files.size() >= 5, "examples found: " + files);
        return files.stream().map(file -> DynamicTest.dynamicTest(root.relativize(file).toString(), () -> {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = TransferbenchCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                    .execute("--plugins-dir", empty.resolve("none").toString(), "validate", "--no-data", file.toString());
            assertEquals(0, code, file + ": " + err);
        }));
    }
}
