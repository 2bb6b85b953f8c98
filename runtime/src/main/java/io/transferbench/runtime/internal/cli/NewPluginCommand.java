package io.transferbench.runtime.internal.cli;

import io.transferbench.runtime.internal.plugins.ComponentKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code transferbench new-plugin KIND ID [DIR]}: a plugin project that builds with Maven as it is: a pom against
 * this version's API, a module-info, one working component of the kind, its service file and a test. The
 * components are small real ones (an importance metric that ranks by the largest weight, a rule that grows a
 * value while the receiver trails, ...), to be replaced by the researcher's own.
 */
@Command(name = "new-plugin", mixinStandardHelpOptions = true,
        description = "Create a plugin project (Maven, JPMS module, one component of KIND with id ID, a test) in DIR "
                + "(default ./ID-plugin), ready to build with 'mvn package' and drop into plugins/.")
final class NewPluginCommand implements Callable<Integer> {

    @ParentCommand
    TransferbenchCommand root;

    @Parameters(index = "0", paramLabel = "KIND", description = "importance-metric, adjustment-rule, transfer-policy, "
            + "compression-controller, coefficient-search, task-distance, model-selector or lifecycle-listener.")
    String kind;

    @Parameters(index = "1", paramLabel = "ID", description = "The component's id: lowercase words joined by hyphens.")
    String id;

    @Parameters(index = "2", arity = "0..1", paramLabel = "DIR", description = "Where to create the project.")
    Path dir;

    /** What differs between kinds: the API package and types, the component's body, the test's check. */
    private record Template(String apiPackage, String component, String factory, String imports, String body,
                            String check) {
    }

    static String word(ComponentKind kind) {
        return kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @Override
    public Integer call() throws IOException {
        Map<String, ComponentKind> kinds = new LinkedHashMap<>();
        Arrays.stream(ComponentKind.values()).forEach(k -> kinds.put(word(k), k));
        ComponentKind k = kinds.get(kind);
        if (k == null) {
            root.err().println("error: unknown kind '" + kind + "'; one of " + String.join(", ", kinds.keySet()));
            return TransferbenchCommand.BAD_INPUT;
        }
        if (!id.matches("[a-z][a-z0-9]*(-[a-z0-9]+)*")) {
            root.err().println("error: id '" + id + "' must be lowercase words joined by hyphens, e.g. max-weight");
            return TransferbenchCommand.BAD_INPUT;
        }
        Path target = dir != null ? dir : Path.of(id + "-plugin");
        if (Files.exists(target) && (!Files.isDirectory(target) || hasEntries(target))) {
            root.err().println("error: " + target + " exists and is not an empty folder; nothing written");
            return TransferbenchCommand.BAD_INPUT;
        }
        Map<String, String> files = project(k, id, apiVersion());
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path file = target.resolve(f.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, f.getValue(), StandardCharsets.UTF_8);
        }
        root.out().println("created " + target.toAbsolutePath() + " (" + files.size() + " files): a "
                + k.displayName() + " '" + id + "'");
        root.out().println("build it with 'mvn -q package' there, then copy target/" + id + "-plugin-1.0.0.jar into "
                + "the distribution's plugins/ folder; see its README.md");
        return TransferbenchCommand.OK;
    }

    private static boolean hasEntries(Path folder) throws IOException {
        try (var s = Files.list(folder)) {
            return s.findAny().isPresent();
        }
    }

    private static String apiVersion() throws IOException {
        Properties p = new Properties();
        try (InputStream in = NewPluginCommand.class.getResourceAsStream("/io/transferbench/runtime/version.properties")) {
            if (in != null) {
                p.load(in);
            }
        }
        return p.getProperty("version", "0.1.0-SNAPSHOT");
    }

    static String camel(String id) {
        return Arrays.stream(id.split("-")).map(w -> Character.toUpperCase(w.charAt(0)) + w.substring(1))
                .collect(Collectors.joining());
    }

