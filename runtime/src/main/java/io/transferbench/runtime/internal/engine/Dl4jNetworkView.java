package io.transferbench.runtime.internal.engine;

import io.transferbench.api.network.ActivationsWithGradients;
import io.transferbench.api.network.BatchNormChannels;
import io.transferbench.api.network.ConvLayerInfo;
import io.transferbench.api.network.Evaluation;
import io.transferbench.api.network.FeatureMaps;
import io.transferbench.api.network.FilterBank;
import io.transferbench.api.network.NetworkView;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.dataset.DataSet;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The API's view of a DL4J network. Feature maps come from the first images of the task's training
 * split in file order, without augmentation, so repeated calls see the same images.
 */
public final class Dl4jNetworkView implements NetworkView {

    private static final int CHUNK = 128;

    private final String name;
    private final MultiLayerNetwork net;
    private final Batches probe;
    private final Batches eval;
    private final NetworkLayout layout;
    // forwardTo's state: per chunk of probe images, the output of layer forwardLayer
    private List<INDArray> forwardCache;
    private int forwardImages;
    private int forwardLayer;
    private INDArray forwardParams;

    /**
     * @param probe the images feature maps are computed on (the first ones are used)
     * @param eval  the evaluation split
     */
    public Dl4jNetworkView(String name, MultiLayerNetwork net, Batches probe, Batches eval) {
        this.name = name;
        this.net = net;
        this.probe = probe;
        this.eval = eval;
        this.layout = NetworkLayout.of(net);
    }

    @Override
    public String name() {
        return name;
    }

    public MultiLayerNetwork network() {
        return net;
    }

    @Override
    public List<ConvLayerInfo> convLayers() {
        return layout.convLayers();
    }

    @Override
    public FilterBank filters(String layer) {
        NetworkLayout.ConvSlot slot = layout.slot(layer);
        float[] kernels = net.getLayer(slot.conv()).getParam("W").dup('c').data().asFloat();
        float[] bias = vector(net.getLayer(slot.conv()).getParam("b"));
        Optional<BatchNormChannels> bn = Optional.empty();
        if (slot.batchNorm() >= 0) {
            Layer layerImpl = net.getLayer(slot.batchNorm());
            BatchNormalization conf = (BatchNormalization) NetworkLayout.layerConf(net, slot.batchNorm());
            float[] variance;
            if (conf.isUseLogStd()) {
                // DL4J stores log10 of the standard deviation; the API speaks variance
                float[] logStd = vector(layerImpl.getParam("log10stdev"));
                variance = new float[logStd.length];
                for (int i = 0; i < logStd.length; i++) {
                    double std = Math.pow(10, logStd[i]);
                    variance[i] = (float) (std * std - conf.getEps());
                }
            } else {
                variance = vector(layerImpl.getParam("var"));
            }
            bn = Optional.of(new BatchNormChannels(vector(layerImpl.getParam("gamma")),
                    vector(layerImpl.getParam("beta")), vector(layerImpl.getParam("mean")), variance));
        }
        return new FilterBank(slot.info(), kernels, bias, bn);
    }

    private static float[] vector(INDArray a) {
        return a.dup('c').data().asFloat();
    }

    @Override
    public FeatureMaps activations(String layer, int maxImages) {
        NetworkLayout.ConvSlot slot = layout.slot(layer);
        int images = Math.min(maxImages, probe.size());
        List<INDArray> chunks = forwardTo(slot.activation(), images);
        float[] all = null;
        int channels = 0;
        int height = 0;
        int width = 0;
        int done = 0;
        for (INDArray chunkOutput : chunks) {
            INDArray maps = toNchw(chunkOutput, slot.format());
            if (all == null) {
                channels = (int) maps.size(1);
                height = (int) maps.size(2);
                width = (int) maps.size(3);
                all = new float[images * channels * height * width];
            }
            done += copy(maps, all, done);
        }
        net.clear();
        return new FeatureMaps(all, images, channels, height, width);
    }

    /**
     * The output of layer {@code last} for the first {@code images} probe images, in chunks, in
     * inference mode. A metric scores layers in forward order, so the forward pass continues from
     * the last layer asked for while the parameters and images are the same: one pass through the
     * network for all its layers instead of one per layer (VGG-16 has 13).
     */
    private List<INDArray> forwardTo(int last, int images) {
        boolean continues = forwardCache != null && forwardImages == images && forwardLayer <= last
                && sameBits(net.params(), forwardParams);
        if (!continues) {
            forwardCache = new ArrayList<>();
            for (int from = 0; from < images; from += CHUNK) {
                forwardCache.add(probeBatch(from, Math.min(images, from + CHUNK)).getFeatures());
            }
            forwardImages = images;
            forwardLayer = -1;
            forwardParams = net.params().dup();
        }
        if (forwardLayer < last) {
            Networks.installFastLayers(net);
            try (MemoryWorkspace outside = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                for (int i = 0; i < forwardCache.size(); i++) {
                    forwardCache.set(i, net.activateSelectedLayers(forwardLayer + 1, last, forwardCache.get(i)));
                }
            }
            forwardLayer = last;
        }
        return forwardCache;
    }

