package deepdream.cli.io;

import deepdream.cli.UserException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy's .npy format (version 1–3): read float32/float64 arrays in C order, write float32. Enough
 * to exchange activations and gradients with NumPy, PyTorch and other engines.
 */
public final class Npy {
    private Npy() {}

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    /** An array as read: its shape and its values as float32. */
    public record Array(int[] shape, float[] data) {}

    public static Array read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new UserException("file not found: " + file);
        } catch (IOException e) {
            throw new UserException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return parse(bytes, file.toString());
    }

    public static Array parse(byte[] bytes, String source) {
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 10 || !java.util.Arrays.equals(java.util.Arrays.copyOf(bytes, 6), MAGIC))
            throw new UserException(source + " is not a .npy file (no NumPy magic header)");
        int major = bytes[6];
        if (major >= 2 && bytes.length < 12) throw new UserException(source + " is truncated (header)");
        buf.position(8);
        long headerLen = major == 1 ? Short.toUnsignedInt(buf.getShort()) : Integer.toUnsignedLong(buf.getInt());
        if (major < 1 || major > 3) throw new UserException(source + ": unsupported .npy version " + major);
        if (buf.position() + headerLen > bytes.length) throw new UserException(source + " is truncated (header)");
        String header = new String(bytes, buf.position(), (int) headerLen, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        int dataStart = buf.position() + (int) headerLen;

        String descr = field(header, "descr", source);
        if (field(header, "fortran_order", source).equals("True"))
            throw new UserException(source + " is stored in Fortran order; save it in C order (numpy.ascontiguousarray)");
        int[] shape = parseShape(field(header, "shape", source), source);
        long count = 1;
        for (int d : shape) {
            if (d < 0) throw new UserException(source + ": negative dimension in shape " + shapeString(shape));
            // Stop multiplying once the count exceeds what the file can hold: no overflow, no huge allocation.
            count = Math.min(count * d, (long) bytes.length + 1);
        }
        ByteOrder order = descr.startsWith(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        String type = descr.replaceFirst("^[<>=|]", "");
        int width = switch (type) {
            case "f4" -> 4;
            case "f8" -> 8;
            default -> throw new UserException(source + " holds '" + descr + "' values; deepdream reads float32 or float64 arrays");
        };
        if (dataStart + count * width > bytes.length)
            throw new UserException(source + " is truncated: shape " + shapeString(shape) + " needs " + count * width + " data bytes, the file has "
                    + (bytes.length - dataStart));
        if (count > Integer.MAX_VALUE) throw new UserException(source + ": array too large");
        ByteBuffer data = ByteBuffer.wrap(bytes, dataStart, (int) (count * width)).order(order);
        float[] out = new float[(int) count];
        for (int i = 0; i < out.length; i++) out[i] = width == 4 ? data.getFloat() : (float) data.getDouble();
        return new Array(shape, out);
    }

    /** Writes a float32 .npy file (version 1.0, little-endian, C order) to out. */
    public static void write(OutputStream out, int[] shape, float[] data) throws IOException {
        StringBuilder sh = new StringBuilder("(");
        for (int d : shape) sh.append(d).append(", ");
        if (shape.length > 1) sh.setLength(sh.length() - 2);
        else if (shape.length == 1) sh.setLength(sh.length() - 1);
        sh.append(")");
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + sh + ", }";
        // Pad so that the data starts on a 64-byte boundary, as NumPy does.
        int total = 10 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer head = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
        head.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        out.write(head.array());
        out.write(header.getBytes(StandardCharsets.ISO_8859_1));
        ByteBuffer body = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : data) {
            if (!body.hasRemaining()) { out.write(body.array(), 0, body.position()); body.clear(); }
            body.putFloat(f);
        }
        out.write(body.array(), 0, body.position());
    }

    /** Writes a float32 .npy file atomically (temp file, then move). */
    public static void write(Path file, int[] shape, float[] data) {
        AtomicFiles.write(file, out -> write(out, shape, data));
    }

    private static String field(String header, String key, String source) {
        Matcher m = Pattern.compile("'" + key + "'\\s*:\\s*('([^']*)'|\\([^)]*\\)|True|False)").matcher(header);
        if (!m.find()) throw new UserException(source + ": .npy header has no '" + key + "' (" + header.strip() + ")");
        return m.group(2) != null ? m.group(2) : m.group(1);
    }

    private static int[] parseShape(String tuple, String source) {
        List<Integer> dims = new ArrayList<>();
        for (String part : tuple.replaceAll("[()\\s]", "").split(",")) {
            if (part.isEmpty()) continue;
            try {
                dims.add(Integer.parseInt(part.replaceAll("L$", "")));
            } catch (NumberFormatException e) {
                throw new UserException(source + ": bad shape " + tuple + " in the .npy header");
            }
        }
        return dims.stream().mapToInt(Integer::intValue).toArray();
    }

    public static String shapeString(int[] shape) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < shape.length; i++) sb.append(i == 0 ? "" : "x").append(shape[i]);
        return shape.length == 0 ? "(scalar)" : sb.toString();
    }

    /** For tests and tools: read a .npy from a stream. */
    public static Array read(InputStream in, String source) throws IOException { return parse(in.readAllBytes(), source); }
}
