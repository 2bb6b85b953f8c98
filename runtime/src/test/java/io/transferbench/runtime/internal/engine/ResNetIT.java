package io.transferbench.runtime.internal.engine;

import io.transferbench.runtime.internal.data.LabelledImages;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.learning.config.Nesterovs;

import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ResNet-20: its size by hand, shapes on both input sizes, training through the shared trainer, save and restore. */
class ResNetIT {

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        Dl4jEngine.start();
    }

    @Test
    void everyModelTheDescriptorOffersCanBeBuilt() {
        assertEquals(io.transferbench.runtime.internal.descriptor.PipelineSchema.MODELS, ModelBuilder.MODELS);
        for (String model : ModelBuilder.MODELS) {
            Model net = Networks.create(model, new ModelBuilder.InputShape(32, 32, 3), 3, 0.125, 1, new Nesterovs(0.1, 0.9), 0);
            assertTrue(net.numParams() > 0, model);
        }
    }

    @Test
    void parameterCountMatchesTheArchitectureByHand() {
        Model net = Networks.create("resnet-20", new ModelBuilder.InputShape(32, 32, 3), 10, 1.0, 1, new Nesterovs(0.1, 0.9), 0);
        // convs (no bias): stem 3*3*3*16 = 432; stage 1: 6 convs of 3*3*16*16 = 13824;
        // stage 2: 3*3*16*32 + 5 * 3*3*32*32 = 4608 + 46080 = 50688, shortcut 1*1*16*32 = 512;
        // stage 3: 3*3*32*64 + 5 * 3*3*64*64 = 18432 + 184320 = 202752, shortcut 1*1*32*64 = 2048
        long convs = 432 + 13824 + 50688 + 512 + 202752 + 2048;
        // batch norm, 4 values per channel: stem 16, stage 1 6*16, stage 2 6*32 + 32, stage 3 6*64 + 64
        long batchNorm = 4L * (16 + 6 * 16 + 7 * 32 + 7 * 64);
        long classifier = 64 * 10 + 10;
        assertEquals(convs + batchNorm + classifier, net.numParams());
        assertEquals(274_042, convs + batchNorm + classifier, "about the paper's 0.27M (its option A has no shortcut weights)");
    }

    @Test
    void trainsOnBothInputSizesThroughTheSharedTrainerAndRestores() throws Exception {
        for (int side : new int[] {28, 32}) {
            int channels = side == 28 ? 1 : 3;
            Model net = Networks.create("resnet-20", new ModelBuilder.InputShape(side, side, channels), 4, 0.25, 3,
                    new Nesterovs(0.05, 0.9), 0);
            LabelledImages images = images(64, side, channels);
            Batches batches = new Batches(images, false);
            // training loss (batch statistics): inference-mode batch norm needs more steps than a test should take
            double first = Trainer.trainEpoch(net, batches, 16, 0);
            double last = first;
            for (int epoch = 1; epoch < 5; epoch++) {
                last = Trainer.trainEpoch(net, batches, 16, epoch);
            }
            assertTrue(last < first * 0.8, side + ": training lowers the loss, " + first + " -> " + last);
            assertEquals(5, ((ComputationGraph) net).getConfiguration().getEpochCount());

            Path file = dir.resolve("resnet-" + side + ".zip");
            ModelSerializer.writeModel(net, file.toFile(), true);
            Model restored = Networks.restore(file);
            assertTrue(restored instanceof ComputationGraph);
            assertArrayEquals(net.params().toFloatVector(), restored.params().toFloatVector());
            assertThrows(IllegalStateException.class, () -> Networks.layerList(restored, "r", "online transfer"));
        }
    }

    private static LabelledImages images(int count, int side, int channels) {
        SplittableRandom random = new SplittableRandom(5);
        int per = side * side * channels;
        byte[] pixels = new byte[count * per];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = i % 4;
            for (int p = 0; p < per; p++) {
                int row = (p % (side * side)) / side;
                boolean band = row / (side / 4) == labels[i];
                pixels[i * per + p] = (byte) (random.nextInt(40) + (band ? 200 : 0));
            }
        }
        return new LabelledImages(pixels, labels, channels, side, side, 4);
    }
}