    /**
     * One forward pass in training mode (batch statistics, as during training) and a backward pass
     * to the layer's post-activation output, layer by layer as DL4J's own backpropagation does. The
     * gradient is that of the mean loss over the images. Parameters (batch norm's running statistics
     * included) are restored afterwards.
     */
    @Override
    public ActivationsWithGradients activationsWithGradients(String layer, int maxImages) {
        NetworkLayout.ConvSlot slot = layout.slot(layer);
        int images = Math.min(maxImages, probe.size());
        INDArray saved = net.params().dup();
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        if (net.getFlattenedGradients() == null) {
            net.initGradientsView(); // layers write parameter gradients into it during backprop
        }
        float[] acts = null;
        float[] grads = null;
        int channels = 0;
        int height = 0;
        int width = 0;
        int done = 0;
        try {
            for (int from = 0; from < images; from += CHUNK) {
                int to = Math.min(images, from + CHUNK);
                DataSet batch = probeBatch(from, to);
                int size = to - from;
                INDArray x = batch.getFeatures();
                INDArray activation = null;
                int layers = net.getnLayers();
                for (int i = 0; i < layers; i++) {
                    InputPreProcessor pre = conf.getInputPreProcess(i);
                    if (pre != null) {
                        x = pre.preProcess(x, size, mgr);
                    }
                    x = net.getLayer(i).activate(x, true, mgr);
                    if (i == slot.activation()) {
                        activation = x.dup();
                    }
                }
                IOutputLayer output = (IOutputLayer) net.getLayer(layers - 1);
                output.setLabels(batch.getLabels());
                INDArray epsilon = output.backpropGradient(null, mgr).getSecond();
                for (int i = layers - 1; i > slot.activation(); i--) {
                    if (i < layers - 1) {
                        epsilon = net.getLayer(i).backpropGradient(epsilon, mgr).getSecond();
                    }
                    InputPreProcessor pre = conf.getInputPreProcess(i);
                    if (pre != null) {
                        epsilon = pre.backprop(epsilon, size, mgr);
                    }
                }
                // DL4J's output layer gives the gradient of the summed loss; the mean is what papers use
                epsilon = epsilon.div(size);
                INDArray a = toNchw(activation, slot.format());
                INDArray g = toNchw(epsilon, slot.format());
                if (acts == null) {
                    channels = (int) a.size(1);
                    height = (int) a.size(2);
                    width = (int) a.size(3);
                    acts = new float[images * channels * height * width];
                    grads = new float[acts.length];
                }
                copy(g, grads, done);
                done += copy(a, acts, done);
            }
        } finally {
            net.setParams(saved);
            net.clear();
        }
        return new ActivationsWithGradients(new FeatureMaps(acts, images, channels, height, width),
                new FeatureMaps(grads, images, channels, height, width));
    }

    private DataSet probeBatch(int from, int to) {
        int[] order = new int[to];
        for (int i = 0; i < to; i++) {
            order[i] = i;
        }
        return probe.batch(order, from, to, null);
    }

    /** A fresh C-ordered {@code [image][channel][row][column]} copy. */
    /**
     * Whether two arrays hold the same values bit for bit: a byte comparison of their buffers
     * (ND4J's equals would let values 1e-5 apart pass, and compares element by element).
     */
    private static boolean sameBits(INDArray a, INDArray b) {
        return b != null && a.length() == b.length() && a.dataType() == b.dataType()
                && bytes(Networks.dense(a)).equals(bytes(Networks.dense(b)));
    }

    private static ByteBuffer bytes(INDArray dense) {
        int size = dense.data().getElementSize();
        ByteBuffer all = dense.data().asNio();
        int from = (int) (dense.offset() * size);
        return all.limit(from + (int) (dense.length() * size)).position(from);
    }

    /** A dense array's values into {@code into} from {@code at}, straight from native memory; returns how many. */
    private static int copy(INDArray dense, float[] into, int at) {
        int n = (int) dense.length();
        dense.data().asNioFloat().position((int) dense.offset()).get(into, at, n); // the buffer may hold more than the array
        return n;
    }

    private static INDArray toNchw(INDArray maps, CNN2DFormat format) {
        return (format == CNN2DFormat.NHWC ? maps.permute(0, 3, 1, 2) : maps).dup('c');
    }

    @Override
    public Evaluation evaluate() {
        return Trainer.evaluate(net, eval);
    }
}
