package deepdream.importers.onnx;

import deepdream.engine.model.Preprocessing;
import deepdream.importers.ModelFormatException;
import deepdream.importers.onnx.proto.Onnx.ModelProto;
import deepdream.importers.onnx.proto.Onnx.StringStringEntryProto;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What deepdream keeps in {@code ModelProto.metadata_props}, which ONNX itself leaves free: the
 * preprocessing (ONNX has no field for it) and whether the graph came from Caffe. Written by
 * {@link OnnxExporter}, read by {@link OnnxImporter}; other tools ignore the entries.
 */
final class OnnxMetadata {
    private OnnxMetadata() {}

    static final String CHANNEL_ORDER = "deepdream.channel_order";   // RGB or BGR
    static final String MEAN = "deepdream.mean";                     // per channel, comma-separated, in channel_order
    static final String STD = "deepdream.std";
    static final String SCALE = "deepdream.scale";                   // pixel 0..255 times this, before the mean
    static final String INPUT_SIZE = "deepdream.input_size";         // HEIGHTxWIDTH the model was trained at (0x0 = any)
    /**
     * "1": converted from Caffe. Ceil-mode pools are Caffe's rounding (the same sizes wherever ONNX
     * can say it), max pools count padding as Caffe's do (no effect on values), and a tensor NAME#k
     * is an earlier version of the blob NAME that Caffe computes in place (ONNX names are single-assignment).
     */
    static final String CAFFE = "deepdream.caffe";
    static final char VERSION_MARK = '#';

    static List<StringStringEntryProto> write(Preprocessing p, boolean caffe) {
        List<StringStringEntryProto> out = new ArrayList<>();
        out.add(entry(CHANNEL_ORDER, p.channelOrder().name()));
        out.add(entry(MEAN, floats(p.mean())));
        out.add(entry(STD, floats(p.std())));
        out.add(entry(SCALE, Float.toString(p.scale())));
        out.add(entry(INPUT_SIZE, p.height() + "x" + p.width()));
        if (caffe) out.add(entry(CAFFE, "1"));
        return out;
    }

    static Map<String, String> of(ModelProto m) {
        Map<String, String> out = new HashMap<>();
        for (StringStringEntryProto e : m.getMetadataPropsList()) out.put(e.getKey(), e.getValue());
        return out;
    }

    static boolean caffe(Map<String, String> meta) { return "1".equals(meta.get(CAFFE)); }

    /** The file's preprocessing, or null when it has no deepdream.mean (any other file: the caller's default applies). */
    static Preprocessing preprocessing(Map<String, String> meta, int[] inputShape, String source) {
        if (!meta.containsKey(MEAN)) return null;
        try {
            Preprocessing.ChannelOrder order = Preprocessing.ChannelOrder.valueOf(meta.getOrDefault(CHANNEL_ORDER, "RGB"));
            float[] mean = parseFloats(meta.get(MEAN));
            float[] std = meta.containsKey(STD) ? parseFloats(meta.get(STD)) : ones(mean.length);
            float scale = meta.containsKey(SCALE) ? Float.parseFloat(meta.get(SCALE)) : 1f;
            int h = inputShape[2], w = inputShape[3];
            if (meta.containsKey(INPUT_SIZE)) {
                String[] hw = meta.get(INPUT_SIZE).split("x", -1);
                if (hw.length != 2) throw new IllegalArgumentException(INPUT_SIZE + " '" + meta.get(INPUT_SIZE) + "' is not HEIGHTxWIDTH");
                h = Integer.parseInt(hw[0].trim());
                w = Integer.parseInt(hw[1].trim());
            }
            return new Preprocessing(order, mean, std, scale, h, w);
        } catch (IllegalArgumentException e) {   // NumberFormatException too
            throw new ModelFormatException(source + ": invalid deepdream preprocessing metadata (" + e.getMessage() + "); keys "
                    + CHANNEL_ORDER + " (RGB|BGR), " + MEAN + ", " + STD + " (comma-separated floats), " + SCALE + ", " + INPUT_SIZE + " (HxW)");
        }
    }

    /** NAME for NAME#k (an in-place blob's earlier version), else the name unchanged. */
    static String caffeBlob(String onnxName) {
        int i = onnxName.lastIndexOf(VERSION_MARK);
        if (i <= 0 || i == onnxName.length() - 1) return onnxName;
        for (int j = i + 1; j < onnxName.length(); j++) if (!Character.isDigit(onnxName.charAt(j))) return onnxName;
        return onnxName.substring(0, i);
    }

    private static StringStringEntryProto entry(String k, String v) { return StringStringEntryProto.newBuilder().setKey(k).setValue(v).build(); }

    /** Float.toString: parses back to the same float. */
    private static String floats(float[] v) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < v.length; i++) b.append(i == 0 ? "" : ",").append(v[i]);
        return b.toString();
    }

    private static float[] parseFloats(String s) {
        String[] parts = s.split(",", -1);
        float[] v = new float[parts.length];
        for (int i = 0; i < v.length; i++) v[i] = Float.parseFloat(parts[i].trim());
        return v;
    }

    private static float[] ones(int n) {
        float[] v = new float[n];
        java.util.Arrays.fill(v, 1f);
        return v;
    }
}
