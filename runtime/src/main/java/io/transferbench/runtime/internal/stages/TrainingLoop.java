package io.transferbench.runtime.internal.stages;

import io.transferbench.api.event.EpochEndedEvent;
import io.transferbench.api.event.EpochStartedEvent;
import io.transferbench.api.network.Evaluation;
import io.transferbench.runtime.internal.data.TaskData;
import io.transferbench.runtime.internal.descriptor.Fields;
import io.transferbench.runtime.internal.descriptor.Schema;
import io.transferbench.runtime.internal.descriptor.Section;
import io.transferbench.runtime.internal.descriptor.Seeds;
import io.transferbench.runtime.internal.engine.Batches;
import io.transferbench.runtime.internal.engine.Dl4jEngine;
import io.transferbench.runtime.internal.engine.ModelBuilder;
import io.transferbench.runtime.internal.engine.Trainer;
import io.transferbench.runtime.internal.engine.TrainingSettings;
import io.transferbench.runtime.internal.pipeline.StageContext;
import org.deeplearning4j.nn.api.Model;
import io.transferbench.runtime.internal.engine.Networks;
import org.deeplearning4j.util.ModelSerializer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import io.transferbench.runtime.internal.pipeline.Checkpoints;
import java.nio.file.StandardCopyOption;

import static io.transferbench.runtime.internal.descriptor.Fields.integer;
import static io.transferbench.runtime.internal.descriptor.Fields.number;
import static io.transferbench.runtime.internal.descriptor.Fields.oneOf;
import static io.transferbench.runtime.internal.descriptor.Fields.positive;
import static io.transferbench.runtime.internal.descriptor.Fields.required;
import static io.transferbench.runtime.internal.descriptor.Fields.withDefault;

/** What the training stages share: settings from the descriptor, the epoch loop with its events, saving. */
final class TrainingLoop {

    private TrainingLoop() {
    }

    /**
     * The training keys of a stage, declared ({@link #fields()}) and read ({@link #of}) here.
     *
     * @param checkpointEvery epochs between checkpoints inside the stage (0: none)
     */
    record Training(TrainingSettings settings, int checkpointEvery) {

        /** What every training stage takes: epochs, batch size, optimiser, learning rate, ..., checkpoints. */
        static List<Schema.Field> fields() {
            return List.of(
                    required("epochs", integer("Epochs to train.", 1.0, 100000.0)),
                    withDefault("batch-size", integer("Images per mini-batch.", 1.0, 65536.0), 64L),
                    withDefault("optimizer", oneOf("The optimiser.", TrainingSettings.Optimizer.class), "sgd"),
                    withDefault("learning-rate", positive("The initial learning rate.", 10.0), 0.01),
                    withDefault("momentum", number("SGD momentum.", 0.0, 0.999), 0.9),
                    withDefault("weight-decay", number("L2 weight decay.", 0.0, 1.0), 0.0),
                    withDefault("lr-schedule", oneOf("Learning-rate schedule over the stage's epochs.",
                            TrainingSettings.LearningRateSchedule.class), "constant"),
                    withDefault("checkpoint-every", integer("Write a checkpoint every this many epochs (0: none inside the "
                            + "stage); `transferbench resume` continues an interrupted run from the last one.", 0.0,
                            100000.0), 5L));
        }

        /** The training keys of a stage that retrains a changed network: 0 epochs is allowed. */
        static List<Schema.Field> retrainingFields() {
            return fields().stream().map(f -> f.name().equals("epochs")
                    ? required("epochs", integer("Epochs of retraining afterwards; 0 keeps the network as the stage left "
                    + "it (to measure the drop before recovery).", 0.0, 100000.0)) : f).toList();
        }

        static Training of(Section stage) {
            return new Training(new TrainingSettings((int) stage.integer("epochs"), (int) stage.integer("batch-size"),
                    Fields.constant(TrainingSettings.Optimizer.class, stage.string("optimizer")),
                    stage.number("learning-rate"), stage.number("momentum"), stage.number("weight-decay"),
                    Fields.constant(TrainingSettings.LearningRateSchedule.class, stage.string("lr-schedule"))),
                    (int) stage.integer("checkpoint-every"));
        }

        int epochs() {
            return settings.epochs();
        }
    }

    static ModelBuilder.InputShape inputShape(TaskData task) {
        return new ModelBuilder.InputShape(task.train().height(), task.train().width(), task.train().channels());
    }

    /** A seed per network, so two networks of one run start from different weights. */
    static long networkSeed(long runSeed, String network) {
        return Seeds.derive(runSeed, network);
    }

    static boolean augment(StageContext context, String taskName) {
        return context.pipeline().tasks().get(taskName).flag("augment");
    }