    /** Every file of the project, by its path inside it. */
    static Map<String, String> project(ComponentKind kind, String id, String apiVersion) {
        Template t = template(kind);
        String pkg = "org.example." + id.replace("-", "");
        String cls = camel(id);
        String path = pkg.replace('.', '/');
        Map<String, String> files = new LinkedHashMap<>();
        files.put("pom.xml", pom(id, apiVersion));
        files.put("src/main/java/module-info.java", "/** The " + kind.displayName() + " '" + id + "'. */\nmodule " + pkg
                + " {\n    requires io.transferbench.api;\n\n    provides " + t.apiPackage() + "." + t.factory() + " with "
                + pkg + "." + cls + ";\n}\n");
        files.put("src/main/java/" + path + "/" + cls + ".java", "package " + pkg + ";\n\n"
                + "import io.transferbench.api.ComponentParameters;\nimport io.transferbench.api.ParameterSpec;\n"
                + t.imports() + "\nimport java.util.List;\n\n"
                + "/** {@code " + id + "}: replace this with what your " + kind.displayName() + " does. */\n"
                + "public final class " + cls + " implements " + t.factory() + " {\n\n"
                + "    @Override\n    public String id() {\n        return \"" + id + "\";\n    }\n\n"
                + t.body().replace("$ID", id) + "}\n");
        files.put("src/main/resources/META-INF/services/" + t.apiPackage() + "." + t.factory(), pkg + "." + cls + "\n");
        files.put("src/test/java/" + path + "/" + cls + "Test.java", "package " + pkg + ";\n\n"
                + "import io.transferbench.api.ComponentParameters;\nimport org.junit.jupiter.api.Test;\n\n"
                + "import java.util.HashMap;\nimport java.util.Map;\n\n"
                + "import static org.junit.jupiter.api.Assertions.assertEquals;\n"
                + "import static org.junit.jupiter.api.Assertions.assertNotNull;\n"
                + "import static org.junit.jupiter.api.Assertions.assertTrue;\n\n"
                + "class " + cls + "Test {\n\n"
                + "    /** The component with every parameter at its default, as a descriptor without them gets it. */\n"
                + "    static " + t.apiPackage() + "." + t.component() + " withDefaults() {\n"
                + "        " + cls + " factory = new " + cls + "();\n"
                + "        Map<String, Object> values = new HashMap<>();\n"
                + "        factory.parameters().forEach(p -> p.defaultValue().ifPresent(v -> values.put(p.name(), v)));\n"
                + "        return factory.create(ComponentParameters.of(factory.id(), values, 42));\n    }\n\n"
                + "    @Test\n    void hasItsIdAndDescription() {\n"
                + "        assertEquals(\"" + id + "\", new " + cls + "().id());\n"
                + "        assertTrue(!new " + cls + "().description().isBlank());\n"
                + "        assertNotNull(withDefaults());\n    }\n\n"
                + "    @Test\n    void doesWhatItSays() {\n" + t.check() + "    }\n}\n");
        files.put("README.md", readme(kind, id, cls, apiVersion));
        return files;
    }

    private static String pom(String id, String apiVersion) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <project xmlns="http://maven.apache.org/POM/4.0.0"
                         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>org.example</groupId>
                  <artifactId>$ID-plugin</artifactId>
                  <version>1.0.0</version>

                  <properties>
                    <maven.compiler.release>17</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                  </properties>

                  <dependencies>
                    <!-- provided: Transferbench brings the API; the plugin JAR must not bundle it -->
                    <dependency>
                      <groupId>io.transferbench</groupId>
                      <artifactId>transferbench-api</artifactId>
                      <version>$VERSION</version>
                      <scope>provided</scope>
                    </dependency>
                    <dependency>
                      <groupId>org.junit.jupiter</groupId>
                      <artifactId>junit-jupiter</artifactId>
                      <version>5.14.4</version>
                      <scope>test</scope>
                    </dependency>
                  </dependencies>

