package io.transferbench.runtime.internal.engine;

import org.bytedeco.dnnl.dnnl_batch_normalization_desc_t;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.nd4j.linalg.api.ndarray.INDArray;

import static io.transferbench.runtime.internal.engine.OneDnn.args;
import static io.transferbench.runtime.internal.engine.OneDnn.check;
import static io.transferbench.runtime.internal.engine.OneDnn.desc;
import static io.transferbench.runtime.internal.engine.OneDnn.execute;
import static io.transferbench.runtime.internal.engine.OneDnn.memory;
import static io.transferbench.runtime.internal.engine.OneDnn.point;
import static io.transferbench.runtime.internal.engine.OneDnn.primitive;
import static io.transferbench.runtime.internal.engine.OneDnn.primitiveDesc;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SCALE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SHIFT;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_MEAN;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SCALE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SHIFT;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_VARIANCE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WORKSPACE;
import static org.bytedeco.dnnl.global.dnnl.dnnl_backward;
import static org.bytedeco.dnnl.global.dnnl.dnnl_batch_normalization_backward_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_batch_normalization_forward_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_inference;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_training;
import static org.bytedeco.dnnl.global.dnnl.dnnl_fuse_norm_relu;
import static org.bytedeco.dnnl.global.dnnl.dnnl_nhwc;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_query_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_workspace_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_use_global_stats;
import static org.bytedeco.dnnl.global.dnnl.dnnl_use_scale;
import static org.bytedeco.dnnl.global.dnnl.dnnl_use_shift;
import static org.bytedeco.dnnl.global.dnnl.dnnl_x;

/**
 * Batch normalisation of NHWC activations by oneDNN called directly: its fused kernels compute the
 * batch mean and biased variance, normalise, and in the backward pass give the input gradient with
 * the batch-statistics terms and the gamma and beta gradients, each in one or two passes over the
 * data (libnd4j's batchnorm op takes the statistics as inputs and its backward pass treats them as
 * constants). Primitives are built once per input shape. Not thread-safe: one per layer.
 *
 * <p>With {@code reluAfter}, training passes also apply the ReLU that follows the layer (oneDNN's
 * {@code fuse_norm_relu}): the forward pass writes max(0, y) and keeps a bit mask of y > 0, and the
 * backward pass zeroes the incoming gradient where the mask is clear before its own arithmetic.
 * Inference never fuses.
 */
final class DirectBatchNorm {

    private final float epsilon;
    private final boolean reluAfter;
    private final PlansByShape<Plan> plans = new PlansByShape<>(Plan::new, Plan::close);

    DirectBatchNorm(double epsilon, boolean reluAfter) {
        this.epsilon = (float) epsilon;
        this.reluAfter = reluAfter;
    }

    float epsilon() {
        return epsilon;
    }

    boolean reluAfter() {
        return reluAfter;
    }

    /** Frees oneDNN's objects of every input shape seen. */
    void close() {
        plans.clear();
    }

    /**
     * The normalised output (in training followed by the ReLU if {@link #reluAfter}): in training from
     * the batch's statistics, which land in {@code mean} and {@code variance}; in inference from the
     * given (running) ones.
     */
    void forward(boolean training, INDArray x, INDArray gamma, INDArray beta, INDArray mean, INDArray variance,
                 INDArray out) {
        Plan p = plans.get(x.shape());
        p.bind(x, gamma, beta, mean, variance);
        point(p.dst, out);
        if (training) {
            execute(p.training, p.trainingArgs);
        } else {
            execute(p.inference, p.inferenceArgs);
        }
        OneDnn.await();
    }

    /**
     * The input gradient and gamma's and beta's, for the batch statistics (and, fused, the ReLU mask)
     * of the last training pass of this shape.
     */
    void backward(INDArray x, INDArray gamma, INDArray beta, INDArray mean, INDArray variance, INDArray epsilonIn,
                  INDArray dx, INDArray dGamma, INDArray dBeta) {
        Plan p = plans.get(x.shape());
        p.bind(x, gamma, beta, mean, variance); // oneDNN 2.5 asks for the shift though the gradient does not use it
        point(p.diffDst, epsilonIn);
        point(p.diffSrc, dx);
        point(p.diffScale, dGamma);
        point(p.diffShift, dBeta);
        execute(p.backward, p.backwardArgs);
        OneDnn.await();
    }

    /** Primitives and user memories (all over ND4J buffers, NHWC as it is) for one input shape. */
    private final class Plan {
        private final OneDnn.Owned owned = new OneDnn.Owned();
        final dnnl_memory src;
        final dnnl_memory dst;
        final dnnl_memory mean;
        final dnnl_memory variance;
        final dnnl_memory scale;
        final dnnl_memory shift;
        final dnnl_memory diffDst;
        final dnnl_memory diffSrc;
        final dnnl_memory diffScale;
        final dnnl_memory diffShift;
        final dnnl_primitive training;
        final dnnl_exec_arg_t trainingArgs;
        final dnnl_primitive inference;
        final dnnl_exec_arg_t inferenceArgs;
        final dnnl_primitive backward;
        final dnnl_exec_arg_t backwardArgs;

