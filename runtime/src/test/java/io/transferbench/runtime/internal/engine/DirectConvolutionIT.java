package io.transferbench.runtime.internal.engine;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * oneDNN's direct convolutions ({@link DirectConvolution}) against libnd4j's conv2d and conv2d_bp
 * ops, which DL4J's layers run: output, input gradient, weight and bias gradients, for the shapes
 * the model builders make (3x3 with padding 1, stride 1 and 2; 1x1 with stride 2; no padding with a
 * size the stride does not divide). Different algorithms sum in different orders: the limit is a
 * relative L2 difference of 1e-5 (measured: docs/performance.md), and a kernel read with its axes
 * swapped, the mistake a layout bug makes, must exceed it.
 */
class DirectConvolutionIT {

    static final double TOLERANCE = 1e-5;

    @BeforeAll
    static void start() {
        assertTrue(Dl4jEngine.start(), "oneDNN helpers active");
        assertTrue(OneDnn.available(), "oneDNN's own library loads");
    }

    /** What one pass of each computed, as [output, input gradient, weight gradient, bias gradient]. */
    private record Passes(List<INDArray> arrays) {
    }

    @ParameterizedTest(name = "{0}x{1}x{2} -> {3} filters, kernel {4}, stride {5}, padding {6}, bias {7}")
    @CsvSource({
            "8, 12, 5, 16, 3, 1, 1, true",
            "8, 12, 16, 32, 3, 2, 1, false",
            "8, 12, 16, 32, 1, 2, 0, false",
            "4, 9, 3, 8, 3, 2, 0, true",
            "16, 4, 64, 64, 3, 1, 1, true"})
    void matchesLibnd4jsConvolution(int batch, int side, int channels, int filters, int kernel, int stride, int padding,
                                    boolean bias) {
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.rand(DataType.FLOAT, batch, side, side, channels).subi(0.5);
        INDArray w = Nd4j.rand(DataType.FLOAT, filters, channels, kernel, kernel).subi(0.5);
        INDArray b = bias ? Nd4j.rand(DataType.FLOAT, 1, filters) : null;
        Passes reference = libnd4j(x, w, b, kernel, stride, padding);
        Passes direct = direct(x, w, b, kernel, stride, padding);
        for (int i = 0; i < reference.arrays().size(); i++) {
            double d = relativeDifference(direct.arrays().get(i), reference.arrays().get(i));
            System.out.printf("direct convolution %dx%dx%d->%d k%d s%d p%d, pass %d: %.2e%n", side, side, channels,
                    filters, kernel, stride, padding, i, d);
            assertTrue(d < TOLERANCE, "pass " + i + " differs by " + d);
        }
    }

    @Test
    void aKernelReadWithSwappedAxesIsCaught() {
        Nd4j.getRandom().setSeed(4);
        INDArray x = Nd4j.rand(DataType.FLOAT, 8, 12, 12, 5).subi(0.5);
        INDArray w = Nd4j.rand(DataType.FLOAT, 16, 5, 3, 3).subi(0.5);
        Passes reference = libnd4j(x, w, null, 3, 1, 1);
        Passes swapped = direct(x, w.permute(0, 1, 3, 2).dup('c'), null, 3, 1, 1);
        double d = relativeDifference(swapped.arrays().get(0), reference.arrays().get(0));
        System.out.printf("kernel axes swapped: %.2e%n", d);
        assertTrue(d > TOLERANCE, "caught: outputs differ by " + d);
    }