                  <build>
                    <plugins>
                      <!-- pinned: older defaults of Debian's Maven refuse release 17 -->
                      <plugin>
                        <groupId>org.apache.maven.plugins</groupId>
                        <artifactId>maven-compiler-plugin</artifactId>
                        <version>3.13.0</version>
                      </plugin>
                      <plugin>
                        <groupId>org.apache.maven.plugins</groupId>
                        <artifactId>maven-surefire-plugin</artifactId>
                        <version>3.5.2</version>
                      </plugin>
                      <plugin>
                        <groupId>org.apache.maven.plugins</groupId>
                        <artifactId>maven-jar-plugin</artifactId>
                        <version>3.4.2</version>
                      </plugin>
                      <plugin>
                        <groupId>org.apache.maven.plugins</groupId>
                        <artifactId>maven-resources-plugin</artifactId>
                        <version>3.3.1</version>
                      </plugin>
                    </plugins>
                  </build>
                </project>
                """.replace("$ID", id).replace("$VERSION", apiVersion);
    }

    private static String readme(ComponentKind kind, String id, String cls, String apiVersion) {
        return "# " + id + "\n\nA Transferbench " + kind.displayName() + ", made by `transferbench new-plugin`.\n\n"
                + "- `src/main/java/.../" + cls + ".java`: the component; replace its body with yours.\n"
                + "- `src/main/java/module-info.java` and `src/main/resources/META-INF/services/`: how Transferbench "
                + "finds it; keep the class names in step.\n"
                + "- `src/test/java/.../" + cls + "Test.java`: plain-Java tests, no training engine needed.\n\n"
                + "Build (JDK 17, Maven 3.8+):\n\n```\nmvn -q package\n```\n\n"
                + "The build needs the API " + apiVersion + " in your local Maven repository: `mvn install` in a "
                + "Transferbench checkout puts it there, or install the distribution's copy:\n\n```\n"
                + "mvn install:install-file -Dfile=TRANSFERBENCH/lib/modules/transferbench-api-" + apiVersion + ".jar \\\n"
                + "    -DgroupId=io.transferbench -DartifactId=transferbench-api -Dversion=" + apiVersion
                + " -Dpackaging=jar\n```\n\n"
                + "Then copy `target/" + id + "-plugin-1.0.0.jar` into the distribution's `plugins/` folder; "
                + "`transferbench plugins` lists it, and a descriptor names it by `id: " + id + "`. The plugin guide "
                + "(docs/plugin-guide.md) says what each kind receives and must return.\n";
    }

    private static Template template(ComponentKind kind) {
        return switch (kind) {
            case IMPORTANCE_METRIC -> new Template("io.transferbench.api.importance", "ImportanceMetric",
                    "ImportanceMetricFactory", """
                    import io.transferbench.api.importance.ImportanceMetric;
                    import io.transferbench.api.importance.ImportanceMetricFactory;
                    import io.transferbench.api.network.FilterBank;
                    """, """
                        @Override
                        public String description() {
                            return "Ranks a filter by its largest absolute weight.";
                        }

                        @Override
                        public ImportanceMetric create(ComponentParameters parameters) {
                            return (network, layer) -> {
                                FilterBank bank = network.filters(layer.name());
                                double[] scores = new double[bank.filterCount()];
                                for (int f = 0; f < scores.length; f++) {
                                    for (float w : bank.kernel(f)) {
                                        scores[f] = Math.max(scores[f], Math.abs(w));
                                    }
                                }
                                return scores;
                            };
                        }
                    """, """
                            // a NetworkView is the runtime's; test the scoring through a small fake of your own
                            assertNotNull(withDefaults());
                    """);
            case ADJUSTMENT_RULE -> new Template("io.transferbench.api.schedule", "AdjustmentRule",
                    "AdjustmentRuleFactory", """
                    import io.transferbench.api.schedule.AdjustmentRule;
                    import io.transferbench.api.schedule.AdjustmentRuleFactory;
                    """, """
                        @Override
                        public String description() {
                            return "Grows the value by a factor while the receiver's error rate trails the sender's.";
                        }

                        @Override
                        public List<ParameterSpec> parameters() {
                            return List.of(ParameterSpec.number("factor", "Relative growth per transfer.")
                                    .withDefault(0.1).withMinimum(0).withMaximum(10));
                        }

