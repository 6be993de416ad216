package deepdream.importers.caffe;

import deepdream.importers.caffe.proto.Caffe.BlobProto;
import deepdream.importers.caffe.proto.Caffe.LayerParameter;
import deepdream.importers.caffe.proto.Caffe.NetStateRule;
import deepdream.importers.caffe.proto.Caffe.V1LayerParameter;

import java.util.List;
import java.util.Locale;

/**
 * One layer in either encoding, seen the same way: V1 (`layers`, enum types, parameters at other
 * field numbers) and V2 (`layer`, string types) carry the same parameter messages.
 */
record CaffeLayer(String name, String type, List<String> bottoms, List<String> tops, List<NetStateRule> include,
                  List<NetStateRule> exclude, List<BlobProto> blobs, LayerParameter params) {

    static CaffeLayer of(LayerParameter l) {
        return new CaffeLayer(l.getName(), l.getType(), l.getBottomList(), l.getTopList(), l.getIncludeList(),
                l.getExcludeList(), l.getBlobsList(), l);
    }

    /** Moves a V1 layer's parameters into a V2 LayerParameter (same messages, other field numbers). */
    static CaffeLayer of(V1LayerParameter v1) {
        LayerParameter.Builder p = LayerParameter.newBuilder().setName(v1.getName()).setType(typeName(v1));
        if (v1.hasConvolutionParam()) p.setConvolutionParam(v1.getConvolutionParam());
        if (v1.hasPoolingParam()) p.setPoolingParam(v1.getPoolingParam());
        if (v1.hasLrnParam()) p.setLrnParam(v1.getLrnParam());
        if (v1.hasInnerProductParam()) p.setInnerProductParam(v1.getInnerProductParam());
        if (v1.hasConcatParam()) p.setConcatParam(v1.getConcatParam());
        if (v1.hasDropoutParam()) p.setDropoutParam(v1.getDropoutParam());
        if (v1.hasReluParam()) p.setReluParam(v1.getReluParam());
        if (v1.hasSoftmaxParam()) p.setSoftmaxParam(v1.getSoftmaxParam());
        if (v1.hasDataParam()) p.setDataParam(v1.getDataParam());
        if (v1.hasImageDataParam()) p.setImageDataParam(v1.getImageDataParam());
        if (v1.hasTransformParam()) p.setTransformParam(v1.getTransformParam());
        return new CaffeLayer(v1.getName(), typeName(v1), v1.getBottomList(), v1.getTopList(), v1.getIncludeList(),
                v1.getExcludeList(), v1.getBlobsList(), p.build());
    }

    /** V1 enum → V2 type string, as Caffe's upgrade_proto does it. */
    static String typeName(V1LayerParameter v1) {
        if (!v1.hasType()) return "";
        return switch (v1.getType()) {
            case CONVOLUTION -> "Convolution";
            case RELU -> "ReLU";
            case POOLING -> "Pooling";
            case LRN -> "LRN";
            case CONCAT -> "Concat";
            case INNER_PRODUCT -> "InnerProduct";
            case DROPOUT -> "Dropout";
            case SOFTMAX -> "Softmax";
            case SOFTMAX_LOSS -> "SoftmaxWithLoss";
            case ACCURACY -> "Accuracy";
            case DATA -> "Data";
            case IMAGE_DATA -> "ImageData";
            case HDF5_DATA -> "HDF5Data";
            case MEMORY_DATA -> "MemoryData";
            case DUMMY_DATA -> "DummyData";
            case WINDOW_DATA -> "WindowData";
            case SPLIT -> "Split";
            case SILENCE -> "Silence";
            default -> camel(v1.getType().name());
        };
    }

    private static String camel(String enumName) {
        StringBuilder sb = new StringBuilder();
        for (String part : enumName.split("_"))
            if (!part.isEmpty()) sb.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
        return sb.toString();
    }
}
