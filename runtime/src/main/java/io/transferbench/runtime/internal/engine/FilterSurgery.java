package io.transferbench.runtime.internal.engine;

import io.transferbench.api.transfer.FilterPair;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Changes to a network's filters: copying filters between two networks of the same shape (online
 * fine-tuning, filter replacement), masking filters to zero output, and removing filters
 * physically. A filter is its kernel, its bias and the channel's batch-norm values; its
 * post-activation channel also feeds the next weighted layer's matching inputs.
 */
public final class FilterSurgery {

    private static final String WEIGHTS = "W";
    private static final String BIAS = "b";

    private FilterSurgery() {
    }

    /**
     * Overwrites, in {@code receiver}, each pair's receiver filter with {@code sender}'s filter: kernel,
     * bias and every batch-norm parameter of the channel, bit for bit. The receiver's updater state
     * (momentum, Adam moments) for those filters is left as it was.
     */
    public static void copyFilters(MultiLayerNetwork sender, MultiLayerNetwork receiver, String layer,
                                   List<FilterPair> pairs) {
        NetworkLayout.ConvSlot from = NetworkLayout.of(sender).slot(layer);
        NetworkLayout.ConvSlot to = NetworkLayout.of(receiver).slot(layer);
        if (!from.info().equals(to.info())) {
            throw new IllegalArgumentException("layer " + layer + " differs between the networks: " + from.info()
                    + " vs " + to.info());
        }
        copyRows(sender.getLayer(from.conv()).getParam(WEIGHTS), receiver.getLayer(to.conv()).getParam(WEIGHTS), pairs);
        copyRows(sender.getLayer(from.conv()).getParam(BIAS), receiver.getLayer(to.conv()).getParam(BIAS), pairs);
        if (from.batchNorm() >= 0) {
            Map<String, INDArray> senderBn = sender.getLayer(from.batchNorm()).paramTable();
            Map<String, INDArray> receiverBn = receiver.getLayer(to.batchNorm()).paramTable();
            for (Map.Entry<String, INDArray> e : senderBn.entrySet()) {
                copyRows(e.getValue(), receiverBn.get(e.getKey()), pairs);
            }
        }
    }

    /**
     * Copies whole filters (leading-dimension rows) from one parameter array to another through Java
     * arrays and one whole-array assign: ND4J 1.0.0-M2.1 fails with a null data buffer when a view of the
     * last row of a parameter view is taken ({@code get(point(n - 1), all(), ...)}), so no per-row views.
     */
    private static void copyRows(INDArray from, INDArray to, List<FilterPair> pairs) {
        int rows = (int) from.size(0);
        if (from.rank() == 2 && from.size(0) == 1) {
            rows = (int) from.size(1); // a [1, c] vector: one value per filter
        }
        int rowLength = (int) (from.length() / rows);
        float[] source = from.dup('c').data().asFloat();
        float[] target = to.dup('c').data().asFloat();
        for (FilterPair pair : pairs) {
            System.arraycopy(source, pair.senderFilter() * rowLength, target, pair.receiverFilter() * rowLength, rowLength);
        }
        to.assign(Nd4j.create(target, to.shape(), 'c'));
    }

    /**
     * Makes filters output zero after their activation, as if removed: kernel and bias zero, and with
     * batch norm its scale and shift zero (the normalised channel alone would not be zero).
     */
    public static void maskFilters(MultiLayerNetwork net, String layer, int[] filters) {
        NetworkLayout.ConvSlot slot = NetworkLayout.of(net).slot(layer);
        for (int f : filters) {
            if (f < 0 || f >= slot.info().filters()) {
                throw new IllegalArgumentException(layer + ": filter " + f + " outside [0, " + slot.info().filters() + ")");
            }
        }
        zeroRows(net.getLayer(slot.conv()).getParam(WEIGHTS), filters);
        zeroRows(net.getLayer(slot.conv()).getParam(BIAS), filters);
        if (slot.batchNorm() >= 0) {
            zeroRows(net.getLayer(slot.batchNorm()).getParam("gamma"), filters);
            zeroRows(net.getLayer(slot.batchNorm()).getParam("beta"), filters);
        }
    }

    private static void zeroRows(INDArray array, int[] filters) {
        int rows = array.rank() == 2 && array.size(0) == 1 ? (int) array.size(1) : (int) array.size(0);
        int rowLength = (int) (array.length() / rows);
        float[] values = array.dup('c').data().asFloat();
        for (int f : filters) {
            java.util.Arrays.fill(values, f * rowLength, (f + 1) * rowLength, 0f);
        }
        array.assign(Nd4j.create(values, array.shape(), 'c'));
    }

