package io.transferbench.runtime.internal.engine;

import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.MapSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

import java.util.HashMap;
import java.util.Map;

/** A stage's optimisation settings. */
public record TrainingSettings(int epochs, int batchSize, Optimizer optimizer, double learningRate, double momentum,
                               double weightDecay, LearningRateSchedule schedule) {

    /** The optimisers a training stage offers. */
    public enum Optimizer { SGD, ADAM }

    /**
     * How the learning rate changes over a stage's epochs: {@code STEP} is x0.1 at 50 % and 75 % of the
     * epochs, {@code COSINE} goes from the learning rate to 0 over the epochs.
     */
    public enum LearningRateSchedule { CONSTANT, STEP, COSINE }

    /** The DL4J updater; SGD with momentum is DL4J's Nesterov momentum, its only SGD with momentum. */
    public IUpdater updater() {
        ISchedule lr = learningRateSchedule();
        if (optimizer == Optimizer.ADAM) {
            return lr == null ? new Adam(learningRate) : new Adam(lr);
        }
        return lr == null ? new Nesterovs(learningRate, momentum) : new Nesterovs(lr, momentum);
    }

    /** The learning rate in a 0-based epoch, as the schedule gives it. */
    public double learningRateAt(int epoch) {
        return switch (schedule) {
            case STEP -> learningRate * (epoch >= 0.75 * epochs ? 0.01 : epoch >= 0.5 * epochs ? 0.1 : 1.0);
            case COSINE -> 0.5 * learningRate * (1 + Math.cos(Math.PI * epoch / epochs));
            case CONSTANT -> learningRate;
        };
    }

    private ISchedule learningRateSchedule() {
        if (schedule == LearningRateSchedule.CONSTANT || epochs == 0) {
            return null;
        }
        Map<Integer, Double> values = new HashMap<>();
        for (int e = 0; e < epochs; e++) {
            values.put(e, learningRateAt(e));
        }
        return new MapSchedule(ScheduleType.EPOCH, values);
    }
}
