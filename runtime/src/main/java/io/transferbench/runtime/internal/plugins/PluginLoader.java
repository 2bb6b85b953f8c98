package io.transferbench.runtime.internal.plugins;

import io.transferbench.api.ComponentFactory;
import io.transferbench.api.ParameterSpec;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.module.ResolutionException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.function.Supplier;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;

/**
 * Finds component factories: those visible to the host (module path or class path) and those in a
 * {@code plugins/} folder, one {@link ModuleLayer} per JAR or per subfolder.
 *
 * <p>A plugin that cannot be loaded is reported as a {@link PluginProblem} and skipped; the others
 * load. JARs that cannot be modules (an invalid automatic module name, a split package, a provider
 * class the module lacks) fall back to a class loader of their own.
 */
public final class PluginLoader {

    static final String DISABLED_FILE = "disabled.txt";
    private static final Logger LOG = LogManager.getLogger(PluginLoader.class);
    private static final Pattern ID = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");
    /** Packages a plugin must not bundle: they would shadow the host's single copy. */
    private static final Map<String, String> FORBIDDEN = Map.of(
            "io/transferbench/api/", "the Transferbench API (declare transferbench-api in provided scope)",
            "org/deeplearning4j/", "Deeplearning4j (the host provides the engine; plugins see the API only)",
            "org/nd4j/", "ND4J (the host provides the engine; plugins see the API only)");

    private final ModuleLayer parentLayer;
    private final ClassLoader parentLoader;

    /** A loader whose plugin layers sit on the layer that holds the API (the boot layer in the distribution). */
    public PluginLoader() {
        this(ComponentFactory.class.getModule().getLayer(), PluginLoader.class.getClassLoader());
    }

    PluginLoader(ModuleLayer parentLayer, ClassLoader parentLoader) {
        this.parentLayer = parentLayer;
        this.parentLoader = parentLoader;
    }

    /**
     * @param pluginsDir    the plugins folder; may be absent
     * @param includeHost   whether to include providers visible to the host itself (module path, class path)
     */
    public ComponentRegistry load(Optional<Path> pluginsDir, boolean includeHost) {
        List<DiscoveredComponent> found = new ArrayList<>();
        List<PluginProblem> problems = new ArrayList<>();
        if (includeHost) {
            loadHostProviders(found, problems);
        }
        pluginsDir.ifPresent(dir -> loadFolder(dir, found, problems));
        return new ComponentRegistry(rejectDuplicates(found, problems), problems);
    }

