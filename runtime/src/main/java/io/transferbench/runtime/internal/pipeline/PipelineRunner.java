package io.transferbench.runtime.internal.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.transferbench.api.event.LifecycleListener;
import io.transferbench.api.event.RunFinishedEvent;
import io.transferbench.api.event.RunResumedEvent;
import io.transferbench.api.event.RunStartedEvent;
import io.transferbench.api.event.StageFinishedEvent;
import io.transferbench.api.event.StageStartedEvent;
import io.transferbench.api.event.WarningIssuedEvent;
import io.transferbench.runtime.internal.data.TaskData;
import io.transferbench.runtime.internal.descriptor.DescriptorValidator;
import io.transferbench.runtime.internal.descriptor.PipelineDescriptor;
import io.transferbench.runtime.internal.descriptor.ResolvedComponent;
import io.transferbench.runtime.internal.descriptor.Section;
import io.transferbench.runtime.internal.events.EventLog;
import io.transferbench.runtime.internal.events.EventPublisher;
import io.transferbench.runtime.internal.events.ListenerFailure;
import io.transferbench.runtime.internal.plugins.DiscoveredComponent;
import io.transferbench.runtime.internal.report.ComponentsFile;
import jakarta.inject.Inject;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Runs a validated pipeline: one run folder per trial, the descriptor's listeners and the event
 * recorder registered on a fresh publisher, stages in order, and the listener-failure policy applied
 * at the end.
 */
public final class PipelineRunner {

    private static final Logger LOG = LogManager.getLogger(PipelineRunner.class);
    /** The resolved descriptor's file in a run folder. */
    public static final String DESCRIPTOR = "descriptor.yaml";
    private static final DateTimeFormatter FOLDER_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    private final StageTypes stageTypes;
    private final Clock clock;
    private final List<LifecycleListener> observers = new ArrayList<>();

    @Inject
    public PipelineRunner(StageTypes stageTypes) {
        this(stageTypes, Clock.systemUTC());
    }

    PipelineRunner(StageTypes stageTypes, Clock clock) {
        this.stageTypes = stageTypes;
        this.clock = clock;
    }

    /** A listener for every run this runner executes, besides the run folder's recorders (progress display). */
    public void addObserver(LifecycleListener observer) {
        observers.add(observer);
    }

    /**
     * Runs every trial of one configuration (the descriptor, or one combination of its sweep: see
     * {@link PipelineDescriptor#configurations()}); stops at the first trial that fails.
     */
    public List<RunOutcome> run(PipelineDescriptor descriptor, Map<String, TaskData> tasks) throws IOException {
        List<RunOutcome> outcomes = new ArrayList<>();
        for (int trial = 1; trial <= descriptor.trials(); trial++) {
            RunOutcome outcome = runTrial(descriptor.forTrial(trial), tasks);
            outcomes.add(outcome);
            if (!outcome.succeeded()) {
                break;
            }
        }
        return outcomes;
    }

    private RunOutcome runTrial(PipelineDescriptor d, Map<String, TaskData> tasks) throws IOException {
        Path folder = createRunFolder(d);
        prepare(d, folder);
        return execute(d, stageTypes.resolve(d), folder, tasks, Checkpoints.fresh(folder, d.trial()));
    }

    /**
     * Makes {@code folder} (new, or empty) a run folder that has not started: the resolved descriptor, the
     * components it uses and a checkpoint at the start. {@link #resume} then runs it from the start, exactly
     * as {@link #run} would: a sweep prepares every trial's folder first, then runs them wherever its
     * executor puts them.
     *
     * @param trial the descriptor of one trial ({@link PipelineDescriptor#forTrial})
     */
    public void prepare(PipelineDescriptor trial, Path folder) throws IOException {
        Files.createDirectories(folder);
        Path descriptorFile = folder.resolve(DESCRIPTOR);
        Path temp = folder.resolve(DESCRIPTOR + ".tmp");
        YAML.writeValue(temp.toFile(), DescriptorValidator.resolved(trial));
        Files.move(temp, descriptorFile, StandardCopyOption.ATOMIC_MOVE);
        writeComponents(StageTypes.componentUses(trial, stageTypes.resolve(trial)), folder);
        // from here on a killed run resumes, from the start if nothing was logged
        Checkpoints.fresh(folder, trial.trial()).stageCompleted(-1);
    }

