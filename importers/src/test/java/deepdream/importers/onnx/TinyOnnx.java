package deepdream.importers.onnx;

import deepdream.importers.onnx.proto.Onnx.GraphProto;
import deepdream.importers.onnx.proto.Onnx.NodeProto;

/** The importer tests' tiny ONNX net (conv, BN, relu "r", pool, reshape, gemm, softmax) as file bytes, for the cli's tests. */
public final class TinyOnnx {
    private TinyOnnx() {}

    /** The tiny net, opset 13, its relu's output blob named {@code reluBlob}. */
    public static byte[] bytes(String reluBlob) {
        GraphProto.Builder g = new OnnxImporterTest().tinyGraph();
        for (NodeProto.Builder n : g.getNodeBuilderList()) {
            for (int i = 0; i < n.getOutputCount(); i++) if (n.getOutput(i).equals("r")) n.setOutput(i, reluBlob);
            for (int i = 0; i < n.getInputCount(); i++) if (n.getInput(i).equals("r")) n.setInput(i, reluBlob);
        }
        return OnnxImporterTest.model(g, 13).toByteArray();
    }
}
