package io.transferbench.runtime.internal.engine;

import io.transferbench.api.network.Evaluation;
import io.transferbench.runtime.internal.data.LabelledImages;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.learning.config.Nesterovs;

import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A network read back from its file evaluates exactly as the one in memory (the resumed and the
 * uninterrupted run must be the same computation), and trains on to the same parameters.
 */
class RestoredNetworkIT {

    @TempDir
    Path dir;

    /** Random 28x28 grey images in 5 classes. */
    private static LabelledImages images(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] pixels = new byte[n * 28 * 28];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = random.nextInt(5);
            for (int p = 0; p < 28 * 28; p++) {
                pixels[i * 28 * 28 + p] = (byte) random.nextInt(256);
            }
        }
        return new LabelledImages(pixels, labels, 1, 28, 28, 5);
    }

    @Test
    void aRestoredNetworkEvaluatesAndTrainsExactlyAsTheOneInMemory() throws Exception {
        Dl4jEngine.start();
        for (String model : new String[] {"small-cnn", "vgg-11", "resnet-20"}) {
            Model net = Networks.create(model, new ModelBuilder.InputShape(28, 28, 1), 5, 0.25, 7, new Nesterovs(0.01, 0.9), 0);
            Batches train = new Batches(images(96, 1), false);
            Batches eval = new Batches(images(64, 2), false);
            Trainer.trainEpoch(net, train, 32, 3);
            Evaluation inMemory = Trainer.evaluate(net, eval);

            Path file = dir.resolve(model + ".zip");
            ModelSerializer.writeModel(net, file.toFile(), true);
            Model restored = Networks.restore(file);
            Evaluation fromFile = Trainer.evaluate(restored, eval);
            assertEquals(inMemory.loss(), fromFile.loss(), 0.0, model + ": evaluation loss, to the last bit");
            assertEquals(inMemory.accuracy(), fromFile.accuracy(), 0.0);

            double a = Trainer.trainEpoch(net, train, 32, 4);
            double b = Trainer.trainEpoch(restored, train, 32, 4);
            assertEquals(a, b, 0.0, model + ": the next epoch's training loss");
            assertEquals(Trainer.evaluate(net, eval).loss(), Trainer.evaluate(restored, eval).loss(), 0.0);
        }
    }
}
