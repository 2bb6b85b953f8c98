package io.transferbench.runtime.internal.engine;

import static io.transferbench.runtime.internal.engine.OneDnn.args;
import static io.transferbench.runtime.internal.engine.OneDnn.check;
import static io.transferbench.runtime.internal.engine.OneDnn.desc;
import static io.transferbench.runtime.internal.engine.OneDnn.execute;
import static io.transferbench.runtime.internal.engine.OneDnn.primitive;

import org.bytedeco.dnnl.dnnl_convolution_desc_t;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.nd4j.linalg.api.ndarray.INDArray;


import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_FROM;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_TO;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_backward_data_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_backward_weights_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_direct;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_forward_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_format_tag_any;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_training;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_equal;
import static org.bytedeco.dnnl.global.dnnl.dnnl_aBcd16b;
import static org.bytedeco.dnnl.global.dnnl.dnnl_aBcd8b;
import static org.bytedeco.dnnl.global.dnnl.dnnl_nhwc;
import static org.bytedeco.dnnl.global.dnnl.dnnl_oihw;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_query_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_diff_dst_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_diff_src_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_diff_weights_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_dst_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_src_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_weights_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_reorder_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_x;

/**
 * One NHWC convolution run by oneDNN directly (JavaCPP's {@code dnnl} preset, its own copy of
 * oneDNN beside libnd4j's), with the direct algorithm for all three passes and the primitives built
 * once per input shape. libnd4j M2.1 asks oneDNN for {@code convolution_auto}, which gets Winograd
 * for every backward pass of more than 8 images (slower here than direct, up to 40x on tiny maps),
 * and rebuilds its primitive descriptors on every call; both are fixed in its native code.
 *
 * <p>Arrays stay ND4J's: user memories point into their buffers (NHWC activations, DL4J's
 * [out, in, kh, kw] weights), and oneDNN's blocked copies are made and read back by reorders around
 * each primitive, as libnd4j does. Not thread-safe: one per layer, used by the thread that trains.
 */
final class DirectConvolution {


    private final long outChannels;
    private final long[] kernel;
    private final long[] strides;
    private final long[] padding;
    private final boolean hasBias;
    private final PlansByShape<Plan> plans = new PlansByShape<>(Plan::new, Plan::close);

    DirectConvolution(long outChannels, int[] kernel, int[] strides, int[] padding, boolean hasBias) {
        this.outChannels = outChannels;
        this.kernel = new long[] {kernel[0], kernel[1]};
        this.strides = new long[] {strides[0], strides[1]};
        this.padding = new long[] {padding[0], padding[1]};
        this.hasBias = hasBias;
    }

    /** The NHWC output shape for an NHWC input shape. */
    long[] outputShape(long[] input) {
        return new long[] {input[0], outputSize(input[1], 0), outputSize(input[2], 1), outChannels};
    }

    private long outputSize(long in, int axis) {
        return (in + 2 * padding[axis] - kernel[axis]) / strides[axis] + 1;
    }

    /** output = conv(input, weights) + bias; all dense C-ordered, bias null when the layer has none. */
    void forward(INDArray input, INDArray weights, INDArray bias, INDArray output) {
        Plan p = plans.get(input.shape());
        p.src.user(input);
        p.weights.user(weights);
        p.dst.user(output);
        if (hasBias) {
            p.bias.user(bias);
        }
        p.src.convert();
        p.heldInput = input;
        p.weights.convert();
        execute(p.forward, p.forwardArgs);
        p.dst.convert();
        OneDnn.await();
    }

    /** The input gradient into {@code inputGradient}, the parameter gradients into their views. */
    void backward(INDArray input, INDArray weights, INDArray epsilon, INDArray inputGradient, INDArray weightGradient,
                  INDArray biasGradient) {
        Plan p = plans.get(input.shape());
        p.dataDiffDst.user(epsilon);
        p.dataWeights.user(weights);
        p.diffSrc.user(inputGradient);
        p.diffWeights.user(weightGradient);
        if (hasBias) {
            p.diffBias.user(biasGradient);
        }
        p.dataDiffDst.convert();
        p.dataWeights.convert();
        execute(p.backwardData, p.backwardDataArgs);
        p.diffSrc.convert();
        // the forward pass's copy of this very input serves again, as does the one copy of the gradient
        if (p.weightsSrc != p.src || p.heldInput != input) {
            p.weightsSrc.user(input);
            p.weightsSrc.convert();
        }
        if (p.weightsDiffDst != p.dataDiffDst) {
            p.weightsDiffDst.user(epsilon);
            p.weightsDiffDst.convert();
        }
        execute(p.backwardWeights, p.backwardWeightsArgs);
        p.diffWeights.convert();
        OneDnn.await();
    }