    private void loadHostProviders(List<DiscoveredComponent> found, List<PluginProblem> problems) {
        for (ComponentKind kind : ComponentKind.values()) {
            Iterator<? extends ComponentFactory<?>> it = ServiceLoader.load(kind.service(), parentLoader).iterator();
            while (true) {
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    ComponentFactory<?> factory = it.next();
                    PluginSource source = hostSource(factory.getClass());
                    accept(kind, factory, source, found, problems);
                } catch (ServiceConfigurationError e) {
                    problems.add(new PluginProblem(Path.of("<host>"), describe(kind, e)));
                }
            }
        }
    }

    private void loadFolder(Path dir, List<DiscoveredComponent> found, List<PluginProblem> problems) {
        if (!Files.isDirectory(dir)) {
            LOG.debug("No plugins folder at {}", dir);
            return;
        }
        Set<String> disabled = readDisabled(dir);
        List<Path> entries;
        try (Stream<Path> s = Files.list(dir)) {
            entries = s.filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> Files.isDirectory(p) || p.getFileName().toString().endsWith(".jar"))
                    .sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list plugins folder " + dir, e);
        }
        for (Path entry : entries) {
            if (disabled.contains(entry.getFileName().toString())) {
                LOG.info("Plugin {} is listed in {} and was not loaded", entry, dir.resolve(DISABLED_FILE));
                continue;
            }
            loadEntry(entry, found, problems);
        }
    }

    private static Set<String> readDisabled(Path dir) {
        Path file = dir.resolve(DISABLED_FILE);
        if (!Files.isRegularFile(file)) {
            return Set.of();
        }
        try (Stream<String> lines = Files.lines(file)) {
            return lines.map(l -> l.replaceFirst("#.*", "").strip()).filter(l -> !l.isEmpty())
                    .collect(Collectors.toSet());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** One plugin: a JAR, or a folder of JARs (the plugin and its own dependencies) sharing one layer. */
    private void loadEntry(Path entry, List<DiscoveredComponent> found, List<PluginProblem> problems) {
        List<Path> jars;
        if (Files.isDirectory(entry)) {
            try (Stream<Path> s = Files.list(entry)) {
                jars = s.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().collect(Collectors.toList());
            } catch (IOException e) {
                problems.add(new PluginProblem(entry, "cannot list the folder: " + e.getMessage()));
                return;
            }
            if (jars.isEmpty()) {
                problems.add(new PluginProblem(entry, "the plugin folder holds no JAR"));
                return;
            }
        } else {
            jars = List.of(entry);
        }
        for (Path jar : jars) {
            Optional<String> bundled = bundledForbiddenPackage(jar, problems);
            if (bundled.isPresent()) {
                problems.add(new PluginProblem(jar, "rejected: it bundles " + bundled.get()
                        + "; rebuild it without them"));
                return;
            }
        }
        int before = found.size();
        int problemsBefore = problems.size();
        try {
            loadAsLayer(entry, jars, found, problems);
        } catch (FindException | ResolutionException | java.lang.LayerInstantiationException e) {
            Optional<String> explicit = explicitModule(jars);
            if (explicit.isPresent() && !(e instanceof java.lang.LayerInstantiationException && parentLayer == null)) {
                // a JAR that declares itself a module means it: loading it without its requirements would fail later
                problems.add(new PluginProblem(entry, "rejected: module " + explicit.get() + " cannot be resolved: "
                        + e.getMessage() + "; add the missing module to this plugin's folder, or rebuild the plugin"));
                return;
            }
            LOG.info("{} cannot be loaded as modules ({}); loading it with a class loader instead", entry, e.getMessage());
            loadWithClassLoader(entry, jars, found, problems);
        }
        if (found.size() == before && problems.size() == problemsBefore) {
            problems.add(new PluginProblem(entry, "contributes no component: it provides none of the component services "
                    + "(in module-info 'provides' or META-INF/services)"));
        }
    }

    /** The name of the first JAR that declares an explicit module (has a module-info), if any. */
    private static Optional<String> explicitModule(List<Path> jars) {
        for (Path jar : jars) {
            try {
                Optional<String> name = ModuleFinder.of(jar).findAll().stream().map(ModuleReference::descriptor)
                        .filter(d -> !d.isAutomatic()).map(java.lang.module.ModuleDescriptor::name).findFirst();
                if (name.isPresent()) {
                    return name;
                }
            } catch (FindException e) {
                // not readable as a module at all: the class loader may still take it
            }
        }
        return Optional.empty();
    }

    private static Optional<String> bundledForbiddenPackage(Path jar, List<PluginProblem> problems) {
        try (JarFile file = new JarFile(jar.toFile())) {
            Enumeration<? extends ZipEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                String name = entries.nextElement().getName();
                String versioned = name.startsWith("META-INF/versions/")
                        ? name.replaceFirst("META-INF/versions/\\d+/", "") : name;
                for (Map.Entry<String, String> forbidden : FORBIDDEN.entrySet()) {
                    if (versioned.startsWith(forbidden.getKey()) && versioned.endsWith(".class")) {
                        return Optional.of(forbidden.getValue() + " (" + name + ")");
                    }
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("nothing readable: it is not a valid JAR (" + e.getMessage() + ")");
        }
    }

    private void loadAsLayer(Path entry, List<Path> jars, List<DiscoveredComponent> found, List<PluginProblem> problems) {
        if (parentLayer == null) {
            // The API is on the class path (no module system in use): layers cannot see it.
            throw new java.lang.LayerInstantiationException("the API is not in a named module");
        }
        ModuleFinder finder = ModuleFinder.of(jars.toArray(Path[]::new));
        Set<String> roots = finder.findAll().stream().map(r -> r.descriptor().name()).collect(Collectors.toSet());
        Configuration configuration = parentLayer.configuration().resolveAndBind(finder, ModuleFinder.of(), roots);
        ModuleLayer layer = ModuleLayer.defineModulesWithOneLoader(configuration, List.of(parentLayer), parentLoader).layer();
        for (ComponentKind kind : ComponentKind.values()) {
            List<ServiceLoader.Provider<? extends ComponentFactory<?>>> providers = new ArrayList<>();
            Iterator<? extends ServiceLoader.Provider<? extends ComponentFactory<?>>> it =
                    ServiceLoader.load(layer, kind.service()).stream().iterator();
            while (true) {
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    ServiceLoader.Provider<? extends ComponentFactory<?>> p = it.next();
                    // Only this layer's providers: the parent layers' are found once, by their own loader.
                    if (p.type().getModule().getLayer() == layer) {
                        providers.add(p);
                    }
                } catch (ServiceConfigurationError e) {
                    // An automatic module's META-INF/services may name a class the JAR lacks.
                    problems.add(new PluginProblem(entry, describe(kind, e)));
                }
            }
            for (ServiceLoader.Provider<? extends ComponentFactory<?>> p : providers) {
                Module module = p.type().getModule();
                ModuleReference ref = configuration.findModule(module.getName()).orElseThrow().reference();
                Path location = ref.location().map(Path::of).orElse(entry);
                PluginSource source = new PluginSource(location, Optional.of(module.getName()),
                        ref.descriptor().rawVersion().or(() -> manifestVersion(location)), "plugin layer",
                        jars.stream().filter(j -> !j.toAbsolutePath().equals(location.toAbsolutePath())).toList());
                Optional<ComponentFactory<?>> factory = instantiate(kind, p.type().getName(), location,
                        module.getClassLoader(), p::get, problems);
                factory.ifPresent(f -> accept(kind, f, source, found, problems));
            }
        }
    }

    private void loadWithClassLoader(Path entry, List<Path> jars, List<DiscoveredComponent> found,
                                     List<PluginProblem> problems) {
        URL[] urls = jars.stream().map(PluginLoader::toUrl).toArray(URL[]::new);
        // Never closed: the factories' classes live as long as the process.
        URLClassLoader loader = new URLClassLoader("plugin:" + entry.getFileName(), urls, parentLoader);
        for (ComponentKind kind : ComponentKind.values()) {
            Iterator<? extends ComponentFactory<?>> it = ServiceLoader.load(kind.service(), loader).iterator();
            while (true) {
                ComponentFactory<?> factory;
                ClassLoader previous = Thread.currentThread().getContextClassLoader();
                Thread.currentThread().setContextClassLoader(loader);
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    factory = it.next();
                } catch (ServiceConfigurationError e) {
                    problems.add(new PluginProblem(entry, describe(kind, e)));
                    continue;
                } finally {
                    Thread.currentThread().setContextClassLoader(previous);
                }
                if (factory.getClass().getClassLoader() != loader) {
                    continue; // the host's or another plugin's provider, seen through the parent
                }
                Path location = locationOf(factory.getClass()).orElse(entry);
                accept(kind, factory, new PluginSource(location, Optional.empty(), manifestVersion(location),
                        "class loader", jars.stream().filter(j -> !j.toAbsolutePath().equals(location.toAbsolutePath()))
                        .toList()), found, problems);
            }
        }
    }

    private static Optional<ComponentFactory<?>> instantiate(ComponentKind kind, String className, Path location,
                                                             ClassLoader loader,
                                                             Supplier<? extends ComponentFactory<?>> create,
                                                             List<PluginProblem> problems) {
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(loader);
        try {
            return Optional.of(create.get());
        } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            problems.add(new PluginProblem(location, "the " + kind.displayName() + " provider " + className
                    + " could not be created: " + cause));
            return Optional.empty();
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    private static void accept(ComponentKind kind, ComponentFactory<?> factory, PluginSource source,
                               List<DiscoveredComponent> found, List<PluginProblem> problems) {
        String id;
        try {
            id = factory.id();
        } catch (RuntimeException | LinkageError e) {
            problems.add(new PluginProblem(source.location(), factory.getClass().getName() + ".id() failed: " + e));
            return;
        }
        if (id == null || !ID.matcher(id).matches()) {
            problems.add(new PluginProblem(source.location(), "the " + kind.displayName() + " "
                    + factory.getClass().getName() + " has id '" + id
                    + "'; ids are lowercase words joined by hyphens, e.g. 'rule-6'"));
            return;
        }
        // what every command asks of a factory: fail here, named, rather than half way through a listing
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(factory.getClass().getClassLoader());
        try {
            factory.description();
            factory.parameters().forEach(ParameterSpec::toString);
        } catch (RuntimeException | LinkageError e) {
            problems.add(new PluginProblem(source.location(), "the " + kind.displayName() + " '" + id + "' ("
                    + factory.getClass().getName() + ") is skipped: its description() or parameters() failed: " + e));
            return;
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
        found.add(new DiscoveredComponent(kind, factory, source));
    }

    /** Drops every component whose kind and id occur more than once, naming all the JARs. */
    private static List<DiscoveredComponent> rejectDuplicates(List<DiscoveredComponent> found, List<PluginProblem> problems) {
        Map<String, List<DiscoveredComponent>> byKey = new LinkedHashMap<>();
        for (DiscoveredComponent c : found) {
            byKey.computeIfAbsent(c.kind().name() + ":" + c.id(), k -> new ArrayList<>()).add(c);
        }
        List<DiscoveredComponent> unique = new ArrayList<>();
        Set<String> reported = new HashSet<>();
        byKey.forEach((key, list) -> {
            if (list.size() == 1) {
                unique.add(list.get(0));
            } else if (reported.add(key)) {
                DiscoveredComponent first = list.get(0);
                String where = list.stream().map(c -> c.source().location().toString()).collect(Collectors.joining(" and "));
                problems.add(new PluginProblem(first.source().location(), "duplicate " + first.kind().displayName()
                        + " id '" + first.id() + "' in " + where
                        + "; neither was loaded: remove one or list its file in plugins/" + DISABLED_FILE, Set.of(key)));
            }
        });
        return unique;
    }

    private static String describe(ComponentKind kind, ServiceConfigurationError e) {
        String message = e.getMessage();
        Throwable cause = e.getCause();
        if (cause instanceof ClassNotFoundException || (message != null && message.contains("not found"))) {
            return "a listed " + kind.displayName() + " provider class is missing: " + message;
        }
        return "a " + kind.displayName() + " provider could not be loaded: " + message
                + (cause != null ? " (" + cause + ")" : "");
    }

    private static PluginSource hostSource(Class<?> type) {
        Module module = type.getModule();
        Path location = locationOf(type).orElse(Path.of("<unknown>"));
        Optional<String> version = module.isNamed() && module.getDescriptor() != null
                ? module.getDescriptor().rawVersion().or(() -> manifestVersion(location)) : manifestVersion(location);
        return new PluginSource(location, module.isNamed() ? Optional.of(module.getName()) : Optional.empty(), version,
                module.isNamed() ? "module path" : "class path");
    }

    private static Optional<Path> locationOf(Class<?> type) {
        try {
            CodeSource cs = type.getProtectionDomain().getCodeSource();
            return cs == null || cs.getLocation() == null ? Optional.empty() : Optional.of(Path.of(cs.getLocation().toURI()));
        } catch (java.net.URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> manifestVersion(Path jar) {
        if (!Files.isRegularFile(jar)) {
            return Optional.empty();
        }
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.getManifest() == null ? Optional.empty()
                    : Optional.ofNullable(file.getManifest().getMainAttributes().getValue("Implementation-Version"));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static URL toUrl(Path p) {
        try {
            return p.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(p.toString(), e);
        }
    }
}
