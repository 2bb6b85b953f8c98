package io.transferbench.runtime.internal.engine;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.bytedeco.dnnl.const_dnnl_op_desc_t;
import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_post_ops;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;

import static org.bytedeco.dnnl.global.dnnl.dnnl_cpu;
import static org.bytedeco.dnnl.global.dnnl.dnnl_engine_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_f32;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_relu;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_init_by_tag;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_set_data_handle;
import static org.bytedeco.dnnl.global.dnnl.dnnl_post_ops_append_eltwise;
import static org.bytedeco.dnnl.global.dnnl.dnnl_post_ops_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_post_ops_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_attr_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_attr_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_attr_set_post_ops;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_execute;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_default_flags;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_wait;
import static org.bytedeco.dnnl.global.dnnl.dnnl_success;

/**
 * oneDNN's C API as the training-time layers call it directly ({@link DirectConvolution},
 * {@link DirectBatchNorm}, {@link DirectAddRelu}): one CPU engine and stream for the process, and
 * the calls they share.
 * The library is JavaCPP's {@code dnnl} preset, a copy of oneDNN of its own: libnd4j's is linked in
 * statically and exports none of its symbols.
 */
final class OneDnn {

    /** Set to false to run convolutions and batch norm through libnd4j's ops instead. */
    static final String PROPERTY = "transferbench.directConvolutions";

    private static final Logger LOG = LogManager.getLogger(OneDnn.class);
    private static volatile Boolean available;
    static dnnl_engine engine;
    static dnnl_stream stream;

    private OneDnn() {
    }

    /** Whether to call oneDNN directly: allowed by the property and the library loads (asked once). */
    static boolean available() {
        if ("false".equals(System.getProperty(PROPERTY))) {
            return false;
        }
        if (available == null) {
            synchronized (OneDnn.class) {
                if (available == null) {
                    try {
                        dnnl_engine e = new dnnl_engine();
                        check(dnnl_engine_create(e, dnnl_cpu, 0), "engine");
                        dnnl_stream s = new dnnl_stream();
                        check(dnnl_stream_create(s, e, dnnl_stream_default_flags), "stream");
                        engine = e;
                        stream = s;
                        available = true;
                    } catch (Throwable t) {
                        LOG.warn("oneDNN's own library does not load ({}); convolutions run through libnd4j",
                                t.toString());
                        LOG.debug("loading oneDNN", t);
                        available = false;
                    }
                }
            }
        }
        return available;
    }

    static dnnl_memory_desc_t desc(long[] dims, int tag) {
        dnnl_memory_desc_t d = new dnnl_memory_desc_t();
        check(dnnl_memory_desc_init_by_tag(d, dims.length, dims, dnnl_f32, tag), "memory descriptor");
        return d;
    }

    static dnnl_primitive_desc primitiveDesc(Pointer opDesc, dnnl_primitive_desc hint, String what) {
        return primitiveDesc(opDesc, null, hint, what);
    }

    /** A primitive descriptor with attributes ({@code attr} may be null), as oneDNN chooses the implementation. */
    static dnnl_primitive_desc primitiveDesc(Pointer opDesc, dnnl_primitive_attr attr, dnnl_primitive_desc hint,
                                             String what) {
        dnnl_primitive_desc pd = new dnnl_primitive_desc();
        check(dnnl_primitive_desc_create(pd, new const_dnnl_op_desc_t(opDesc), attr, engine, hint), what);
        return pd;
    }

    /** Attributes that apply a ReLU to a primitive's output in the same pass; the caller destroys them. */
    static dnnl_primitive_attr reluAfter() {
        dnnl_post_ops ops = new dnnl_post_ops();
        check(dnnl_post_ops_create(ops), "post-ops");
        try {
            check(dnnl_post_ops_append_eltwise(ops, 1f, dnnl_eltwise_relu, 0f, 0f), "ReLU post-op");
            dnnl_primitive_attr attr = new dnnl_primitive_attr();
            check(dnnl_primitive_attr_create(attr), "attributes");
            check(dnnl_primitive_attr_set_post_ops(attr, ops), "attributes' post-ops"); // copies the post-ops
            return attr;
        } finally {
            dnnl_post_ops_destroy(ops);
        }
    }

    static dnnl_primitive primitive(dnnl_primitive_desc pd) {
        dnnl_primitive p = new dnnl_primitive();
        check(dnnl_primitive_create(p, pd), "primitive");
        return p;
    }

    /** A memory over {@code handle}: an ND4J buffer set later ({@link #point}), or -1 for oneDNN to allocate one. */
    static dnnl_memory memory(dnnl_memory_desc_t desc, long handle) {
        dnnl_memory m = new dnnl_memory();
        check(dnnl_memory_create(m, desc, engine, address(handle)), "memory");
        return m;
    }

    /** Points a user memory at an ND4J array's data (dense, C order). */
    static void point(dnnl_memory memory, INDArray array) {
        long bytes = array.data().getElementSize();
        check(dnnl_memory_set_data_handle(memory, address(array.data().address() + array.offset() * bytes)), "data");
    }

    static dnnl_exec_arg_t args(Object... pairs) {
        dnnl_exec_arg_t a = new dnnl_exec_arg_t(pairs.length / 2);
        for (int i = 0; i < pairs.length / 2; i++) {
            a.position(i).arg((Integer) pairs[2 * i]).memory((dnnl_memory) pairs[2 * i + 1]);
        }
        return a.position(0);
    }

    static void execute(dnnl_primitive primitive, dnnl_exec_arg_t args) {
        check(dnnl_primitive_execute(primitive, stream, (int) args.capacity(), args), "execute");
    }

    static void await() {
        check(dnnl_stream_wait(stream), "wait");
    }

    /**
     * The oneDNN objects a plan made, destroyed together when it is dropped (each call wraps one and
     * returns it).
     */
    static final class Owned {
        private final List<Runnable> destroy = new ArrayList<>();

        dnnl_primitive_desc add(dnnl_primitive_desc pd) {
            destroy.add(() -> dnnl_primitive_desc_destroy(pd));
            return pd;
        }

        dnnl_primitive add(dnnl_primitive p) {
            destroy.add(() -> dnnl_primitive_destroy(p));
            return p;
        }

        dnnl_memory add(dnnl_memory m) {
            destroy.add(() -> dnnl_memory_destroy(m));
            return m;
        }

        dnnl_primitive_attr add(dnnl_primitive_attr attr) {
            destroy.add(() -> dnnl_primitive_attr_destroy(attr));
            return attr;
        }

        void close() {
            destroy.forEach(Runnable::run);
            destroy.clear();
        }
    }

    /** A pointer to a raw address (JavaCPP has no public factory for one). */
    private static Pointer address(long at) {
        return new Pointer() {
            {
                address = at;
            }
        };
    }

    static void check(int status, String what) {
        if (status != dnnl_success) {
            throw new IllegalStateException("oneDNN " + what + " failed with status " + status);
        }
    }
}
