package io.transferbench.runtime.internal.engine;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.bytedeco.dnnl.const_dnnl_op_desc_t;
import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.bytedeco.dnnl.global.dnnl.dnnl_cpu;
import static org.bytedeco.dnnl.global.dnnl.dnnl_engine_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_f32;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_init_by_tag;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_set_data_handle;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_execute;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_default_flags;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_wait;
import static org.bytedeco.dnnl.global.dnnl.dnnl_success;

/**
 * oneDNN's C API as the training-time layers call it directly ({@link DirectConvolution},
 * {@link DirectBatchNorm}): one CPU
 * engine and stream for the process, and the calls they share.
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
        dnnl_primitive_desc pd = new dnnl_primitive_desc();
        check(dnnl_primitive_desc_create(pd, new const_dnnl_op_desc_t(opDesc), null, engine, hint), what);
        return pd;
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
