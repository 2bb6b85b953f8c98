package io.transferbench.runtime.internal.pipeline;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * Says, when the process ends while a run is still going, why the run stops there and how to continue
 * it. Java 17 cannot stop a plugin from calling {@code System.exit} (the security manager that could is
 * deprecated for removal); what the runtime can do is not end silently: a shutdown hook prints which
 * stage was running and the {@code resume} command, and the run folder keeps its last checkpoint. The
 * same notice covers a SIGTERM or Ctrl-C.
 */
final class UnfinishedRunNotice implements AutoCloseable {

    private static final Logger LOG = LogManager.getLogger(UnfinishedRunNotice.class);

    private final Path folder;
    private final PrintStream err;
    private final Thread hook;
    private volatile String stage = "";
    private volatile boolean done;

    UnfinishedRunNotice(Path folder, PrintStream err) {
        this.folder = folder;
        this.err = err;
        this.hook = new Thread(this::notice, "transferbench-unfinished-run");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** The stage now running. */
    void stage(String name) {
        stage = name;
    }

    /** What the hook prints when the process ends before {@link #close}. */
    String message() {
        return "transferbench: the process is ending while " + (stage.isEmpty() ? "the run" : "stage '" + stage + "'")
                + " of " + folder + " is running (a plugin called System.exit, or the process was stopped); the run "
                + "folder keeps its last checkpoint: transferbench resume " + folder;
    }

    void notice() {
        if (!done) {
            err.println(message());
            LOG.error("{}", message());
        }
    }

    @Override
    public void close() {
        done = true;
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the process is already ending; the hook sees done and stays silent
        }
    }
}
