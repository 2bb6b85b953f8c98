package io.transferbench.runtime.internal.engine;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Start-up of Deeplearning4j: the fast path of STACK-NOTES.md switched on (oneDNN layer helpers,
 * which M2.1 leaves off by a system property), a check that the helpers really exist, and OpenBLAS
 * kept to one thread (docs/performance.md).
 */
public final class Dl4jEngine {

    static final String HELPERS_DISABLE = "org.eclipse.deeplearning4j.helpers.disable";
    static final String BLAS_THREADS_VARIABLE = "OPENBLAS_NUM_THREADS";
    private static final Logger LOG = LogManager.getLogger(Dl4jEngine.class);
    private static volatile Boolean helpersActive;

    private Dl4jEngine() {
    }

    /** Prepares ND4J once; returns whether convolution layers get their oneDNN helper. */
    public static synchronized boolean start() {
        if (helpersActive == null) {
            if (System.getProperty(HELPERS_DISABLE) == null) {
                System.setProperty(HELPERS_DISABLE, "false");
            }
            Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
            Nd4j.factory().blas().setMaxThreads(blasThreads(System.getenv(BLAS_THREADS_VARIABLE)));
            helpersActive = probeHelpers();
            if (helpersActive) {
                LOG.info("oneDNN layer helpers active; backend {}", Nd4j.getBackend().getClass().getSimpleName());
            } else {
                LOG.warn("*** oneDNN layer helpers are NOT active: convolutions will train about 10x slower. Check that "
                        + "transferbench-onednn-bridge and nd4j-native's linux-x86_64-onednn-avx2 JAR are on the class path "
                        + "and that -D{} is not true. ***", HELPERS_DISABLE);
            }
        }
        return helpersActive;
    }

    /**
     * OpenBLAS threads: the user's {@code OPENBLAS_NUM_THREADS} if it is a positive number, else 1.
     * ND4J gives OpenBLAS one thread per core, and its idle workers spin on sched_yield (millions of
     * calls a minute) while oneDNN's OpenMP threads need those cores for the convolutions; the only
     * GEMMs left to OpenBLAS are the small dense layers.
     */
    static int blasThreads(String variable) {
        if (variable != null) {
            try {
                int threads = Integer.parseInt(variable.trim());
                if (threads > 0) {
                    return threads;
                }
            } catch (NumberFormatException e) {
                LOG.warn("Ignoring {}={}: not a number of threads", BLAS_THREADS_VARIABLE, variable);
            }
        }
        return 1;
    }

    /** Threads OpenBLAS may use now. */
    public static int blasThreads() {
        return Nd4j.factory().blas().getMaxThreads();
    }

    /** Whether a conv layer of a fresh network gets a helper. */
    private static boolean probeHelpers() {
        try {
            MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1).list()
                    .layer(new ConvolutionLayer.Builder(3, 3).nOut(2).dataFormat(CNN2DFormat.NHWC)
                            .activation(Activation.IDENTITY).build())
                    .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                            .activation(Activation.SOFTMAX).build())
                    .setInputType(InputType.convolutional(5, 5, 1, CNN2DFormat.NHWC)).build());
            net.init();
            net.output(Nd4j.rand(DataType.FLOAT, 1, 5, 5, 1));
            Layer conv = net.getLayer(0);
            return conv instanceof org.deeplearning4j.nn.layers.convolution.ConvolutionLayer
                    && ((org.deeplearning4j.nn.layers.convolution.ConvolutionLayer) conv).getHelper() != null;
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("Could not check the oneDNN helpers: {}", e.toString());
            return false;
        }
    }
}
