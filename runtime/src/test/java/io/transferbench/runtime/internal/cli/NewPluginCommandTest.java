package io.transferbench.runtime.internal.cli;

import io.transferbench.api.ComponentFactory;
import io.transferbench.runtime.PluginJar;
import io.transferbench.runtime.internal.plugins.ComponentKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code new-plugin}: for every kind the project it writes compiles as a JPMS module against the API, its factory
 * has the id asked for, and its own tests compile and pass.
 */
class NewPluginCommandTest {

    @TempDir
    Path dir;

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = TransferbenchCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private static Path location(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static void javac(List<String> args) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int rc = javac.run(null, errors, errors, args.toArray(String[]::new));
        assertEquals(0, rc, errors.toString(StandardCharsets.UTF_8));
    }

    private static List<String> java(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.toString().endsWith(".java")).map(Path::toString).sorted().toList();
        }
    }

    @Test
    void everyKindBuildsAndPassesItsOwnTests() throws Exception {
        for (ComponentKind kind : ComponentKind.values()) {
            String word = NewPluginCommand.word(kind);
            Path project = dir.resolve(word);
            Result r = run("new-plugin", word, "my-" + word, project.toString());
            assertEquals(0, r.code(), r.err());
            assertTrue(Files.isRegularFile(project.resolve("pom.xml")) && Files.isRegularFile(project.resolve("README.md")));
            String pkg = "org.example.my" + word.replace("-", "");
            String cls = "My" + NewPluginCommand.camel(word);

            Path classes = Files.createDirectories(dir.resolve(word + "-classes"));
            List<String> main = new ArrayList<>(List.of("--release", "17", "-Werror", "-Xlint:-options", "-d",
                    classes.toString(), "--module-path", PluginJar.apiLocation().toString()));
            main.addAll(java(project.resolve("src/main/java")));
            javac(main); // as a module: module-info, provides and requires agree
            String service = Files.readString(project.resolve("src/main/resources/META-INF/services/"
                    + kind.service().getName()));
            assertEquals(pkg + "." + cls, service.strip());

            Path testClasses = Files.createDirectories(dir.resolve(word + "-test-classes"));
            String path = String.join(File.pathSeparator, classes.toString(), PluginJar.apiLocation().toString(),
                    location(Test.class).toString(), location(org.junit.jupiter.api.Assertions.class).toString(),
                    location(org.opentest4j.AssertionFailedError.class).toString(),
                    location(org.apiguardian.api.API.class).toString());
            List<String> tests = new ArrayList<>(List.of("--release", "17", "-d", testClasses.toString(), "-classpath",
                    path));
            tests.addAll(java(project.resolve("src/test/java")));
            javac(tests);

            try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL(),
                    testClasses.toUri().toURL()}, getClass().getClassLoader())) {
                Object factory = loader.loadClass(pkg + "." + cls).getConstructor().newInstance();
                assertTrue(kind.service().isInstance(factory), kind + ": " + factory.getClass());
                assertEquals("my-" + word, ((ComponentFactory<?>) factory).id());
                Class<?> test = loader.loadClass(pkg + "." + cls + "Test");
                var constructor = test.getDeclaredConstructor();
                constructor.setAccessible(true);
                Object instance = constructor.newInstance();
                for (Method m : test.getDeclaredMethods()) {
                    if (m.isAnnotationPresent(Test.class)) {
                        m.setAccessible(true);
                        m.invoke(instance); // an assertion failure propagates and fails this test
                    }
                }
            }
        }
    }

    @Test
    void badInputIsRefusedAndNothingIsOverwritten() throws Exception {
        Result unknown = run("new-plugin", "importance", "x", dir.resolve("a").toString());
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("importance-metric") && unknown.err().contains("model-selector"), unknown.err());
        Result badId = run("new-plugin", "task-distance", "My_Distance", dir.resolve("b").toString());
        assertEquals(2, badId.code());
        assertTrue(badId.err().contains("lowercase words joined by hyphens"), badId.err());
        Path taken = Files.createDirectories(dir.resolve("taken"));
        Files.writeString(taken.resolve("notes.txt"), "mine");
        Result exists = run("new-plugin", "task-distance", "d", taken.toString());
        assertEquals(2, exists.code());
        assertEquals("mine", Files.readString(taken.resolve("notes.txt")));
        try (Stream<Path> s = Files.list(taken)) {
            assertEquals(1, s.count(), "nothing written beside it");
        }
        assertTrue(!Files.exists(dir.resolve("a")) && !Files.exists(dir.resolve("b")));
    }
}
