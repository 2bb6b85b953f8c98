package io.transferbench.runtime.internal.engine;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.List;

/**
 * The architectures a descriptor can name, in the layout that is fast and correct with DL4J's
 * oneDNN helpers (STACK-NOTES.md): NHWC everywhere, conv layers with identity activation followed by
 * a separate ReLU layer (a conv layer with its own ReLU trains with wrong gradients on that path).
 * Conv layers are named {@code conv1}, {@code conv2}, ... in forward order.
 */
public final class ModelBuilder {

    /** The same list as the descriptor schema's (ResNetIT checks they agree). */
    public static final List<String> MODELS = List.of("small-cnn", "bench-cnn", "vgg-11", "vgg-16", "resnet-20");

    /** Models with skip connections: DL4J computation graphs, not layer lists. */
    public static boolean isGraph(String model) {
        return model.equals("resnet-20");
    }
    private static final int POOL = -1;

    /** Input images: height, width, channels. */
    public record InputShape(int height, int width, int channels) {
    }

    private ModelBuilder() {
    }

    public static MultiLayerConfiguration build(String model, InputShape input, int classes, double width, long seed,
                                                IUpdater updater, double weightDecay) {
        NeuralNetConfiguration.ListBuilder list = base(seed, updater, weightDecay).list();
        int[] plan;
        int dense;
        boolean batchNorm;
        switch (model) {
            case "small-cnn":
                plan = new int[] {16, POOL, 32, POOL};
                dense = 64;
                batchNorm = false;
                break;
            case "bench-cnn":
                // Exactly ../shared/bench/torch_reference.py's network; width is ignored.
                plan = new int[] {32, 32, POOL, 64, 64, POOL};
                dense = 128;
                batchNorm = false;
                width = 1.0;
                break;
            case "vgg-11":
                plan = new int[] {64, POOL, 128, POOL, 256, 256, POOL, 512, 512, POOL, 512, 512, POOL};
                dense = 512;
                batchNorm = true;
                break;
            case "vgg-16":
                plan = new int[] {64, 64, POOL, 128, 128, POOL, 256, 256, 256, POOL, 512, 512, 512, POOL,
                        512, 512, 512, POOL};
                dense = 512;
                batchNorm = true;
                break;
            default:
                throw new IllegalArgumentException("unknown model '" + model + "'; known: " + MODELS);
        }
        int side = Math.min(input.height(), input.width());
        int convIndex = 0;
        for (int step : plan) {
            if (step == POOL) {
                if (side < 2) {
                    continue; // 28x28 inputs run out of resolution before VGG's fifth pooling
                }
                list.layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .dataFormat(CNN2DFormat.NHWC).name("pool" + convIndex).build());
                side /= 2;
            } else {
                convIndex++;
                list.layer(new ConvolutionLayer.Builder(3, 3).nOut(scaled(step, width)).stride(1, 1).padding(1, 1)
                        .convolutionMode(ConvolutionMode.Truncate).dataFormat(CNN2DFormat.NHWC)
                        .activation(Activation.IDENTITY).name("conv" + convIndex).build());
                if (batchNorm) {
                    list.layer(new BatchNormalization.Builder().dataFormat(CNN2DFormat.NHWC).name("bn" + convIndex).build());
                }
                list.layer(new ActivationLayer.Builder().activation(Activation.RELU).name("relu" + convIndex).build());
            }
        }
        list.layer(new DenseLayer.Builder().nOut(scaled(dense, width)).activation(Activation.RELU).name("dense").build());
        list.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(classes)
                .activation(Activation.SOFTMAX).name("output").build());
        list.setInputType(InputType.convolutional(input.height(), input.width(), input.channels(), CNN2DFormat.NHWC));
        return list.build();
    }

    private static NeuralNetConfiguration.Builder base(long seed, IUpdater updater, double weightDecay) {
        NeuralNetConfiguration.Builder base = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.RELU)
                .updater(updater)
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                .cacheMode(CacheMode.DEVICE);
        if (weightDecay > 0) {
            base.weightDecay(weightDecay);
        }
        return base;
    }

    /**
     * ResNet-20 for small images (He et al. 2016, section 4.2): a 3x3 conv with 16 filters, three
     * stages of three basic blocks (two 3x3 convs with batch norm) with 16, 32, 64 filters (times
     * {@code width}), the second and third stage starting with stride 2, global average pooling and
     * the classifier. Where a block changes shape, its shortcut is a 1x1 conv with stride 2 and batch
     * norm (the paper's option B; option A's zero-padding has no DL4J layer). Convs have no bias (batch
     * norm follows each), activation is a separate ReLU layer, NHWC throughout, as on the fast path.
     */
    public static ComputationGraphConfiguration buildGraph(String model, InputShape input, int classes, double width,
                                                           long seed, IUpdater updater, double weightDecay) {
        if (!model.equals("resnet-20")) {
            throw new IllegalArgumentException("unknown graph model '" + model + "'");
        }
        ComputationGraphConfiguration.GraphBuilder g = base(seed, updater, weightDecay).graphBuilder()
                .addInputs("input")
                .setInputTypes(InputType.convolutional(input.height(), input.width(), input.channels(), CNN2DFormat.NHWC));
        int channels = scaled(16, width);
        String previous = convBnRelu(g, "conv1", channels, 3, 1, "input", true);
        int side = input.height();
        for (int stage = 0; stage < 3; stage++) {
            int filters = scaled(16 << stage, width);
            for (int block = 0; block < 3; block++) {
                int stride = stage > 0 && block == 0 ? 2 : 1;
                String name = "s" + (stage + 1) + "b" + (block + 1);
                String inner = convBnRelu(g, name + "_conv1", filters, 3, stride, previous, true);
                String residual = convBnRelu(g, name + "_conv2", filters, 3, 1, inner, false);
                String shortcut = previous;
                if (stride != 1 || channels != filters) {
                    shortcut = convBnRelu(g, name + "_shortcut", filters, 1, stride, previous, false);
                }
                g.addVertex(name + "_add", new ElementWiseVertex(ElementWiseVertex.Op.Add), residual, shortcut);
                g.addLayer(name + "_relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), name + "_add");
                previous = name + "_relu";
                channels = filters;
            }
            if (stage > 0) {
                side = (side + 1) / 2;
            }
        }
        g.addLayer("pool", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.AVG).kernelSize(side, side)
                .stride(side, side).dataFormat(CNN2DFormat.NHWC).build(), previous);
        g.addLayer("output", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(classes)
                .activation(Activation.SOFTMAX).build(), "pool");
        g.setOutputs("output");
        return g.build();
    }

    /** conv (no bias) -> batch norm [-> ReLU]; returns the last vertex's name. */
    private static String convBnRelu(ComputationGraphConfiguration.GraphBuilder g, String name, int filters, int kernel,
                                     int stride, String input, boolean relu) {
        int padding = kernel / 2;
        g.addLayer(name, new ConvolutionLayer.Builder(kernel, kernel).nOut(filters).stride(stride, stride)
                .padding(padding, padding).convolutionMode(ConvolutionMode.Truncate).dataFormat(CNN2DFormat.NHWC)
                .hasBias(false).activation(Activation.IDENTITY).build(), input);
        g.addLayer(name + "_bn", new BatchNormalization.Builder().dataFormat(CNN2DFormat.NHWC).build(), name);
        if (!relu) {
            return name + "_bn";
        }
        g.addLayer(name + "_relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), name + "_bn");
        return name + "_relu";
    }

    static int scaled(int filters, double width) {
        return Math.max(1, (int) Math.round(filters * width));
    }
}
