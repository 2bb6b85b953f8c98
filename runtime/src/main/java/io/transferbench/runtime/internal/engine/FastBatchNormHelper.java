package io.transferbench.runtime.internal.engine;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.layers.normalization.BatchNormalizationHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.SquaredDifferenceOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.lang.reflect.Field;
import java.util.Map;

/**
 * The training-time batch normalisation of NHWC activations, put in place of the oneDNN helper that
 * DL4J's {@code BatchNormalization} layer holds. The layer itself stays DL4J's: it still updates the
 * running mean and log10 standard deviation with its own rule, from the batch statistics this
 * helper hands it exactly as the stock helper does (mean and biased variance over N, H and W), and
 * its configuration and parameters are untouched, so saved models hold stock layers.
 *
 * <p>Why: the stock helper computes the statistics with ND4J reductions over the non-contiguous
 * dimensions 0, 1 and 2 (about 60 ms each for a 128x28x28x64 batch here) and libnd4j's
 * {@code batchnorm_bp} adds the batch-statistics terms to oneDNN's gradient with more such
 * reductions; batch norm's backward pass was a third of VGG-11's op time (docs/performance.md).
 *
 * <p>Here, where oneDNN's own library loads ({@link OneDnn}), each pass is one call of oneDNN's
 * fused batch-norm primitives on the NHWC data as it lies ({@link DirectBatchNorm}): statistics and
 * normalisation forward, and backward the input gradient with the batch-statistics terms and gamma's
 * and beta's gradients. Otherwise every per-channel sum is a matrix-vector product of the
 * activations seen as an [N*H*W, C] matrix with a vector of ones (about 3 ms for the same batch),
 * and every element-wise pass is libnd4j's batch-norm op or one vectorised ND4J op.
 *
 * <p>The backward pass, with M = N*H*W, x̂ = (x - mean) / sqrt(var + eps) and k = gamma / sqrt(var + eps):
 * dbeta = Σ dy, dgamma = Σ dy·x̂, dx = k·(dy - dbeta/M) - (k·dgamma/M)·x̂.
 */
final class FastBatchNormHelper implements BatchNormalizationHelper {

    private static final int NHWC_CHANNEL_AXIS = 3;
    // BatchNormalization.helper is package-private
    private static final Field LAYER_HELPER = LayerSwap.dl4jField(BatchNormalization.class, "helper",
            "Batch norm trains with DL4J's own helper");

    private INDArray meanCache;
    private INDArray varCache;
    private INDArray ones;
    private DirectBatchNorm direct;
    private boolean reluAfter;
    private final FastReluLayer.AppliedRelu appliedRelu = new FastReluLayer.AppliedRelu();

    /** Gives every NHWC batch-norm layer with an active oneDNN helper this helper; returns how many. */
    static int install(Model net) {
        if (LAYER_HELPER == null) {
            return 0;
        }
        Layer[] layers = net instanceof MultiLayerNetwork m ? m.getLayers() : ((ComputationGraph) net).getLayers();
        int replaced = 0;
        for (Layer layer : layers) {
            if (layer instanceof BatchNormalization bn && bn.getHelper() instanceof MKLDNNBatchNormHelper
                    && ((org.deeplearning4j.nn.conf.layers.BatchNormalization) bn.conf().getLayer()).getCnn2DFormat()
                    == CNN2DFormat.NHWC) {
                try {
                    LAYER_HELPER.set(bn, new FastBatchNormHelper());
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException("cannot set the batch-norm helper of layer " + bn.getIndex(), e);
                }
                replaced++;
            }
        }
        return replaced;
    }

    /**
     * Applies the ReLU layer that follows in training passes where oneDNN runs ({@link ReluFusion}
     * links the two when that layer is the only consumer); returns what tells that layer so.
     */
    FastReluLayer.ReluProducer applyReluAfter() {
        reluAfter = true;
        return appliedRelu;
    }

    /** What this helper computes: FLOAT, rank 4, NHWC; anything else the layer does itself. */
    private static boolean handles(INDArray x, CNN2DFormat format) {
        return x.dataType() == DataType.FLOAT && x.rank() == 4 && format == CNN2DFormat.NHWC;
    }

