package io.transferbench.runtime;

import io.transferbench.api.ComponentFactory;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * Builds a real plugin JAR in a folder: compiles Java sources against the API with javac, adds
 * {@code META-INF/services} entries and any extra files, and writes the JAR. As a researcher would,
 * outside the Maven build.
 */
public final class PluginJar {

    private final Map<String, String> sources = new LinkedHashMap<>();
    private final Map<String, List<String>> services = new LinkedHashMap<>();
    private final Map<String, byte[]> extraEntries = new LinkedHashMap<>();
    private String moduleInfo;
    private String version;
    private final List<Path> compileAgainst = new ArrayList<>();

    /** Another JAR the sources compile against (which need not be there when the plugin loads). */
    public PluginJar compileAgainst(Path jar) {
        compileAgainst.add(jar);
        return this;
    }

    /** A source file; {@code className} is fully qualified. */
    public PluginJar source(String className, String code) {
        sources.put(className, code);
        return this;
    }

    public PluginJar moduleInfo(String code) {
        this.moduleInfo = code;
        return this;
    }

    public PluginJar service(Class<?> service, String... providers) {
        services.computeIfAbsent(service.getName(), k -> new ArrayList<>()).addAll(List.of(providers));
        return this;
    }

    public PluginJar entry(String name, byte[] content) {
        extraEntries.put(name, content);
        return this;
    }

    public PluginJar version(String v) {
        this.version = v;
        return this;
    }

    public Path writeTo(Path jar) throws IOException {
        Path work = Files.createTempDirectory("plugin-jar-");
        Path src = Files.createDirectories(work.resolve("src"));
        Path classes = Files.createDirectories(work.resolve("classes"));
        List<String> files = new ArrayList<>();
        for (Map.Entry<String, String> e : sources.entrySet()) {
            Path f = src.resolve(e.getKey().replace('.', '/') + ".java");
            Files.createDirectories(f.getParent());
            Files.writeString(f, e.getValue());
            files.add(f.toString());
        }
        if (moduleInfo != null) {
            Path f = src.resolve("module-info.java");
            Files.writeString(f, moduleInfo);
            files.add(f.toString());
        }
        if (!files.isEmpty()) {
            List<Path> path = new ArrayList<>(List.of(apiLocation()));
            path.addAll(compileAgainst);
            List<String> args = new ArrayList<>(List.of("--release", "17", "-d", classes.toString(),
                    moduleInfo != null ? "--module-path" : "-classpath",
                    String.join(java.io.File.pathSeparator, path.stream().map(Path::toString).toList())));
            args.addAll(files);
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            ByteArrayOutputStream errors = new ByteArrayOutputStream();
            int rc = javac.run(null, errors, errors, args.toArray(String[]::new));
            if (rc != 0) {
                throw new IllegalStateException("javac failed:\n" + errors.toString(StandardCharsets.UTF_8));
            }
        }
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (version != null) {
            manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, version);
        }
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jos = new JarOutputStream(out, manifest);
             Stream<Path> walk = Files.walk(classes)) {
            for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile).sorted()::iterator) {
                jos.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
                jos.write(Files.readAllBytes(p));
                jos.closeEntry();
            }
            for (Map.Entry<String, List<String>> e : services.entrySet()) {
                jos.putNextEntry(new JarEntry("META-INF/services/" + e.getKey()));
                jos.write((String.join("\n", e.getValue()) + "\n").getBytes(StandardCharsets.UTF_8));
                jos.closeEntry();
            }
            for (Map.Entry<String, byte[]> e : extraEntries.entrySet()) {
                jos.putNextEntry(new JarEntry(e.getKey()));
                jos.write(e.getValue());
                jos.closeEntry();
            }
        }
        return jar;
    }

    /** The API's JAR or classes folder, wherever the test runs. */
    public static Path apiLocation() {
        try {
            return Path.of(ComponentFactory.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Source of an adjustment rule factory with the given id that keeps e and P unchanged plus {@code delta}. */
    public static String ruleSource(String packageName, String className, String id, String constructorBody) {
        return "package " + packageName + ";\n"
                + "import io.transferbench.api.ComponentParameters;\n"
                + "import io.transferbench.api.schedule.*;\n"
                + "public final class " + className + " implements AdjustmentRuleFactory {\n"
                + "  public " + className + "() { " + constructorBody + " }\n"
                + "  public String id() { return \"" + id + "\"; }\n"
                + "  public String description() { return \"A test rule.\"; }\n"
                + "  public AdjustmentRule create(ComponentParameters p) { return c -> c.value() + 1; }\n"
                + "}\n";
    }
}