                        @Override
                        public AdjustmentRule create(ComponentParameters parameters) {
                            double factor = parameters.number("factor");
                            return context -> context.errorRateDiff() > 0 ? context.value() * (1 + factor) : context.value();
                        }
                    """, """
                            var trailing = new io.transferbench.api.schedule.AdjustmentContext(
                                    io.transferbench.api.schedule.ScheduleParameter.values()[0], 10, 2.5, 2, 5, 10);
                            assertEquals(11, withDefaults().adjust(trailing), 1e-12);
                    """);
            case TRANSFER_POLICY -> new Template("io.transferbench.api.transfer", "TransferPolicy",
                    "TransferPolicyFactory", """
                    import io.transferbench.api.transfer.FilterPair;
                    import io.transferbench.api.transfer.TransferPolicy;
                    import io.transferbench.api.transfer.TransferPolicyFactory;

                    import java.util.ArrayList;
                    import java.util.Comparator;
                    import java.util.stream.IntStream;
                    """, """
                        @Override
                        public String description() {
                            return "The sender's best filters replace the receiver's worst, best to worst.";
                        }

                        @Override
                        public TransferPolicy create(ComponentParameters parameters) {
                            return request -> {
                                double[] s = request.senderScores();
                                double[] r = request.receiverScores();
                                List<Integer> best = IntStream.range(0, s.length).boxed()
                                        .sorted(Comparator.comparingDouble((Integer i) -> -s[i])).toList();
                                List<Integer> worst = IntStream.range(0, r.length).boxed()
                                        .sorted(Comparator.comparingDouble((Integer i) -> r[i])).toList();
                                List<FilterPair> pairs = new ArrayList<>();
                                for (int k = 0; k < request.count(); k++) {
                                    pairs.add(new FilterPair(best.get(k), worst.get(k)));
                                }
                                return pairs;
                            };
                        }
                    """, """
                            // a TransferRequest needs a conv layer's description: build one in your own tests
                            assertNotNull(withDefaults());
                    """);
            case COMPRESSION_CONTROLLER -> new Template("io.transferbench.api.compression", "CompressionController",
                    "CompressionControllerFactory", """
                    import io.transferbench.api.compression.CompressionController;
                    import io.transferbench.api.compression.CompressionControllerFactory;
                    import io.transferbench.api.compression.CompressionDecision;

                    import java.util.LinkedHashMap;
                    import java.util.Map;
                    import java.util.stream.IntStream;
                    """, """
                        @Override
                        public String description() {
                            return "Removes the least important fraction of every conv layer's filters in one step.";
                        }

                        @Override
                        public List<ParameterSpec> parameters() {
                            return List.of(ParameterSpec.number("fraction", "Share of each layer's filters removed.")
                                    .withDefault(0.25).withMinimum(0).withMaximum(0.9));
                        }

                        @Override
                        public CompressionController create(ComponentParameters parameters) {
                            double fraction = parameters.number("fraction");
                            return state -> {
                                Map<String, List<Integer>> remove = new LinkedHashMap<>();
                                state.importance().forEach((layer, scores) -> remove.put(layer, IntStream.range(0, scores.length)
                                        .boxed().sorted((a, b) -> Double.compare(scores[a], scores[b]))
                                        .limit((long) Math.floor(fraction * scores.length)).sorted().toList()));
                                return CompressionDecision.removeAndFinish(remove, Map.of());
                            };
                        }
                    """, """
                            // a CompressionState needs the runtime's network view: build a fake in your own tests
                            assertNotNull(withDefaults());
                    """);
            case COEFFICIENT_SEARCH -> new Template("io.transferbench.api.patching", "CoefficientSearch",
                    "CoefficientSearchFactory", """
                    import io.transferbench.api.patching.CoefficientChoice;
                    import io.transferbench.api.patching.CoefficientSearch;
                    import io.transferbench.api.patching.CoefficientSearchFactory;
                    """, """
                        @Override
                        public String description() {
                            return "Measures a = 0, 0.5 and 1 and keeps the best.";
                        }