    @Override
    public INDArray preOutput(INDArray x, boolean training, long[] shape, INDArray gamma, INDArray beta,
                              INDArray mean, INDArray var, double decay, double eps, CNN2DFormat format,
                              LayerWorkspaceMgr workspaceMgr) {
        if (!handles(x, format)) {
            return null;
        }
        x = Networks.dense(x);
        appliedRelu.mark(null);
        if (gamma != null && beta != null && direct(eps) != null) {
            INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, x.dataType(), x.shape(), 'c');
            if (training) {
                prepareCaches(x.size(3));
                direct.forward(true, x, Networks.dense(flat(gamma)), Networks.dense(flat(beta)), meanCache, varCache,
                        out);
                appliedRelu.mark(direct.reluAfter() ? out : null);
            } else {
                direct.forward(false, x, Networks.dense(flat(gamma)), Networks.dense(flat(beta)),
                        Networks.dense(flat(mean)), Networks.dense(flat(var)), out);
            }
            return out;
        }
        if (training) {
            INDArray rows = asRows(x);
            prepareCaches(rows.size(1));
            // mean, then the biased variance around it (two passes: no cancellation when |mean| >> std)
            columnSums(rows, meanCache, 1.0 / rows.size(0));
            INDArray squares = workspaceMgr.createUninitialized(ArrayType.FF_WORKING_MEM, DataType.FLOAT, rows.shape(), 'c');
            Nd4j.exec(new SquaredDifferenceOp(rows, meanCache.reshape(1, meanCache.length()), squares));
            columnSums(squares, varCache, 1.0 / rows.size(0));
            mean = meanCache;
            var = varCache;
        }
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, x.dataType(), x.shape(), 'c');
        batchNorm(x, flat(mean), flat(var), gamma == null ? null : flat(gamma), beta == null ? null : flat(beta), eps,
                out);
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray input, INDArray epsilon, long[] shape, INDArray gamma,
                                                     INDArray beta, INDArray dGammaView, INDArray dBetaView, double eps,
                                                     CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
        if (!handles(input, format) || meanCache == null) {
            return null;
        }
        input = Networks.dense(input);
        epsilon = Networks.dense(epsilon);
        if (gamma != null && beta != null && direct(eps) != null) {
            INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, input.shape(), 'c');
            INDArray dGamma = Nd4j.createUninitialized(DataType.FLOAT, meanCache.length());
            INDArray dBeta = Nd4j.createUninitialized(DataType.FLOAT, meanCache.length());
            direct.backward(input, Networks.dense(flat(gamma)), Networks.dense(flat(beta)), meanCache, varCache,
                    epsilon, dx, dGamma, dBeta);
            return gradients(dGamma, dBeta, dGammaView, dBetaView, dx);
        }
        INDArray rows = asRows(input);
        prepareCaches(rows.size(1));
        INDArray dyRows = asRows(epsilon);
        long m = rows.size(0);
        long channels = rows.size(1);
        INDArray gammaFlat = flat(gamma);

        INDArray dBeta = Nd4j.createUninitialized(DataType.FLOAT, channels);
        columnSums(dyRows, dBeta, 1.0);
        INDArray xHat = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.FLOAT, rows.shape(), 'c');
        batchNorm(rows.reshape(input.shape()), meanCache, varCache, null, null, eps, xHat.reshape(input.shape()));
        INDArray product = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.FLOAT, rows.shape(), 'c');
        Nd4j.exec(new MulOp(xHat, dyRows, product));
        INDArray dGamma = Nd4j.createUninitialized(DataType.FLOAT, channels);
        columnSums(product, dGamma, 1.0);

        // k = gamma / sqrt(var + eps); the first term k·(dy - dbeta/M) is oneDNN's batch norm of dy
        // with mean dbeta/M, variance 1 and scale k·sqrt(1 + eps)
        INDArray inverseStd = Transforms.pow(varCache.add(eps), -0.5, false);
        INDArray k = inverseStd.mul(gammaFlat);
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, input.shape(), 'c');
        batchNorm(epsilon, dBeta.div(m), Nd4j.ones(DataType.FLOAT, channels), k.mul(Math.sqrt(1 + eps)), null, eps, dx);
        // minus (k·dgamma/M)·x̂
        Nd4j.exec(new BroadcastMulOp(xHat, k.mul(dGamma).divi(-m), product, 1));
        asRows(dx).addi(product);

        return gradients(dGamma, dBeta, dGammaView, dBetaView, dx);
    }

    private static Pair<Gradient, INDArray> gradients(INDArray dGamma, INDArray dBeta, INDArray dGammaView,
                                                      INDArray dBetaView, INDArray dx) {
        dGammaView.assign(dGamma.reshape(dGammaView.shape()));
        dBetaView.assign(dBeta.reshape(dBetaView.shape()));
        Gradient gradient = new DefaultGradient();
        gradient.setGradientFor(BatchNormalizationParamInitializer.GAMMA, dGammaView);
        gradient.setGradientFor(BatchNormalizationParamInitializer.BETA, dBetaView);
        return new Pair<>(gradient, dx);
    }

    /** oneDNN's fused batch norm for this epsilon, or null where oneDNN's own library is off. */
    private DirectBatchNorm direct(double eps) {
        if (direct == null || direct.epsilon() != (float) eps || direct.reluAfter() != reluAfter) {
            if (direct != null) {
                direct.close();
            }
            direct = OneDnn.available() ? new DirectBatchNorm(eps, reluAfter) : null;
        }
        return direct;
    }

    /** An [N, H, W, C] array as the [N*H*W, C] matrix it is in memory. */
    private static INDArray asRows(INDArray nhwc) {
        return nhwc.reshape('c', nhwc.size(0) * nhwc.size(1) * nhwc.size(2), nhwc.size(3));
    }

    private static INDArray flat(INDArray perChannel) {
        return perChannel.rank() == 1 ? perChannel : perChannel.reshape(perChannel.length());
    }

    /** target = scale · (column sums of rows): one GEMV against a vector of ones. */
    private void columnSums(INDArray rows, INDArray target, double scale) {
        if (ones == null || ones.size(0) != rows.size(0)) {
            try (MemoryWorkspace outside = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                ones = Nd4j.ones(DataType.FLOAT, rows.size(0), 1);
            }
        }
        INDArray column = target.reshape(target.length(), 1);
        Nd4j.gemm(rows, ones, column, true, false, scale, 0.0);
        if (column.data() != target.data()) {
            target.assign(column.reshape(target.shape()));
        }
    }

    /** The batch mean and variance the layer reads back, outside any workspace: they outlive the pass. */
    private void prepareCaches(long channels) {
        if (meanCache == null || meanCache.length() != channels) {
            try (MemoryWorkspace outside = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                meanCache = Nd4j.createUninitialized(DataType.FLOAT, channels);
                varCache = Nd4j.createUninitialized(DataType.FLOAT, channels);
            }
        }
    }

    /** libnd4j's batchnorm op (oneDNN's kernel) over the channel axis of NHWC data. */
    private static void batchNorm(INDArray x, INDArray mean, INDArray var, INDArray gamma, INDArray beta, double eps,
                                  INDArray out) {
        java.util.List<INDArray> inputs = new java.util.ArrayList<>(java.util.List.of(x, mean, var));
        if (gamma != null) {
            inputs.add(gamma);
        }
        if (beta != null) {
            inputs.add(beta);
        }
        Nd4j.exec(DynamicCustomOp.builder("batchnorm").addInputs(inputs.toArray(INDArray[]::new))
                .addIntegerArguments(gamma != null ? 1 : 0, beta != null ? 1 : 0, NHWC_CHANNEL_AXIS)
                .addFloatingPointArguments(eps).addOutputs(out).build());
    }

    @Override
    public INDArray getMeanCache(DataType dataType) {
        return meanCache;
    }

    @Override
    public INDArray getVarCache(DataType dataType) {
        return varCache;
    }

    @Override
    public boolean checkSupported(double eps, boolean fixedGammaBeta) {
        return true;
    }

    @Override
    public boolean checkSupported() {
        return true;
    }

    @Override
    public Map<String, Long> helperMemoryUse() {
        return Map.of();
    }

}
