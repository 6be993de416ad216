package deepdream.engine.model;

import deepdream.engine.Shapes;

/** Weights on the host, as read from a model file: a shape and its float data (NCHW / Caffe order). */
public record HostBlob(int[] shape, float[] data) {
    public HostBlob {
        if (Shapes.size(shape) != data.length)
            throw new IllegalArgumentException("blob shape " + Shapes.toString(shape) + " needs " + Shapes.size(shape) + " values, has " + data.length);
    }
}
