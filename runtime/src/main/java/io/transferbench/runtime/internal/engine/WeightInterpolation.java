package io.transferbench.runtime.internal.engine;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * PAINT's {@code w(a) = (1 - a) w_zs + a w_ft} between two networks of one architecture, parameter by parameter
 * (DL4J's parameter table: weights, biases, batch-norm scales, shifts and running statistics); the updater state
 * is never touched. Batch-norm variance is interpolated as a variance, also where DL4J stores log10 of the
 * standard deviation, so that the result is what PyTorch's interpolation of {@code running_var} gives.
 *
 * <p>With {@link Heads#PER_TASK} the output layer is left out: each side keeps its own head, and {@link #at}
 * returns the interpolated body under the head of the side asked for.
 */
public final class WeightInterpolation {

    /** Whether the output layer is interpolated too ({@code SHARED}) or each network keeps its own. */
    public enum Heads { SHARED, PER_TASK }

    /** The two networks' parameters differ in names or shapes: they cannot be interpolated. */
    public static final class MismatchException extends Exception {
        private static final long serialVersionUID = 1L;

        MismatchException(String message) {
            super(message);
        }
    }

    private static final Set<String> STATISTICS = Set.of("mean", "var", "log10stdev");

    private final Model supported;
    private final Model patched;
    private final List<String> keys;
    private final Map<String, Boolean> logStd = new LinkedHashMap<>();
    private final Model supportedSide;
    private final Model patchedSide;

    private WeightInterpolation(Model supported, Model patched, List<String> keys) {
        this.supported = supported;
        this.patched = patched;
        this.keys = keys;
        keys.forEach(k -> logStd.put(k, k.endsWith("_log10stdev")));
        this.supportedSide = copy(supported);
        this.patchedSide = copy(patched);
    }

    /**
     * The interpolation between {@code supported} (w_zs) and {@code patched} (w_ft); neither is changed by it.
     *
     * @throws MismatchException naming the first parameter whose name or shape differs
     */
    public static WeightInterpolation between(Model supported, Model patched, Heads heads) throws MismatchException {
        Map<String, INDArray> a = supported.paramTable();
        Map<String, INDArray> b = patched.paramTable();
        String headA = head(supported);
        String headB = head(patched);
        if (supported.getClass() != patched.getClass()) {
            throw new MismatchException("one is a layer list and the other a graph");
        }
        List<String> keys = new ArrayList<>();
        for (String k : a.keySet()) {
            if (heads == Heads.PER_TASK && k.startsWith(headA)) {
                continue;
            }
            INDArray other = b.get(k);
            if (other == null) {
                throw new MismatchException("parameter " + k + " exists in one network only");
            }
            if (!Arrays.equals(a.get(k).shape(), other.shape())) {
                throw new MismatchException("parameter " + k + " has shape " + Arrays.toString(a.get(k).shape())
                        + " in one network and " + Arrays.toString(other.shape()) + " in the other"
                        + (k.startsWith(headA) ? " (the output layers: with per-task heads they are kept apart)" : ""));
            }
            keys.add(k);
        }
        for (String k : b.keySet()) {
            if (!(heads == Heads.PER_TASK && k.startsWith(headB)) && !a.containsKey(k)) {
                throw new MismatchException("parameter " + k + " exists in one network only");
            }
        }
        return new WeightInterpolation(supported, patched, keys);
    }

    /** The parameter-name prefix of the output layer: {@code <last index>_} or {@code output_}. */
    private static String head(Model net) {
        if (net instanceof MultiLayerNetwork m) {
            return (m.getnLayers() - 1) + "_";
        }
        return ((ComputationGraph) net).getConfiguration().getNetworkOutputs().get(0) + "_";
    }

    /**
     * The network at {@code a} under the head of the supported network ({@code patchedHead == false}) or of the
     * patched one. One working copy per side is reused: the result is valid until the next call for that side.
     */
    public Model at(double a, boolean patchedHead) {
        Model target = patchedHead ? patchedSide : supportedSide;
        Map<String, INDArray> zs = supported.paramTable();
        Map<String, INDArray> ft = patched.paramTable();
        Map<String, INDArray> out = target.paramTable();
        for (String k : keys) {
            if (a == 0 || a == 1) {
                // exactly the end's parameters (the variance round trip below is not exact in floating point)
                out.get(k).assign(a == 0 ? zs.get(k) : ft.get(k));
            } else if (logStd.get(k)) {
                // log10(std) with std^2 = var + eps: interpolate std^2 = 10^(2 l), the variance plus a constant
                double twoLn10 = 2 * Math.log(10);
                INDArray v0 = Transforms.exp(zs.get(k).mul(twoLn10), false);
                INDArray v1 = Transforms.exp(ft.get(k).mul(twoLn10), false);
                out.get(k).assign(Transforms.log(v0.muli(1 - a).addi(v1.muli(a)), false).divi(twoLn10));
            } else {
                out.get(k).assign(zs.get(k).mul(1 - a).addi(ft.get(k).mul(a)));
            }
        }
        return target;
    }

    /** A standalone copy of the network at {@code a} (to save), with the updater state of the side's network. */
    public Model copyAt(double a, boolean patchedHead) {
        return copy(at(a, patchedHead));
    }

    /** The trainable parameters interpolated (batch-norm running statistics are not), by name. */
    public List<String> trainableKeys() {
        return keys.stream().filter(k -> !STATISTICS.contains(k.substring(k.lastIndexOf('_') + 1))).toList();
    }

    /** ||w_zs - w_ft|| over the trainable interpolated parameters. */
    public double distance() {
        double sum = 0;
        for (String k : trainableKeys()) {
            double d = supported.paramTable().get(k).distance2(patched.paramTable().get(k));
            sum += d * d;
        }
        return Math.sqrt(sum);
    }

    /**
     * cos(w_zs - w_ft, g) and ||g||, where g is the gradient of the mean cross-entropy of the supported network
     * over {@code batches} (each weighted by its size), over the trainable interpolated parameters. DL4J computes
     * gradients in training mode: batch-norm layers use the batch's statistics, dropout is on.
     */
    public double[] gradientSimilarity(List<DataSet> batches) {
        Model net = copy(supported);
        Map<String, INDArray> sum = new LinkedHashMap<>();
        long images = 0;
        for (DataSet batch : batches) {
            // DL4J's backward pass sums over the batch (its updater divides by the batch size): add them up
            Gradient g = gradient(net, batch);
            for (String k : trainableKeys()) {
                sum.merge(k, g.gradientForVariable().get(k).dup(), INDArray::addi);
            }
            images += batch.numExamples();
        }
        double dot = 0;
        double gg = 0;
        double dd = 0;
        for (String k : trainableKeys()) {
            INDArray g = sum.get(k).divi(images);
            INDArray d = supported.paramTable().get(k).sub(patched.paramTable().get(k));
            dot += d.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).mul(g.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE))
                    .sumNumber().doubleValue();
            gg += Math.pow(g.norm2Number().doubleValue(), 2);
            dd += Math.pow(d.norm2Number().doubleValue(), 2);
        }
        double norm = Math.sqrt(gg);
        return new double[] {dd == 0 || gg == 0 ? 0 : dot / (Math.sqrt(dd) * norm), norm};
    }

    private static Gradient gradient(Model net, DataSet batch) {
        if (net instanceof MultiLayerNetwork m) {
            m.setInput(batch.getFeatures());
            m.setLabels(batch.getLabels());
            m.computeGradientAndScore();
            return m.gradient();
        }
        ComputationGraph g = (ComputationGraph) net;
        g.setInputs(batch.getFeatures());
        g.setLabels(batch.getLabels());
        g.computeGradientAndScore();
        return g.gradient();
    }

    private static Model copy(Model net) {
        return net instanceof MultiLayerNetwork m ? m.clone() : ((ComputationGraph) net).clone();
    }
}