    /** The name a trial's run folder has inside a sweep folder: {@code <name>[-<configuration>][-trial-<n>]}. */
    public static String trialFolderName(PipelineDescriptor trial, boolean severalTrials) {
        return trial.name() + (trial.configurationIndex() > 0 ? "-" + trial.configurationIndex() : "")
                + (severalTrials ? "-trial-" + trial.trial() : "");
    }

    /** Whether a run folder's last checkpoint says it finished; false when it has none or it is unreadable. */
    public static boolean finished(Path folder) {
        try {
            return Files.exists(folder.resolve(Checkpoints.FOLDER).resolve(Checkpoints.STATE))
                    && Checkpoints.read(folder).finished();
        } catch (IOException e) {
            return false;
        }
    }

    /** Checks, changing nothing, that a run folder's checkpoint is whole; the error names what is not. */
    public static void checkResumable(Path folder) throws IOException {
        Checkpoints.inspect(folder);
    }

    /**
     * Continues an interrupted run in its folder from its last checkpoint: the files are cut back to
     * that moment, completed stages are skipped, the stage in progress goes on from its saved epoch.
     *
     * @param descriptor the run folder's {@code descriptor.yaml}, validated
     */
    public RunOutcome resume(PipelineDescriptor descriptor, Path folder, Map<String, TaskData> tasks) throws IOException {
        Checkpoints checkpoints = Checkpoints.resume(folder);
        if (checkpoints.finished()) {
            if (!Files.isRegularFile(folder.resolve("report.html"))) {
                writeReport(folder); // killed while the report was written
            }
            return new RunOutcome(folder, true, List.of(), Optional.empty(), true);
        }
        PipelineDescriptor d = descriptor.forTrial(checkpoints.trial());
        return execute(d, stageTypes.resolve(d), folder, tasks, checkpoints);
    }

    private RunOutcome execute(PipelineDescriptor d, List<StageTypes.ResolvedStage<?>> stages, Path folder,
                               Map<String, TaskData> tasks, Checkpoints checkpoints) throws IOException {
        EventPublisher publisher = new EventPublisher();
        Optional<String> failure = Optional.empty();
        RunState state = new RunState(tasks);
        try (RunLog log = new RunLog(folder);
             UnfinishedRunNotice notice = new UnfinishedRunNotice(folder, System.err);
             EventRecorder recorder = new EventRecorder(folder.resolve(EventLog.FILE), clock);
             MetricsRecorder metrics = checkpoints.resumed() ? MetricsRecorder.resume(folder) : new MetricsRecorder(folder)) {
            publisher.register(recorder);
            publisher.register(metrics);
            observers.forEach(publisher::register);
            for (ResolvedComponent listener : d.root().components("listeners")) {
                publisher.register(listener.create(LifecycleListener.class), "listener '" + listener.id() + "' from "
                        + listener.component().source().describe());
            }
            String runId = folder.getFileName().toString();
            if (!checkpoints.resumed()) {
                publisher.publish(new RunStartedEvent(runId, d.name(), d.effectiveSeed(), d.trial(), d.configuration(),
                        Provenance.of(d, StageTypes.componentUses(d, stages))));
                for (StageTypes.ResolvedStage<?> stage : stages) {
                    stage.warnings().forEach(w -> publisher.publish(new WarningIssuedEvent(stage.name(), w)));
                }
                checkpoints.stageCompleted(-1);
            } else {
                int next = checkpoints.completedStages();
                publisher.publish(new RunResumedEvent(runId, next < stages.size() ? stages.get(next).name() : "", next,
                        checkpoints.epochsDone(), checkpoints.restoredNetworks()));
            }
            for (int i = checkpoints.completedStages(); i < stages.size() && failure.isEmpty(); i++) {
                StageTypes.ResolvedStage<?> stage = stages.get(i);
                String name = stage.name();
                String type = stage.type().type();
                notice.stage(name);
                boolean continuing = checkpoints.resumePoint(i).isPresent();
                if (!continuing) {
                    publisher.publish(new StageStartedEvent(name, type, i, settings(stage.declaration().section())));
                }
                long stageStart = System.nanoTime();
                Optional<String> stageFailure = Optional.empty();
                try {
                    stage.run(new StageContext(d, name, i, folder, publisher, state, checkpoints));
                } catch (Exception e) {
                    LOG.error("Stage {} failed: {}", name, e.toString(), e);
                    stageFailure = Optional.of(why(e));
                    failure = Optional.of("stage '" + name + "' failed: " + why(e));
                }
                publisher.publish(new StageFinishedEvent(name, type, i, seconds(stageStart), stageFailure.isEmpty(),
                        stageFailure.orElse("")));
                if (failure.isEmpty()) {
                    checkpoints.stageCompleted(i);
                }
            }
            List<ListenerFailure> listenerFailures = publisher.failures();
            boolean failOnListener = d.root().string("listener-failures").equals("fail");
            if (failure.isEmpty() && !listenerFailures.isEmpty()) {
                String summary = listenerFailures.size() + " listener failure(s): " + listenerFailures.get(0)
                        + (listenerFailures.size() > 1 ? " (and " + (listenerFailures.size() - 1) + " more)" : "");
                if (failOnListener) {
                    failure = Optional.of(summary + "; set 'listener-failures: warn' to only warn");
                } else {
                    LOG.warn("{}", summary);
                }
            }
            publisher.publish(new RunFinishedEvent(runId, failure.isEmpty(), checkpoints.elapsedSeconds()));
            if (failure.isEmpty()) {
                checkpoints.finished(stages.size());
            }
        } finally {
            writeReport(folder);
        }
        return new RunOutcome(folder, failure.isEmpty(), publisher.failures(), failure, false);
    }

