package io.transferbench.runtime.internal.engine;

import io.transferbench.api.network.ActivationsWithGradients;
import io.transferbench.api.network.ConvLayerInfo;
import io.transferbench.api.network.FeatureMaps;
import io.transferbench.api.network.FilterBank;
import io.transferbench.api.transfer.FilterPair;
import io.transferbench.runtime.internal.data.LabelledImages;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Filter reads, copies, masks and physical removal on real DL4J networks, and the network view's maps and gradients. */
class FilterSurgeryIT {

    private static final ModelBuilder.InputShape MNIST = new ModelBuilder.InputShape(28, 28, 1);

    @BeforeAll
    static void start() {
        Dl4jEngine.start();
    }

    private static MultiLayerNetwork network(String model, double width, long seed) {
        MultiLayerNetwork net = new MultiLayerNetwork(ModelBuilder.build(model, MNIST, 10, width, seed, new Sgd(0.1), 0));
        net.init();
        // batch-norm channels with distinct, non-trivial values, so a wrong channel shows
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < net.getnLayers(); i++) {
            for (Map.Entry<String, INDArray> p : net.getLayer(i).paramTable().entrySet()) {
                if (NetworkLayout.layerConf(net, i) instanceof org.deeplearning4j.nn.conf.layers.BatchNormalization) {
                    INDArray a = p.getValue();
                    for (int c = 0; c < a.length(); c++) {
                        a.putScalar(c, (float) (0.5 + random.nextDouble()) * (p.getKey().equals("log10stdev") ? 0.1f : 1f));
                    }
                }
            }
        }
        return net;
    }

    private static INDArray input(int images, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(DataType.FLOAT, images, 28, 28, 1);
    }

    private static LabelledImages images(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] pixels = new byte[count * 28 * 28];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = i % 10;
            for (int p = 0; p < 28 * 28; p++) {
                // a class-dependent bright square plus noise, so the network has something to see
                int row = p / 28;
                int col = p % 28;
                boolean square = row / 7 == labels[i] % 4 && col / 7 == labels[i] / 4;
                pixels[i * 784 + p] = (byte) (random.nextInt(60) + (square ? 180 : 0));
            }
        }
        return new LabelledImages(pixels, labels, 1, 28, 28, 10);
    }

    @Test
    void removalGivesTheSameOutputsAsMaskingAndShrinksEveryAffectedLayer() {
        for (String model : List.of("small-cnn", "vgg-11")) {
            MultiLayerNetwork original = network(model, model.equals("vgg-11") ? 0.125 : 1.0, 3);
            int lastOfConv1 = new Dl4jNetworkView("a", original, null, null).convLayers().get(0).filters() - 1;
            Map<String, int[]> removals = Map.of("conv1", new int[] {0, 2, lastOfConv1}, "conv2", new int[] {1, 3});
            MultiLayerNetwork masked = original.clone();
            removals.forEach((layer, filters) -> FilterSurgery.maskFilters(masked, layer, filters));
            MultiLayerNetwork pruned = FilterSurgery.removeFilters(original, removals);

            INDArray x = input(6, 5);
            INDArray expected = masked.output(x, false);
            INDArray actual = pruned.output(x, false);
            assertTrue(expected.equalsWithEps(actual, 1e-5), model + ": pruned outputs " + actual + " vs masked " + expected);
            assertNotEquals(0.0, expected.sub(original.output(x, false)).norm2Number().doubleValue(), 1e-7,
                    model + ": masking must change the outputs, or this comparison proves nothing");

            List<ConvLayerInfo> before = new Dl4jNetworkView("a", original, null, null).convLayers();
            List<ConvLayerInfo> after = new Dl4jNetworkView("a", pruned, null, null).convLayers();
            assertEquals(before.get(0).filters() - 3, after.get(0).filters(), model);
            assertEquals(before.get(1).filters() - 2, after.get(1).filters(), model);
            assertEquals(after.get(0).filters(), after.get(1).inputChannels(), model + ": conv2 loses conv1's channels");
            if (before.size() > 2) {
                assertEquals(before.get(2).inputChannels() - 2, after.get(2).inputChannels(), model);
            } else {
                assertEquals(7 * 7 * (32 - 2), ((org.deeplearning4j.nn.conf.layers.FeedForwardLayer)
                        NetworkLayout.layerConf(pruned, 6)).getNIn(), model + ": the dense layer loses conv2's 2 channels at all 7x7 positions");
            }
            assertEquals(pruned.numParams(), NetworkCost.of(pruned, MNIST).parameters(), model);
        }
    }

    @Test
    void parametersAndFlopsFollowTheDocumentedFormula() {
        MultiLayerNetwork net = network("small-cnn", 1.0, 1);
        // conv1 3*3*1*16+16 = 160, conv2 3*3*16*32+32 = 4640, dense 7*7*32*64+64 = 100416, output 64*10+10 = 650
        // multiply-adds: conv1 28*28*144 = 112896, conv2 14*14*4608 = 903168, dense 1568*64 = 100352, output 640
        assertEquals(new NetworkCost(105_866, 1_117_056), NetworkCost.of(net, MNIST));
        assertEquals(105_866, net.numParams());

        MultiLayerNetwork pruned = FilterSurgery.removeFilters(net, Map.of(
                "conv1", new int[] {0, 1, 2, 3}, "conv2", new int[] {0, 4, 8, 12, 16, 20, 24, 28}));
        // conv1 3*3*1*12+12 = 120, conv2 3*3*12*24+24 = 2616, dense 7*7*24*64+64 = 75328, output 650
        // multiply-adds: 28*28*108 = 84672, 14*14*2592 = 508032, 1176*64 = 75264, 640
        assertEquals(new NetworkCost(78_714, 668_608), NetworkCost.of(pruned, MNIST));
        // the controllers' cost model counts masked filters as removal would
        boolean[] conv1 = {false, false, false, false, true, true, true, true, true, true, true, true, true, true, true, true};
        boolean[] conv2 = new boolean[32];
        for (int f = 0; f < 32; f++) {
            conv2[f] = f % 4 != 0;
        }
        assertEquals(new NetworkCost(78_714, 668_608), NetworkCost.of(net, MNIST, Map.of("conv1", conv1, "conv2", conv2)));

        MultiLayerNetwork vgg = network("vgg-11", 0.125, 1);
        assertEquals(vgg.numParams(), NetworkCost.of(vgg, MNIST).parameters(), "batch norm counts 4 per channel");
        boolean[] kept = new boolean[new Dl4jNetworkView("v", vgg, null, null).convLayers().get(1).filters()];
        java.util.Arrays.fill(kept, true);
        kept[0] = false;
        kept[kept.length - 1] = false;
        assertEquals(NetworkCost.of(FilterSurgery.removeFilters(vgg, Map.of("conv2", new int[] {0, kept.length - 1})), MNIST),
                NetworkCost.of(vgg, MNIST, Map.of("conv2", kept)));
    }

    @Test
    void removalRejectsImpossibleRequests() {
        MultiLayerNetwork net = network("small-cnn", 1.0, 1);
        assertThrows(IllegalArgumentException.class, () -> FilterSurgery.removeFilters(net,
                Map.of("conv1", java.util.stream.IntStream.range(0, 16).toArray())));
        assertThrows(IllegalArgumentException.class, () -> FilterSurgery.removeFilters(net, Map.of("conv1", new int[] {16})));
        assertThrows(IllegalArgumentException.class, () -> FilterSurgery.removeFilters(net, Map.of("dense", new int[] {0})));
        assertThrows(IllegalArgumentException.class, () -> FilterSurgery.maskFilters(net, "conv1", new int[] {16}));
    }

    @Test
    void copiedFiltersEqualTheSendersBitForBitAndNothingElseChanges() {
        MultiLayerNetwork sender = network("vgg-11", 0.125, 7);
        MultiLayerNetwork receiver = network("vgg-11", 0.125, 8);
        INDArray receiverBefore = receiver.params().dup();
        // the last filter on both sides too: ND4J views of a parameter's last row once broke this
        List<FilterPair> pairs = List.of(new FilterPair(3, 0), new FilterPair(0, 5), new FilterPair(7, 7),
                new FilterPair(15, 9), new FilterPair(2, 15));
        FilterSurgery.copyFilters(sender, receiver, "conv2", pairs);

        Dl4jNetworkView s = new Dl4jNetworkView("s", sender, null, null);
        Dl4jNetworkView r = new Dl4jNetworkView("r", receiver, null, null);
        FilterBank from = s.filters("conv2");
        FilterBank to = r.filters("conv2");
        NetworkLayout.ConvSlot slot = NetworkLayout.of(receiver).slot("conv2");
        for (FilterPair pair : pairs) {
            assertArrayEquals(from.kernel(pair.senderFilter()), to.kernel(pair.receiverFilter()));
            assertEquals(Float.floatToRawIntBits(from.bias()[pair.senderFilter()]),
                    Float.floatToRawIntBits(to.bias()[pair.receiverFilter()]));
            for (String key : List.of("gamma", "beta", "mean", "log10stdev")) {
                assertEquals(Float.floatToRawIntBits(sender.getLayer(slot.batchNorm()).getParam(key).getFloat(pair.senderFilter())),
                        Float.floatToRawIntBits(receiver.getLayer(slot.batchNorm()).getParam(key).getFloat(pair.receiverFilter())), key);
            }
        }
        // every other parameter is unchanged: undo the copied values and compare the whole vector
        int changed = 0;
        float[] before = receiverBefore.data().asFloat();
        float[] after = receiver.params().dup().data().asFloat();
        for (int i = 0; i < before.length; i++) {
            if (Float.floatToRawIntBits(before[i]) != Float.floatToRawIntBits(after[i])) {
                changed++;
            }
        }
        int perFilter = from.layer().weightsPerFilter() + 1 + 4;
        assertTrue(changed > 0 && changed <= pairs.size() * perFilter,
                changed + " values changed; at most " + pairs.size() * perFilter + " belong to the copied filters");
    }

    @Test
    void viewsReadFiltersMapsAndGradientsThatAgreeWithDl4j() {
        MultiLayerNetwork net = network("small-cnn", 1.0, 11);
        LabelledImages images = images(40, 2);
        Dl4jNetworkView view = new Dl4jNetworkView("net", net, new Batches(images, false), new Batches(images, false));
        assertEquals(List.of("conv1", "conv2"), view.convLayers().stream().map(ConvLayerInfo::name).toList());

        FilterBank bank = view.filters("conv1");
        INDArray w = net.getLayer(0).getParam("W");
        assertEquals(w.getFloat(5, 0, 2, 1), bank.kernel(5)[2 * 3 + 1], "kernel order [filter][in][row][col]");

        FilterSurgery.maskFilters(net, "conv2", new int[] {4});
        FeatureMaps maps = view.activations("conv2", 25);
        assertEquals(25, maps.images());
        assertEquals(32, maps.channels());
        assertEquals(14, maps.height(), "conv2 works on 14x14 after the first pooling");
        INDArray expected = net.feedForward(new Batches(images, false).batch(new int[] {0, 1}, 0, 2, null)
                .getFeatures(), false).get(4); // input, conv1, relu1, pool1, conv2 -> index 4 is conv2's output, 5 relu2
        INDArray relu = net.feedForward(new Batches(images, false).batch(new int[] {0, 1}, 0, 2, null)
                .getFeatures(), false).get(5);
        assertEquals(relu.getFloat(1, 3, 7, 9), maps.get(1, 9, 3, 7), 1e-6, "NHWC [1,3,7,9] is image 1 channel 9 row 3 col 7");
        assertNotEquals(0f, expected.norm2Number().floatValue());
        for (int i = 0; i < 25; i++) {
            for (float v : maps.map(i, 4)[0]) {
                assertEquals(0f, v, "a masked filter's map is zero");
            }
        }

        // Gradient check against DL4J's own backpropagation: for a ReLU after a conv without batch norm,
        // d loss / d bias_c = sum over images and positions where the activation is positive of d loss / d a.
        ActivationsWithGradients ag = view.activationsWithGradients("conv1", 16);
        DataSet batch = new Batches(images, false).batch(java.util.stream.IntStream.range(0, 16).toArray(), 0, 16, null);
        net.setInput(batch.getFeatures());
        net.setLabels(batch.getLabels());
        net.computeGradientAndScore();
        Gradient gradient = net.gradient();
        INDArray biasGradient = gradient.gradientForVariable().get("0_b");
        for (int c = 0; c < 16; c++) {
            double sum = 0;
            for (int i = 0; i < 16; i++) {
                for (int y = 0; y < 28; y++) {
                    for (int x = 0; x < 28; x++) {
                        if (ag.activations().get(i, c, y, x) > 0) {
                            sum += ag.gradients().get(i, c, y, x);
                        }
                    }
                }
            }
            // DL4J's parameter gradient is of the summed loss (the updater divides by the batch size)
            double reference = biasGradient.getDouble(c) / 16;
            assertEquals(reference, sum, 1e-4 + 1e-3 * Math.abs(reference), "channel " + c);
        }
        INDArray paramsBefore = net.params().dup();
        view.activationsWithGradients("conv2", 8);
        assertEquals(paramsBefore, net.params(), "computing gradients leaves the network unchanged");
    }
}
