package io.transferbench.runtime.internal.cli;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Stage;
import io.transferbench.runtime.internal.plugins.ComponentRegistry;
import io.transferbench.runtime.internal.plugins.PluginLoader;
import io.transferbench.runtime.internal.stages.BuiltInStageTypes;
import io.transferbench.runtime.internal.wiring.RuntimeModule;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/** The {@code transferbench} command and what its subcommands share: plugin loading and wiring. */
@Command(name = "transferbench", mixinStandardHelpOptions = true, versionProvider = TransferbenchCommand.Version.class,
        description = "A workbench for transfer-learning and CNN-compression research on Deeplearning4j.",
        subcommands = {RunCommand.class, ResumeCommand.class, RunsCommand.class, ReportCommand.class, CompareCommand.class, ValidateCommand.class, PluginsCommand.class, NewPluginCommand.class, UiCommand.class, BenchmarkCommand.class,
                CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:failure while running", "2:bad input (descriptor, data, plugin, usage)"})
public final class TransferbenchCommand implements Runnable {

    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int BAD_INPUT = 2;

    @Option(names = "--plugins-dir", paramLabel = "DIR",
            description = "Folder of plugin JARs (default: the distribution's plugins/, or ./plugins).")
    Path pluginsDir;

    // INHERIT: accepted after the subcommand too (transferbench run -q FILE)
    @Option(names = {"-q", "--quiet"}, scope = CommandLine.ScopeType.INHERIT, description = "Print only results and errors.")
    boolean quiet;

    @Option(names = {"-v", "--verbose"}, scope = CommandLine.ScopeType.INHERIT,
            description = "Log more, and show stack traces of failures.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private ComponentRegistry registry;
    private Injector injector;

    public static int execute(String... args) {
        return commandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true)).execute(args);
    }

    /** The command line with its streams, for tests. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new TransferbenchCommand());
        cli.setOut(out);
        cli.setErr(err);
        CommandLine.IParameterExceptionHandler standard = cli.getParameterExceptionHandler();
        cli.setParameterExceptionHandler((e, args) -> {
            // a mistyped subcommand: name the nearest one instead of picocli's full usage
            if (e instanceof CommandLine.UnmatchedArgumentException u && u.getCommandLine() == cli
                    && !u.getUnmatched().isEmpty() && !u.getUnmatched().get(0).startsWith("-")) {
                String given = u.getUnmatched().get(0);
                String hint = io.transferbench.runtime.internal.descriptor.Suggestions.didYouMean(given,
                        cli.getSubcommands().keySet());
                cli.getErr().println("transferbench: unknown command '" + given + "'" + hint
                        + " ('transferbench --help' lists the commands)");
                return BAD_INPUT;
            }
            return standard.handleParseException(e, args);
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            TransferbenchCommand root = commandLine.getCommandSpec().root().commandLine().getCommand();
            commandLine.getErr().println("transferbench: " + e.getMessage());
            if (root.verbose) {
                e.printStackTrace(commandLine.getErr());
            }
            return FAILED;
        });
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The distribution's folder, when started by its launcher. */
    Path home() {
        String home = System.getProperty("transferbench.home");
        return home == null ? null : Path.of(home);
    }

    Path pluginsDir() {
        if (pluginsDir != null) {
            return pluginsDir;
        }
        String home = System.getProperty("transferbench.home");
        return home != null ? Path.of(home, "plugins") : Path.of("plugins");
    }

    /** Loads plugins once, reporting problems as warnings on stderr. */
    ComponentRegistry registry() {
        if (registry == null) {
            if (verbose) {
                // the console layout prints stack traces only with this property; reread the configuration
                System.setProperty("transferbench.traces", "full");
                ((org.apache.logging.log4j.core.LoggerContext) org.apache.logging.log4j.LogManager.getContext(false))
                        .reconfigure();
                Configurator.setRootLevel(Level.DEBUG);
            }
            registry = new PluginLoader().load(Optional.of(pluginsDir()), true);
            if (!quiet) {
                registry.problems().forEach(p -> spec.commandLine().getErr().println("warning: plugin " + p));
            }
        }
        return registry;
    }

    Injector injector() {
        if (injector == null) {
            injector = Guice.createInjector(Stage.PRODUCTION, new RuntimeModule(registry(), BuiltInStageTypes.all()));
        }
        return injector;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = TransferbenchCommand.class.getResourceAsStream("/io/transferbench/runtime/version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"transferbench " + p.getProperty("version", "unknown"),
                    "Deeplearning4j and ND4J " + p.getProperty("dl4j", "unknown") + ", backend nd4j-native (CPU, OpenBLAS "
                            + p.getProperty("openblas", "unknown") + ", oneDNN layer helpers)",
                    "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
        }
    }
}