    /**
     * A new, smaller network without the given filters: each conv layer loses them, its batch norm
     * loses their channels, and the next weighted layer loses the matching input channels. All kept
     * weights are copied; the new network has a fresh updater state.
     *
     * @param removals filter indices to remove, by conv layer name; at least one filter must stay per layer
     */
    public static MultiLayerNetwork removeFilters(MultiLayerNetwork net, Map<String, int[]> removals) {
        NetworkLayout layout = NetworkLayout.of(net);
        int layers = net.getnLayers();
        int[][] keepOut = new int[layers][];
        int[][] keepIn = new int[layers][];
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations().clone();
        for (Map.Entry<String, int[]> e : removals.entrySet()) {
            NetworkLayout.ConvSlot slot = layout.slot(e.getKey());
            int filters = slot.info().filters();
            int[] kept = kept(filters, e.getValue(), e.getKey());
            keepOut[slot.conv()] = kept;
            ((FeedForwardLayer) NetworkLayout.unwrap(conf.getConf(slot.conv()).getLayer())).setNOut(kept.length);
            if (slot.batchNorm() >= 0) {
                keepOut[slot.batchNorm()] = kept;
                FeedForwardLayer bn = (FeedForwardLayer) NetworkLayout.unwrap(conf.getConf(slot.batchNorm()).getLayer());
                bn.setNIn(kept.length);
                bn.setNOut(kept.length);
            }
            FeedForwardLayer consumer = (FeedForwardLayer) NetworkLayout.unwrap(conf.getConf(slot.consumer()).getLayer());
            if (slot.flattened()) {
                CnnToFeedForwardPreProcessor pre = (CnnToFeedForwardPreProcessor) conf.getInputPreProcess(slot.consumer());
                int positions = (int) (pre.getInputHeight() * pre.getInputWidth());
                keepIn[slot.consumer()] = flattenedInputs(kept, filters, positions, slot.format());
                pre.setNumChannels(kept.length);
                consumer.setNIn((long) kept.length * positions);
            } else {
                keepIn[slot.consumer()] = kept;
                consumer.setNIn(kept.length);
            }
        }
        MultiLayerNetwork pruned = new MultiLayerNetwork(conf);
        pruned.init();
        for (int i = 0; i < layers; i++) {
            for (Map.Entry<String, INDArray> p : net.getLayer(i).paramTable().entrySet()) {
                INDArray target = pruned.getLayer(i).getParam(p.getKey());
                target.assign(select(p.getKey(), p.getValue(), keepOut[i], keepIn[i]));
            }
        }
        return pruned;
    }

    private static int[] kept(int filters, int[] removed, String layer) {
        TreeSet<Integer> gone = new TreeSet<>();
        for (int r : removed) {
            if (r < 0 || r >= filters) {
                throw new IllegalArgumentException(layer + ": filter " + r + " outside [0, " + filters + ")");
            }
            gone.add(r);
        }
        if (gone.size() >= filters) {
            throw new IllegalArgumentException(layer + ": removing all " + filters + " filters would cut the network");
        }
        return java.util.stream.IntStream.range(0, filters).filter(f -> !gone.contains(f)).toArray();
    }

    /** Rows of a dense layer's weights that read the kept channels, in the flattening's order. */
    private static int[] flattenedInputs(int[] kept, int channels, int positions,
                                         org.deeplearning4j.nn.conf.CNN2DFormat format) {
        int[] rows = new int[kept.length * positions];
        int n = 0;
        if (format == org.deeplearning4j.nn.conf.CNN2DFormat.NHWC) {
            for (int p = 0; p < positions; p++) {
                for (int c : kept) {
                    rows[n++] = p * channels + c; // [h][w][c] flattened: channel varies fastest
                }
            }
        } else {
            for (int c : kept) {
                for (int p = 0; p < positions; p++) {
                    rows[n++] = c * positions + p;
                }
            }
        }
        return rows;
    }

    /**
     * The kept part of one parameter array: conv kernels {@code [out][in][kh][kw]} by both, dense
     * weights {@code [in][out]} by input row, per-channel vectors (bias, batch norm) by output channel.
     */
    private static INDArray select(String key, INDArray source, int[] outKeep, int[] inKeep) {
        if (outKeep == null && inKeep == null) {
            return source;
        }
        long[] shape = source.shape();
        boolean vector = source.rank() == 1 || (source.rank() == 2 && shape[0] == 1 && !WEIGHTS.equals(key));
        if (vector) {
            if (outKeep == null) {
                return source; // a consumer's bias does not depend on its inputs
            }
            float[] values = source.dup('c').data().asFloat();
            float[] kept = new float[outKeep.length];
            for (int k = 0; k < outKeep.length; k++) {
                kept[k] = values[outKeep[k]];
            }
            return Nd4j.create(kept, source.rank() == 1 ? new long[] {outKeep.length} : new long[] {1, outKeep.length}, 'c');
        }
        float[] values = source.dup('c').data().asFloat();
        if (source.rank() == 4) {
            int out = (int) shape[0];
            int in = (int) shape[1];
            int kernel = (int) (shape[2] * shape[3]);
            int[] outs = outKeep == null ? identity(out) : outKeep;
            int[] ins = inKeep == null ? identity(in) : inKeep;
            float[] kept = new float[outs.length * ins.length * kernel];
            int n = 0;
            for (int o : outs) {
                for (int i : ins) {
                    System.arraycopy(values, (o * in + i) * kernel, kept, n, kernel);
                    n += kernel;
                }
            }
            return Nd4j.create(kept, new long[] {outs.length, ins.length, shape[2], shape[3]}, 'c');
        }
        if (source.rank() == 2 && outKeep == null) {
            int cols = (int) shape[1];
            float[] kept = new float[inKeep.length * cols];
            for (int r = 0; r < inKeep.length; r++) {
                System.arraycopy(values, inKeep[r] * cols, kept, r * cols, cols);
            }
            return Nd4j.create(kept, new long[] {inKeep.length, cols}, 'c');
        }
        throw new IllegalStateException("cannot select from parameter " + key + " of shape " + Arrays.toString(shape));
    }

    private static int[] identity(int n) {
        return java.util.stream.IntStream.range(0, n).toArray();
    }
}
