package io.transferbench.runtime.internal.engine;

import org.bytedeco.dnnl.dnnl_binary_desc_t;
import org.bytedeco.dnnl.dnnl_eltwise_desc_t;
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
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_0;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_1;
import static org.bytedeco.dnnl.global.dnnl.dnnl_binary_add;
import static org.bytedeco.dnnl.global.dnnl.dnnl_binary_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_backward_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_forward_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_relu_use_dst_for_bwd;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_training;
import static org.bytedeco.dnnl.global.dnnl.dnnl_x;

/**
 * The sum of two arrays followed by a ReLU, by oneDNN called directly: forward max(0, a + b) in one
 * pass (a binary primitive with a ReLU post-op), backward the incoming gradient where that output is
 * positive, else 0 (ReLU's gradient read from its output), in one pass. Arrays are dense, of one
 * shape, and seen as flat vectors. Primitives are built once per length. Not thread-safe: one per vertex.
 */
final class DirectAddRelu {

    private final PlansByShape<Plan> plans = new PlansByShape<>(Plan::new, Plan::close);

    /** out = max(0, a + b). */
    void forward(INDArray a, INDArray b, INDArray out) {
        Plan p = plans.get(new long[] {out.length()});
        point(p.a, a);
        point(p.b, b);
        point(p.sum, out);
        execute(p.add, p.addArgs);
        OneDnn.await();
    }

    /** delta = epsilon where {@code out} (this pass's output) is positive, else 0. */
    void backward(INDArray out, INDArray epsilon, INDArray delta) {
        Plan p = plans.get(new long[] {out.length()});
        point(p.sum, out);
        point(p.diffSum, epsilon);
        point(p.diffInputs, delta);
        execute(p.mask, p.maskArgs);
        OneDnn.await();
    }

    /** Frees oneDNN's objects of every length seen. */
    void close() {
        plans.clear();
    }

    private static final class Plan {
        private final OneDnn.Owned owned = new OneDnn.Owned();
        final dnnl_memory a;
        final dnnl_memory b;
        final dnnl_memory sum;
        final dnnl_memory diffSum;
        final dnnl_memory diffInputs;
        final dnnl_primitive add;
        final dnnl_exec_arg_t addArgs;
        final dnnl_primitive mask;
        final dnnl_exec_arg_t maskArgs;

        Plan(long[] length) {
            dnnl_memory_desc_t data = desc(length, dnnl_x);
            dnnl_binary_desc_t addDesc = new dnnl_binary_desc_t();
            check(dnnl_binary_desc_init(addDesc, dnnl_binary_add, data, data, data), "add descriptor");
            dnnl_primitive_desc addPd = owned.add(primitiveDesc(addDesc, owned.add(OneDnn.reluAfter()), null,
                    "add and ReLU"));
            dnnl_eltwise_desc_t reluDesc = new dnnl_eltwise_desc_t();
            check(dnnl_eltwise_forward_desc_init(reluDesc, dnnl_forward_training, dnnl_eltwise_relu_use_dst_for_bwd,
                    data, 0f, 0f), "ReLU descriptor");
            dnnl_primitive_desc reluPd = owned.add(primitiveDesc(reluDesc, null, "ReLU"));
            dnnl_eltwise_desc_t maskDesc = new dnnl_eltwise_desc_t();
            check(dnnl_eltwise_backward_desc_init(maskDesc, dnnl_eltwise_relu_use_dst_for_bwd, data, data, 0f, 0f),
                    "ReLU backward descriptor");
            dnnl_primitive_desc maskPd = owned.add(primitiveDesc(maskDesc, reluPd, "ReLU backward"));
            a = owned.add(memory(data, 0));
            b = owned.add(memory(data, 0));
            sum = owned.add(memory(data, 0));
            diffSum = owned.add(memory(data, 0));
            diffInputs = owned.add(memory(data, 0));
            add = owned.add(primitive(addPd));
            addArgs = args(DNNL_ARG_SRC_0, a, DNNL_ARG_SRC_1, b, DNNL_ARG_DST, sum);
            mask = owned.add(primitive(maskPd));
            maskArgs = args(DNNL_ARG_DST, sum, DNNL_ARG_DIFF_DST, diffSum, DNNL_ARG_DIFF_SRC, diffInputs);
        }

        void close() {
            owned.close();
        }
    }
}