        Plan(long[] nhwc) {
            dnnl_memory_desc_t data = desc(new long[] {nhwc[0], nhwc[3], nhwc[1], nhwc[2]}, dnnl_nhwc);
            dnnl_memory_desc_t channel = desc(new long[] {nhwc[3]}, dnnl_x);
            int scaleShift = dnnl_use_scale | dnnl_use_shift;
            int trainingFlags = reluAfter ? scaleShift | dnnl_fuse_norm_relu : scaleShift;
            dnnl_batch_normalization_desc_t trainingDesc = new dnnl_batch_normalization_desc_t();
            check(dnnl_batch_normalization_forward_desc_init(trainingDesc, dnnl_forward_training, data, epsilon,
                    trainingFlags), "batch norm descriptor");
            dnnl_primitive_desc trainingPd = owned.add(primitiveDesc(trainingDesc, null, "batch norm"));
            dnnl_batch_normalization_desc_t inferenceDesc = new dnnl_batch_normalization_desc_t();
            check(dnnl_batch_normalization_forward_desc_init(inferenceDesc, dnnl_forward_inference, data, epsilon,
                    scaleShift | dnnl_use_global_stats), "batch norm inference descriptor");
            dnnl_primitive_desc inferencePd = owned.add(primitiveDesc(inferenceDesc, null, "batch norm inference"));
            dnnl_batch_normalization_desc_t backwardDesc = new dnnl_batch_normalization_desc_t();
            check(dnnl_batch_normalization_backward_desc_init(backwardDesc, dnnl_backward, data, data, epsilon,
                    trainingFlags), "batch norm backward descriptor");
            dnnl_primitive_desc backwardPd = owned.add(primitiveDesc(backwardDesc, trainingPd, "batch norm backward"));
            src = owned.add(memory(data, 0));
            dst = owned.add(memory(data, 0));
            diffDst = owned.add(memory(data, 0));
            diffSrc = owned.add(memory(data, 0));
            mean = owned.add(memory(channel, 0));
            variance = owned.add(memory(channel, 0));
            scale = owned.add(memory(channel, 0));
            shift = owned.add(memory(channel, 0));
            diffScale = owned.add(memory(channel, 0));
            diffShift = owned.add(memory(channel, 0));
            training = owned.add(primitive(trainingPd));
            inference = owned.add(primitive(inferencePd));
            inferenceArgs = args(DNNL_ARG_SRC, src, DNNL_ARG_SCALE, scale, DNNL_ARG_SHIFT, shift, DNNL_ARG_MEAN, mean,
                    DNNL_ARG_VARIANCE, variance, DNNL_ARG_DST, dst);
            backward = owned.add(primitive(backwardPd));
            // with the ReLU fused, both passes also take its mask (written forward, read backward); oneDNN allocates it
            Object[] mask = reluAfter ? new Object[] {DNNL_ARG_WORKSPACE,
                    owned.add(memory(dnnl_primitive_desc_query_md(trainingPd, dnnl_query_workspace_md, 0), -1))}
                    : new Object[0];
            trainingArgs = args(with(mask, DNNL_ARG_SRC, src, DNNL_ARG_SCALE, scale, DNNL_ARG_SHIFT, shift, DNNL_ARG_DST,
                    dst, DNNL_ARG_MEAN, mean, DNNL_ARG_VARIANCE, variance));
            backwardArgs = args(with(mask, DNNL_ARG_SRC, src, DNNL_ARG_MEAN, mean, DNNL_ARG_VARIANCE, variance,
                    DNNL_ARG_DIFF_DST, diffDst, DNNL_ARG_SCALE, scale, DNNL_ARG_SHIFT, shift, DNNL_ARG_DIFF_SRC, diffSrc,
                    DNNL_ARG_DIFF_SCALE, diffScale, DNNL_ARG_DIFF_SHIFT, diffShift));
        }

        private static Object[] with(Object[] extra, Object... pairs) {
            Object[] all = java.util.Arrays.copyOf(pairs, pairs.length + extra.length);
            System.arraycopy(extra, 0, all, pairs.length, extra.length);
            return all;
        }

        void bind(INDArray x, INDArray gamma, INDArray beta, INDArray m, INDArray v) {
            point(src, x);
            point(scale, gamma);
            point(shift, beta);
            point(mean, m);
            point(variance, v);
        }

        void close() {
            owned.close();
        }
    }
}