                        @Override
                        public CoefficientSearch create(ComponentParameters parameters) {
                            return objective -> {
                                double best = 0;
                                for (double a : new double[] {0.5, 1}) {
                                    if (objective.at(a) < objective.at(best)) {
                                        best = a;
                                    }
                                }
                                return new CoefficientChoice(best, "best of 3 points");
                            };
                        }
                    """, """
                            assertEquals(0.5, withDefaults().search(a -> (a - 0.6) * (a - 0.6)).coefficient());
                    """);
            case TASK_DISTANCE -> new Template("io.transferbench.api.selection", "TaskDistance",
                    "TaskDistanceFactory", """
                    import io.transferbench.api.selection.TaskDistance;
                    import io.transferbench.api.selection.TaskDistanceFactory;
                    """, """
                        @Override
                        public String description() {
                            return "Euclidean distance of the two embeddings, each divided by its sum.";
                        }

                        @Override
                        public TaskDistance create(ComponentParameters parameters) {
                            return (from, to) -> {
                                if (from.length != to.length) {
                                    throw new IllegalArgumentException("embeddings of different probes");
                                }
                                double a = 0;
                                double b = 0;
                                for (int i = 0; i < from.length; i++) {
                                    a += from[i];
                                    b += to[i];
                                }
                                double sum = 0;
                                for (int i = 0; i < from.length; i++) {
                                    double d = from[i] / a - to[i] / b;
                                    sum += d * d;
                                }
                                return Math.sqrt(sum);
                            };
                        }
                    """, """
                            assertEquals(0, withDefaults().between(new double[] {1, 2}, new double[] {2, 4}), 1e-12);
                            assertEquals(Math.sqrt(2), withDefaults().between(new double[] {1, 0}, new double[] {0, 1}), 1e-12);
                    """);
            case MODEL_SELECTOR -> new Template("io.transferbench.api.selection", "ModelSelector",
                    "ModelSelectorFactory", """
                    import io.transferbench.api.selection.ModelSelector;
                    import io.transferbench.api.selection.ModelSelectorFactory;
                    import io.transferbench.api.selection.Selection;
                    """, """
                        @Override
                        public String description() {
                            return "The expert whose source task's embedding is nearest the target's.";
                        }

                        @Override
                        public ModelSelector create(ComponentParameters parameters) {
                            return problem -> {
                                double[] target = problem.targetEmbedding();
                                double[] scores = new double[problem.experts().size()];
                                for (int i = 0; i < scores.length; i++) {
                                    scores[i] = -problem.distance(problem.sourceEmbedding(i), target);
                                }
                                return new Selection(scores, "minus the task distance");
                            };
                        }
                    """, """
                            // a SelectionProblem is an interface: implement a small one in your own tests
                            assertNotNull(withDefaults());
                    """);
            case LIFECYCLE_LISTENER -> new Template("io.transferbench.api.event", "LifecycleListener",
                    "LifecycleListenerFactory", """
                    import io.transferbench.api.event.EpochEndedEvent;
                    import io.transferbench.api.event.LifecycleListener;
                    import io.transferbench.api.event.LifecycleListenerFactory;
                    import io.transferbench.api.event.RunFinishedEvent;

                    import java.util.Map;
                    import java.util.TreeMap;
                    """, """
                        @Override
                        public String description() {
                            return "Prints each network's best evaluation accuracy when the run finishes.";
                        }

                        @Override
                        public LifecycleListener create(ComponentParameters parameters) {
                            Map<String, Double> best = new TreeMap<>();
                            return event -> {
                                if (event instanceof EpochEndedEvent e) {
                                    best.merge(e.network(), e.accuracy(), Math::max);
                                } else if (event instanceof RunFinishedEvent) {
                                    best.forEach((network, accuracy) -> System.out.printf("%s best accuracy %.4f%n",
                                            network, accuracy));
                                }
                            };
                        }
                    """, """
                            assertNotNull(withDefaults());
                    """);
        };
    }
}
