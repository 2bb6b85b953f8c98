package io.transferbench.runtime.internal.engine;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.CacheMode;
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

    public static final List<String> MODELS = List.of("small-cnn", "bench-cnn", "vgg-11", "vgg-16");
    private static final int POOL = -1;

    /** Input images: height, width, channels. */
    public record InputShape(int height, int width, int channels) {
    }

    private ModelBuilder() {
    }

    public static MultiLayerConfiguration build(String model, InputShape input, int classes, double width, long seed,
                                                IUpdater updater, double weightDecay) {
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
        NeuralNetConfiguration.ListBuilder list = base.list();
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

    static int scaled(int filters, double width) {
        return Math.max(1, (int) Math.round(filters * width));
    }
}