    /**
     * The backward pass reuses the forward pass's blocked copy of its input only when that copy is of
     * the same input: a forward pass of another batch in between (evaluation) must not leak into the
     * weight gradient.
     */
    @Test
    void theBackwardPassReadsItsOwnInputAfterAnotherForwardPass() {
        Nd4j.getRandom().setSeed(6);
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 6, 6, 32).subi(0.5);
        INDArray other = Nd4j.rand(DataType.FLOAT, 4, 6, 6, 32).subi(0.5);
        INDArray w = Nd4j.rand(DataType.FLOAT, 32, 32, 3, 3).subi(0.5);
        INDArray epsilon = Nd4j.rand(DataType.FLOAT, 4, 6, 6, 32).subi(0.5);
        INDArray alone = weightGradient(w, epsilon, x);
        INDArray interleaved = weightGradient(w, epsilon, x, other);
        assertTrue(alone.sub(interleaved).amaxNumber().doubleValue() == 0.0,
                "weight gradient changed by another batch's forward pass");
        INDArray ofOther = weightGradient(w, epsilon, other);
        assertTrue(alone.sub(ofOther).amaxNumber().doubleValue() > 0.0, "the check can fail");
    }

    /** The weight gradient of {@code forwards[0]} after forward passes of every array in {@code forwards}. */
    private static INDArray weightGradient(INDArray w, INDArray epsilon, INDArray... forwards) {
        DirectConvolution conv = new DirectConvolution(w.size(0), new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1},
                false);
        for (INDArray x : forwards) {
            conv.forward(x, w, null, Nd4j.create(DataType.FLOAT, conv.outputShape(x.shape())));
        }
        INDArray dw = Nd4j.create(DataType.FLOAT, w.shape());
        conv.backward(forwards[0], w, epsilon, Nd4j.create(DataType.FLOAT, forwards[0].shape()), dw, null);
        return dw;
    }

    private static Passes direct(INDArray x, INDArray w, INDArray b, int kernel, int stride, int padding) {
        DirectConvolution conv = new DirectConvolution(w.size(0), new int[] {kernel, kernel}, new int[] {stride, stride},
                new int[] {padding, padding}, b != null);
        INDArray out = Nd4j.create(DataType.FLOAT, conv.outputShape(x.shape()));
        conv.forward(x, w, b, out);
        Nd4j.getRandom().setSeed(5);
        INDArray epsilon = Nd4j.rand(DataType.FLOAT, out.shape()).subi(0.5);
        INDArray dx = Nd4j.create(DataType.FLOAT, x.shape());
        INDArray dw = Nd4j.create(DataType.FLOAT, w.shape());
        INDArray db = b == null ? null : Nd4j.create(DataType.FLOAT, b.shape());
        conv.backward(x, w, epsilon, dx, dw, db);
        List<INDArray> arrays = new ArrayList<>(List.of(out, dx, dw));
        if (db != null) {
            arrays.add(db);
        }
        return new Passes(arrays);
    }

    /** libnd4j's ops with DL4J's arguments: NHWC data, [out, in, kh, kw] weights, truncating mode. */
    private static Passes libnd4j(INDArray x, INDArray w, INDArray b, int kernel, int stride, int padding) {
        int[] args = {kernel, kernel, stride, stride, padding, padding, 1, 1, 0, 1, 1};
        int side = (int) ((x.size(1) + 2 * padding - kernel) / stride + 1);
        INDArray out = Nd4j.create(DataType.FLOAT, x.size(0), side, side, w.size(0));
        List<INDArray> inputs = new ArrayList<>(List.of(x, w));
        if (b != null) {
            inputs.add(b.reshape(b.length()));
        }
        Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(inputs.toArray(INDArray[]::new))
                .addIntegerArguments(args).addOutputs(out).build());
        Nd4j.getRandom().setSeed(5);
        INDArray epsilon = Nd4j.rand(DataType.FLOAT, out.shape()).subi(0.5);
        INDArray dx = Nd4j.create(DataType.FLOAT, x.shape());
        INDArray dw = Nd4j.create(DataType.FLOAT, w.shape());
        List<INDArray> outputs = new ArrayList<>(List.of(dx, dw));
        INDArray db = null;
        if (b != null) {
            db = Nd4j.create(DataType.FLOAT, b.length());
            outputs.add(db);
        }
        inputs.add(epsilon);
        Nd4j.exec(DynamicCustomOp.builder("conv2d_bp").addInputs(inputs.toArray(INDArray[]::new))
                .addIntegerArguments(args).addOutputs(outputs.toArray(INDArray[]::new)).build());
        List<INDArray> arrays = new ArrayList<>(List.of(out, dx, dw));
        if (db != null) {
            arrays.add(db.reshape(b.shape()));
        }
        assertArrayEquals(out.shape(), arrays.get(0).shape());
        return new Passes(arrays);
    }

    private static double relativeDifference(INDArray a, INDArray reference) {
        return a.sub(reference).norm2Number().doubleValue() / reference.norm2Number().doubleValue();
    }
}
