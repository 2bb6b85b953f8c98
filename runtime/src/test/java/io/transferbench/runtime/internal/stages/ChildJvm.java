package io.transferbench.runtime.internal.stages;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The transferbench command in a JVM of its own, everything on the class path, so it can be killed for real. */
final class ChildJvm {

    private ChildJvm() {
    }

    /**
     * Starts {@code Main} with {@code arguments}, output and errors into {@code log}.
     *
     * @param jvmOptions extra options before the main class (system properties)
     */
    static Process start(Path log, List<String> jvmOptions, String... arguments) throws IOException {
        List<String> path = new ArrayList<>();
        for (String property : List.of("jdk.module.path", "java.class.path")) {
            String value = System.getProperty(property);
            if (value != null && !value.isBlank()) {
                path.add(value);
            }
        }
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                String.join(File.pathSeparator, path), "-Dorg.eclipse.deeplearning4j.helpers.disable=false",
                "-Dguice_bytecode_gen_option=DISABLED"));
        command.addAll(jvmOptions);
        command.add("io.transferbench.runtime.Main");
        command.addAll(List.of(arguments));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        return pb.start();
    }
}