    /** Primitives, memories and reorders for one input shape; oneDNN's objects freed by {@link #close}. */
    private final class Plan {
        private final OneDnn.Owned owned = new OneDnn.Owned();
        final Memory src;
        final Memory weights;
        final Memory dst;
        final Memory bias;
        final dnnl_primitive forward;
        final dnnl_exec_arg_t forwardArgs;
        final Memory dataDiffDst;
        final Memory dataWeights;
        final Memory diffSrc;
        final dnnl_primitive backwardData;
        final dnnl_exec_arg_t backwardDataArgs;
        final Memory weightsSrc;
        final Memory weightsDiffDst;
        final Memory diffWeights;
        final Memory diffBias;
        final dnnl_primitive backwardWeights;
        final dnnl_exec_arg_t backwardWeightsArgs;
        // the input whose copy src holds (forward), for the backward pass of the same batch to reuse
        INDArray heldInput;

        Plan(long[] nhwc) {
            long n = nhwc[0];
            long h = nhwc[1];
            long w = nhwc[2];
            long c = nhwc[3];
            long[] out = outputShape(nhwc);
            // oneDNN's right padding is what makes its output size DL4J's (Truncate drops the rest)
            long[] paddingRight = {(out[1] - 1) * strides[0] + kernel[0] - h - padding[0],
                    (out[2] - 1) * strides[1] + kernel[1] - w - padding[1]};
            long[] srcDims = {n, c, h, w};
            long[] weightDims = {outChannels, c, kernel[0], kernel[1]};
            long[] dstDims = {n, outChannels, out[1], out[2]};
            dnnl_memory_desc_t srcUser = desc(srcDims, dnnl_nhwc);
            dnnl_memory_desc_t weightsUser = desc(weightDims, dnnl_oihw);
            dnnl_memory_desc_t dstUser = desc(dstDims, dnnl_nhwc);
            dnnl_memory_desc_t biasDesc = hasBias ? desc(new long[] {outChannels}, dnnl_x) : null;
            dnnl_memory_desc_t srcAny = desc(srcDims, dnnl_format_tag_any);
            dnnl_memory_desc_t weightsAny = desc(weightDims, dnnl_format_tag_any);
            dnnl_memory_desc_t dstAny = desc(dstDims, dnnl_format_tag_any);

            dnnl_convolution_desc_t forwardDesc = new dnnl_convolution_desc_t();
            check(dnnl_convolution_forward_desc_init(forwardDesc, dnnl_forward_training, dnnl_convolution_direct, srcAny,
                    weightsAny, biasDesc, dstAny, strides, padding, paddingRight), "forward descriptor");
            dnnl_primitive_desc forwardPd = OneDnn.primitiveDesc(forwardDesc, null, "forward");
            dnnl_convolution_desc_t dataDesc = new dnnl_convolution_desc_t();
            check(dnnl_convolution_backward_data_desc_init(dataDesc, dnnl_convolution_direct, srcAny, weightsAny, dstAny,
                    strides, padding, paddingRight), "backward data descriptor");
            dnnl_primitive_desc dataPd = OneDnn.primitiveDesc(dataDesc, forwardPd, "backward data");
            dnnl_convolution_desc_t weightsDesc = new dnnl_convolution_desc_t();
            check(dnnl_convolution_backward_weights_desc_init(weightsDesc, dnnl_convolution_direct, srcAny, weightsAny,
                    biasDesc, dstAny, strides, padding, paddingRight), "backward weights descriptor");
            dnnl_primitive_desc weightsPd = OneDnn.primitiveDesc(weightsDesc, forwardPd, "backward weights");
            owned.add(forwardPd);
            owned.add(dataPd);
            owned.add(weightsPd);

            src = memory(srcUser, dnnl_primitive_desc_query_md(forwardPd, dnnl_query_src_md, 0), true);
            weights = memory(weightsUser, dnnl_primitive_desc_query_md(forwardPd, dnnl_query_weights_md, 0), true);
            dst = memory(dstUser, dnnl_primitive_desc_query_md(forwardPd, dnnl_query_dst_md, 0), false);
            bias = hasBias ? memory(biasDesc, biasDesc, true) : null;
            forward = owned.add(primitive(forwardPd));
            forwardArgs = hasBias
                    ? args(DNNL_ARG_SRC, src.inside, DNNL_ARG_WEIGHTS, weights.inside, DNNL_ARG_BIAS, bias.inside,
                    DNNL_ARG_DST, dst.inside)
                    : args(DNNL_ARG_SRC, src.inside, DNNL_ARG_WEIGHTS, weights.inside, DNNL_ARG_DST, dst.inside);

            dataDiffDst = memory(dstUser, dnnl_primitive_desc_query_md(dataPd, dnnl_query_diff_dst_md, 0), true);
            dataWeights = memory(weightsUser, dnnl_primitive_desc_query_md(dataPd, dnnl_query_weights_md, 0), true);
            diffSrc = memory(srcUser, dnnl_primitive_desc_query_md(dataPd, dnnl_query_diff_src_md, 0), false);
            backwardData = owned.add(primitive(dataPd));
            backwardDataArgs = args(DNNL_ARG_DIFF_DST, dataDiffDst.inside, DNNL_ARG_WEIGHTS, dataWeights.inside,
                    DNNL_ARG_DIFF_SRC, diffSrc.inside);

            weightsSrc = shared(src, srcUser, dnnl_primitive_desc_query_md(weightsPd, dnnl_query_src_md, 0));
            weightsDiffDst = shared(dataDiffDst, dstUser,
                    dnnl_primitive_desc_query_md(weightsPd, dnnl_query_diff_dst_md, 0));
            diffWeights = memory(weightsUser, dnnl_primitive_desc_query_md(weightsPd, dnnl_query_diff_weights_md, 0),
                    false);
            diffBias = hasBias ? memory(biasDesc, biasDesc, false) : null;
            backwardWeights = owned.add(primitive(weightsPd));
            backwardWeightsArgs = hasBias
                    ? args(DNNL_ARG_SRC, weightsSrc.inside, DNNL_ARG_DIFF_DST, weightsDiffDst.inside,
                    DNNL_ARG_DIFF_WEIGHTS, diffWeights.inside, DNNL_ARG_DIFF_BIAS, diffBias.inside)
                    : args(DNNL_ARG_SRC, weightsSrc.inside, DNNL_ARG_DIFF_DST, weightsDiffDst.inside,
                    DNNL_ARG_DIFF_WEIGHTS, diffWeights.inside);
        }

