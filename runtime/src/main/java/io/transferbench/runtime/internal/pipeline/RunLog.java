package io.transferbench.runtime.internal.pipeline;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.FileAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.layout.PatternLayout;

import java.nio.file.Path;

/**
 * The run folder's {@code log.txt} while a run goes: warnings and errors with their full stack traces
 * (the terminal shows one line per problem; the trace of a failed stage or listener is here).
 */
final class RunLog implements AutoCloseable {

    /** The file's name in a run folder. */
    static final String FILE = "log.txt";

    private final FileAppender appender;

    RunLog(Path runFolder) {
        appender = FileAppender.newBuilder().setName("run-log-" + runFolder.getFileName())
                .withFileName(runFolder.resolve(FILE).toString()).withAppend(true).withImmediateFlush(true)
                .setLayout(PatternLayout.newBuilder().withPattern("%d{ISO8601} %-5level %c{1} - %msg%n%ex").build())
                .build();
        appender.start();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration configuration = context.getConfiguration();
        configuration.addAppender(appender);
        configuration.getRootLogger().addAppender(appender, Level.WARN, null);
        context.updateLoggers();
    }

    @Override
    public void close() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().removeAppender(appender.getName());
        context.updateLoggers();
        appender.stop();
    }
}