    /**
     * Why a stage failed, in the words of its exception: the message alone where the runtime wrote it for
     * the user (a check that failed, a plugin named with its JAR, a file), the exception's type too where not.
     */
    static String why(Exception e) {
        boolean worded = e instanceof IllegalStateException || e instanceof IllegalArgumentException
                || e instanceof IOException || e instanceof io.transferbench.runtime.internal.plugins.PluginCalls.PluginFailure;
        return worded && e.getMessage() != null ? e.getMessage() : e.toString();
    }

    /** A stage's resolved settings as its StageStarted event carries them: nested keys joined by dots. */
    static Map<String, Object> settings(Section stage) {
        Map<String, Object> flat = new TreeMap<>();
        flatten("", stage.resolvedValues(), flat);
        return flat;
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Map<String, Object> values, Map<String, Object> out) {
        values.forEach((k, v) -> {
            if (v instanceof Map<?, ?> nested) {
                flatten(prefix + k + ".", (Map<String, Object>) nested, out);
            } else if (!k.equals("name")) {
                out.put(prefix + k, v);
            }
        });
    }

    /** report.html from the finished (or failed) run's files; a report that cannot be drawn fails nothing. */
    private void writeReport(Path folder) {
        try {
            io.transferbench.runtime.internal.report.RunReport.write(folder, stageTypes.reportSections());
        } catch (IOException | RuntimeException | LinkageError e) {
            LOG.warn("Could not write {}: {}", folder.resolve("report.html"), e.toString());
        }
    }

    /** Which component (id, version, module, JAR, parameters) each stage used: the report shows it. */
    private static void writeComponents(List<StageTypes.ComponentUse> uses, Path folder) throws IOException {
        List<ComponentsFile.Entry> entries = new ArrayList<>();
        for (StageTypes.ComponentUse use : uses) {
            DiscoveredComponent c = use.component().component();
            Path jar = c.source().location().getFileName() == null ? c.source().location() : c.source().location().getFileName();
            entries.add(new ComponentsFile.Entry(use.stage(), use.key(), c.kind().displayName(), c.id(),
                    c.source().version().orElse(""), c.source().module().orElse(""), jar.toString(),
                    use.component().parameters().values()));
        }
        ComponentsFile.write(folder, entries);
    }

    /** A new sweep folder, {@code <output>/<timestamp>-<name>}, the trials' run folders go inside. */
    public Path createSweepFolder(PipelineDescriptor d) throws IOException {
        return newFolder(Path.of(d.root().string("output")), LocalDateTime.now(clock).format(FOLDER_TIME) + "-" + d.name());
    }

    private Path createRunFolder(PipelineDescriptor d) throws IOException {
        Path output = Path.of(d.root().string("output"));
        return newFolder(output, LocalDateTime.now(clock).format(FOLDER_TIME) + "-" + trialFolderName(d, d.trials() > 1));
    }

    /** A new folder {@code output/base}, or {@code base-2}, {@code base-3}... when taken. */
    public static Path newFolder(Path output, String base) throws IOException {
        Files.createDirectories(output);
        Path folder = output.resolve(base);
        for (int n = 2; Files.exists(folder); n++) {
            folder = output.resolve(base + "-" + n);
        }
        return Files.createDirectory(folder);
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
