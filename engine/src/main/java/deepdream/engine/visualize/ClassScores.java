package deepdream.engine.visualize;

import deepdream.engine.Backend;
import deepdream.engine.Tensor;
import deepdream.engine.autograd.Tape;
import deepdream.engine.image.PlanarImage;
import deepdream.engine.image.Preprocess;
import deepdream.engine.image.Resize;
import deepdream.engine.model.LayerDef;
import deepdream.engine.model.LayerSpec;
import deepdream.engine.model.Net;
import deepdream.engine.model.NetDef;

import java.util.List;

/** A classifier's blobs and probabilities: the scores before the softmax (GoogLeNet: loss3/classifier) and after it. */
public final class ClassScores {
    private ClassScores() {}

    /** The blob the last softmax reads (the pre-softmax class scores), or the last blob when the net has no softmax. */
    public static String scoreBlob(NetDef def) {
        List<LayerDef> layers = def.layers();
        for (int i = layers.size() - 1; i >= 0; i--)
            if (layers.get(i).spec() instanceof LayerSpec.Softmax) return layers.get(i).bottoms().get(0);
        return layers.get(layers.size() - 1).top();
    }

    /** The photo (RGB 0..255) resized to the net's declared input size and preprocessed (BGR, mean subtracted). */
    public static PlanarImage netInput(NetDef def, PlanarImage rgb) {
        int[] s = def.inputShape();
        return Preprocess.toNet(Resize.bilinear(rgb, s[2], s[3]), def.meanBgr());
    }

    /**
     * Class probabilities of the whole photo resized to the net's input size: the last blob when the
     * net ends in a softmax (as Caffe computes it), else the softmax of the last blob, in double.
     */
    public static float[] probabilities(Net net, PlanarImage rgb) {
        NetDef def = net.def();
        PlanarImage in = netInput(def, rgb);
        LayerDef last = def.layers().get(def.layers().size() - 1);
        Backend b = net.backend();
        try (Tape tape = Tape.noGrad(b)) {
            Tensor x = b.upload(in.data(), in.nchw());
            try {
                float[] out = net.forward(tape, tape.leaf(x, false), last.top()).value().toHost();
                return last.spec() instanceof LayerSpec.Softmax ? out : softmax(out);
            } finally {
                x.release();
            }
        }
    }

    static float[] softmax(float[] scores) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (float s : scores) max = Math.max(max, s);
        double[] e = new double[scores.length];
        for (int i = 0; i < scores.length; i++) sum += e[i] = Math.exp(scores[i] - max);
        float[] p = new float[scores.length];
        for (int i = 0; i < p.length; i++) p[i] = (float) (e[i] / sum);
        return p;
    }

    /** Index of the largest value (the first one on ties). */
    public static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }
}
