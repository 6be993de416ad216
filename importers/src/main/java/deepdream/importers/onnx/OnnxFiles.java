package deepdream.importers.onnx;

import com.google.protobuf.CodedInputStream;
import deepdream.importers.ModelFormatException;
import deepdream.importers.onnx.proto.Onnx.ModelProto;
import deepdream.importers.onnx.proto.Onnx.StringStringEntryProto;
import deepdream.importers.onnx.proto.Onnx.TensorProto;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reading .onnx files: the model message, and tensors (initializers, Constant values) whose data is
 * inline (typed fields or little-endian raw_data) or in an external-data file beside the model.
 * Every error is a {@link ModelFormatException} naming the file and the tensor.
 */
final class OnnxFiles {
    private OnnxFiles() {}

    /**
     * Larger than any real ImageNet classifier (VGG-19 is 548 MB); a bigger file is taken as not a model.
     * Just under 2 GiB: the largest byte array the JVM allocates (Files.readAllBytes of anything larger
     * fails with an OutOfMemoryError instead of this message).
     */
    static final long MAX_MODEL_BYTES = Integer.MAX_VALUE - 8;
    /** Values per tensor beyond which a declared shape is taken as corrupt (VGG's largest layer has 103 M). */
    static final long MAX_VALUES = 1L << 28;

    static ModelProto readModel(Path file) {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_MODEL_BYTES)
                throw new ModelFormatException(file + " is larger than 2 GiB; deepdream reads ONNX models up to 2 GiB (weights may be external data)");
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ModelFormatException("ONNX model " + file + " does not exist");
        } catch (IOException e) {
            throw new ModelFormatException("cannot read ONNX model " + file + ": " + e.getMessage(), e);
        }
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            in.setRecursionLimit(64);
            ModelProto m = ModelProto.parseFrom(in);
            in.checkLastTagWas(0);
            return m;
        } catch (IOException e) {
            throw new ModelFormatException(file + " is not a valid ONNX model (truncated or corrupt: " + e.getMessage()
                    + "); export it again or download it again");
        } catch (RuntimeException e) {
            // protobuf-java throws unchecked exceptions on some corrupt inputs (seen in the caffemodel fuzz).
            throw new ModelFormatException(file + " is not a valid ONNX model (corrupt: " + e + "); export it again or download it again");
        }
    }

    /** The tensor's dims, checked: non-negative and of a plausible size. */
    static int[] dims(TensorProto t, String where) {
        int[] d = new int[t.getDimsCount()];
        long n = 1;
        for (int i = 0; i < d.length; i++) {
            long v = t.getDims(i);
            if (v < 0 || v > MAX_VALUES) throw new ModelFormatException(where + ": tensor '" + t.getName() + "' has dimension " + v);
            n *= v;
            if (n > MAX_VALUES) throw new ModelFormatException(where + ": tensor '" + t.getName() + "' declares more than 2^28 values");
            d[i] = (int) v;
        }
        return d;
    }

    static int count(int[] dims) {
        int n = 1;
        for (int v : dims) n *= v;
        return n;
    }

    /** The tensor's values as doubles (exact for float, double and the int64 of shapes), in row-major order. */
    static double[] values(TensorProto t, Path modelDir, String where) {
        int[] dims = dims(t, where);
        int n = count(dims);
        String name = "tensor '" + t.getName() + "'";
        TensorProto.DataType type = TensorProto.DataType.forNumber(t.getDataType());
        if (type == null) throw new ModelFormatException(where + ": " + name + " has unknown data type " + t.getDataType());
        int width = switch (type) {
            case FLOAT, INT32 -> 4;
            case DOUBLE, INT64 -> 8;
            default -> throw new ModelFormatException(where + ": " + name + " has data type " + type
                    + "; deepdream reads FLOAT, DOUBLE, INT32 and INT64 tensors");
        };
        ByteBuffer raw = null;
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) raw = external(t, modelDir, (long) n * width, where);
        else if (t.hasRawData()) raw = t.getRawData().asReadOnlyByteBuffer();
        double[] out = new double[n];
        if (raw != null) {
            if (raw.remaining() != (long) n * width)
                throw new ModelFormatException(where + ": " + name + " of shape " + java.util.Arrays.toString(dims) + " needs "
                        + (long) n * width + " bytes of data, has " + raw.remaining());
            raw.order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++)
                out[i] = switch (type) {
                    case FLOAT -> raw.getFloat();
                    case INT32 -> raw.getInt();
                    case DOUBLE -> raw.getDouble();
                    default -> raw.getLong();
                };
            return out;
        }
        int have = switch (type) {
            case FLOAT -> t.getFloatDataCount();
            case INT32 -> t.getInt32DataCount();
            case DOUBLE -> t.getDoubleDataCount();
            default -> t.getInt64DataCount();
        };
        if (have != n)
            throw new ModelFormatException(where + ": " + name + " of shape " + java.util.Arrays.toString(dims) + " needs " + n + " values, has " + have);
        for (int i = 0; i < n; i++)
            out[i] = switch (type) {
                case FLOAT -> t.getFloatData(i);
                case INT32 -> t.getInt32Data(i);
                case DOUBLE -> t.getDoubleData(i);
                default -> t.getInt64Data(i);
            };
        return out;
    }

    /** External data: {@code location} relative to the model's folder (never outside it), {@code offset}, {@code length}. */
    private static ByteBuffer external(TensorProto t, Path modelDir, long expected, String where) {
        String location = null;
        long offset = 0, length = -1;
        for (StringStringEntryProto e : t.getExternalDataList()) {
            try {
                switch (e.getKey()) {
                    case "location" -> location = e.getValue();
                    case "offset" -> offset = Long.parseLong(e.getValue());
                    case "length" -> length = Long.parseLong(e.getValue());
                    default -> { }
                }
            } catch (NumberFormatException x) {
                throw new ModelFormatException(where + ": tensor '" + t.getName() + "' has external-data " + e.getKey() + " '" + e.getValue() + "', not a number");
            }
        }
        if (location == null) throw new ModelFormatException(where + ": tensor '" + t.getName() + "' is external data without a location");
        Path dir = modelDir.toAbsolutePath().normalize();
        Path file = dir.resolve(location).normalize();
        if (!file.startsWith(dir))
            throw new ModelFormatException(where + ": tensor '" + t.getName() + "' names external data '" + location + "' outside the model's folder");
        if (length < 0) length = expected;
        if (offset < 0 || length != expected)
            throw new ModelFormatException(where + ": tensor '" + t.getName() + "' external data has offset " + offset + ", length " + length
                    + "; its shape needs " + expected + " bytes");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            if (offset + length > f.length())
                throw new ModelFormatException(where + ": external data file " + file + " has " + f.length() + " bytes; tensor '" + t.getName()
                        + "' needs bytes " + offset + ".." + (offset + length) + " (truncated? copy it again beside the model)");
            byte[] b = new byte[(int) length];
            f.seek(offset);
            f.readFully(b);
            return ByteBuffer.wrap(b);
        } catch (java.io.FileNotFoundException e) {
            throw new ModelFormatException(where + ": tensor '" + t.getName() + "' is stored in " + file
                    + ", which does not exist; keep the external-data file beside the .onnx");
        } catch (IOException e) {
            throw new ModelFormatException(where + ": cannot read external data " + file + ": " + e.getMessage(), e);
        }
    }
}