    /** A stage's network and how many of the stage's epochs it has already trained. */
    record Start(Model net, int epochsDone) {
    }

    /** The stage's network from its last checkpoint when the stage is resuming; otherwise {@code build}'s. */
    static Start startOrResume(StageContext context, String network, Supplier<Model> build)
            throws IOException {
        Optional<Checkpoints.StageResume> resume = context.checkpoints().resumePoint(context.index());
        if (resume.isPresent()) {
            Path file = resume.get().networks().get(network);
            if (file == null) {
                throw new IllegalStateException("the checkpoint has no network '" + network + "'");
            }
            return new Start(Networks.restore(file), resume.get().epochs());
        }
        return new Start(build.get(), 0);
    }

    /**
     * A network an earlier stage trained, or the error saying so at {@code where} (the key that names it); a model
     * file that cannot be read is an unchecked I/O error.
     */
    static Model trainedOrFail(StageContext context, String network, io.transferbench.runtime.internal.descriptor.Location where) {
        try {
            return trained(context, network).orElseThrow(() -> new IllegalStateException(where + ": network '" + network
                    + "' has not been trained by an earlier stage"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot load network '" + network + "'", e);
        }
    }

    /** A network an earlier stage trained: in memory, or from {@code models/} when the run was resumed. */
    static Optional<Model> trained(StageContext context, String network) throws IOException {
        Optional<Model> inMemory = context.state().network(network, Model.class);
        if (inMemory.isPresent()) {
            return inMemory;
        }
        Path saved = context.runFolder().resolve("models").resolve(network + ".zip");
        if (!Files.isRegularFile(saved)) {
            return Optional.empty();
        }
        Model net = Networks.restore(saved);
        context.state().putNetwork(network, net);
        return Optional.of(net);
    }

    /**
     * Trains from epoch {@code start.epochsDone() + 1} to the stage's last, publishing
     * EpochStarted/EpochEnded and writing a checkpoint every {@code checkpoint-every} epochs; returns the
     * last evaluation (null when no epoch was left).
     */
    static Evaluation train(StageContext context, String network, Start start, String taskName, Training training)
            throws IOException {
        TrainingSettings settings = training.settings();
        Dl4jEngine.start();
        Model net = start.net();
        TaskData task = context.state().task(taskName);
        Batches train = new Batches(task.train(), augment(context, taskName));
        Batches eval = new Batches(task.eval(), false);
        long seed = networkSeed(context.seed(), network);
        int every = training.checkpointEvery();
        Evaluation last = null;
        for (int epoch = start.epochsDone() + 1; epoch <= settings.epochs(); epoch++) {
            last = epoch(context, network, net, train, eval, settings, epoch, seed);
            if (every > 0 && epoch % every == 0 && epoch < settings.epochs()) {
                context.checkpoints().write(context, epoch,
                        Map.of(network, file -> ModelSerializer.writeModel(net, file.toFile(), true)), Map.of());
            }
        }
        return last;
    }

    /** Training images whose accuracy is measured after every epoch: enough to see over-fitting, cheap to run. */
    static final int TRAIN_ACCURACY_IMAGES = 1000;

    /** One epoch of one network: EpochStarted, training, evaluation (and training accuracy), EpochEnded. */
    static Evaluation epoch(StageContext context, String network, Model net, Batches train, Batches eval,
                            TrainingSettings settings, int epoch, long seed) {
        context.publish(new EpochStartedEvent(context.stageName(), network, epoch, settings.epochs()));
        long begin = System.nanoTime();
        double loss = Trainer.trainEpoch(net, train, settings.batchSize(), seed + epoch);
        Evaluation result = Trainer.evaluate(net, eval);
        double trainAccuracy = Trainer.evaluate(net, train.firstImages(TRAIN_ACCURACY_IMAGES)).accuracy();
        context.publish(new EpochEndedEvent(context.stageName(), network, epoch, settings.epochs(), loss,
                result.accuracy(), result.errorRate(), result.loss(), (System.nanoTime() - begin) / 1e9,
                settings.learningRateAt(epoch - 1), trainAccuracy));
        return result;
    }

    /** Writes {@code models/<network>.zip} atomically: a standalone DL4J model with its updater state. */
    static Path save(StageContext context, String network, Model net) throws IOException {
        Path models = Files.createDirectories(context.runFolder().resolve("models"));
        Path target = models.resolve(network + ".zip");
        Path temp = models.resolve(network + ".zip.tmp");
        ModelSerializer.writeModel(net, temp.toFile(), true);
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    /** Writes a text file of the run folder atomically: complete or as it was, never half written. */
    static void writeText(Path target, String text) throws IOException {
        Path temp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.writeString(temp, text, java.nio.charset.StandardCharsets.UTF_8);
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