        /** Frees oneDNN's memories (its blocked buffers among them), primitives and descriptors. */
        void close() {
            owned.close();
        }

        /** {@code other} itself if the primitive wants the array in the layout other holds it in, else a new memory. */
        private Memory shared(Memory other, dnnl_memory_desc_t userDesc, dnnl_memory_desc_t primitiveDesc) {
            return dnnl_memory_desc_equal(other.insideDesc, primitiveDesc) != 0 ? other
                    : memory(userDesc, primitiveDesc, true);
        }

        private Memory memory(dnnl_memory_desc_t userDesc, dnnl_memory_desc_t primitiveDesc, boolean input) {
            Memory m = new Memory(userDesc, primitiveDesc, input);
            owned.add(m.user);
            if (m.reorder != null) {
                owned.add(m.inside);
                owned.add(m.reorder);
            }
            return m;
        }
    }

    /**
     * An array as a primitive sees it: the user memory over the ND4J buffer and, where the primitive
     * wants another layout, oneDNN's own memory and the reorder between the two.
     */
    private static final class Memory {
        final dnnl_memory user;
        final dnnl_memory inside;
        final dnnl_memory_desc_t insideDesc;
        final dnnl_primitive reorder;
        final dnnl_exec_arg_t reorderArgs;

        Memory(dnnl_memory_desc_t userDesc, dnnl_memory_desc_t primitiveDesc, boolean input) {
            insideDesc = primitiveDesc;
            if (dnnl_memory_desc_equal(userDesc, primitiveDesc) != 0 || sameBytes(userDesc, primitiveDesc)) {
                user = OneDnn.memory(primitiveDesc, 0);
                inside = user;
                reorder = null;
                reorderArgs = null;
            } else {
                user = OneDnn.memory(userDesc, 0);
                inside = OneDnn.memory(primitiveDesc, -1); // DNNL_MEMORY_ALLOCATE: oneDNN allocates
                dnnl_primitive_desc pd = new dnnl_primitive_desc();
                check(input ? dnnl_reorder_primitive_desc_create(pd, userDesc, OneDnn.engine, primitiveDesc, OneDnn.engine, null)
                        : dnnl_reorder_primitive_desc_create(pd, primitiveDesc, OneDnn.engine, userDesc, OneDnn.engine, null), "reorder");
                reorder = primitive(pd);
                dnnl_primitive_desc_destroy(pd); // the primitive keeps what it needs
                reorderArgs = input ? args(DNNL_ARG_FROM, user, DNNL_ARG_TO, inside)
                        : args(DNNL_ARG_FROM, inside, DNNL_ARG_TO, user);
            }
        }

        /**
         * Whether NHWC data is already in the channel-blocked layout the primitive asks for: with C
         * channels in one block of C ([N, C/C, H, W, C]), both are the same bytes and a reorder would copy.
         */
        private static boolean sameBytes(dnnl_memory_desc_t userDesc, dnnl_memory_desc_t primitiveDesc) {
            if (userDesc.ndims() != 4 || dnnl_memory_desc_equal(userDesc, desc(dims(userDesc), dnnl_nhwc)) == 0) {
                return false;
            }
            long channels = userDesc.dims().get(1);
            int blocked = channels == 16 ? dnnl_aBcd16b : channels == 8 ? dnnl_aBcd8b : -1;
            return blocked != -1 && dnnl_memory_desc_equal(primitiveDesc, desc(dims(userDesc), blocked)) != 0;
        }

        private static long[] dims(dnnl_memory_desc_t d) {
            long[] dims = new long[d.ndims()];
            for (int i = 0; i < dims.length; i++) {
                dims[i] = d.dims().get(i);
            }
            return dims;
        }

        void user(INDArray array) {
            OneDnn.point(user, array);
        }

        /** Copies between the two layouts, in the direction the memory was made for; nothing if they are one. */
        void convert() {
            if (reorder != null) {
                execute(reorder, reorderArgs);
            }
        }
    }

}
