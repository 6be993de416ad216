package deepdream.cli.io;

import deepdream.cli.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

class NpyTest {
    @TempDir Path dir;

    @Test
    void float32RoundTripWithNumpyLayout() throws Exception {
        float[] data = {1.5f, -2f, 3.25f, 0f, Float.MIN_VALUE, 1e30f};
        Path f = dir.resolve("a.npy");
        Npy.write(f, new int[] {1, 2, 3}, data);
        byte[] bytes = Files.readAllBytes(f);
        int headerLen = ByteBuffer.wrap(bytes, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort();
        assertEquals(0, (10 + headerLen) % 64, "data must start on a 64-byte boundary");
        String header = new String(bytes, 10, headerLen, StandardCharsets.ISO_8859_1);
        assertTrue(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 3), }"), header);
        assertTrue(header.endsWith("\n"));
        Npy.Array a = Npy.read(f);
        assertArrayEquals(new int[] {1, 2, 3}, a.shape());
        assertArrayEquals(data, a.data());
        assertEquals(0, Files.list(dir).filter(p -> p.getFileName().toString().endsWith(".tmp")).count());
    }

    @Test
    void oneDimensionalShapeHasTrailingComma() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(out, new int[] {4}, new float[4]);
        assertTrue(new String(out.toByteArray(), StandardCharsets.ISO_8859_1).contains("'shape': (4,)"));
        assertArrayEquals(new int[] {4}, Npy.parse(out.toByteArray(), "x").shape());
    }

    @Test
    void readsFloat64AndBigEndian() {
        double[] d = {0.1, -7.5, 1e10};
        assertArrayEquals(new float[] {0.1f, -7.5f, 1e10f}, Npy.parse(npy("<f8", "(3,)", d, ByteOrder.LITTLE_ENDIAN, 8), "x").data());
        assertArrayEquals(new float[] {0.1f, -7.5f, 1e10f}, Npy.parse(npy(">f8", "(3,)", d, ByteOrder.BIG_ENDIAN, 8), "x").data());
        assertArrayEquals(new float[] {0.1f, -7.5f, 1e10f}, Npy.parse(npy(">f4", "(1, 3)", d, ByteOrder.BIG_ENDIAN, 4), "x").data());
    }

    @Test
    void refusesWhatItCannotRead() {
        assertThrows(UserException.class, () -> Npy.parse("not numpy at all".getBytes(), "x"));
        UserException ints = assertThrows(UserException.class, () -> Npy.parse(npy("<i4", "(3,)", new double[3], ByteOrder.LITTLE_ENDIAN, 4), "x"));
        assertTrue(ints.getMessage().contains("float32 or float64"), ints.getMessage());
        byte[] full = npy("<f4", "(1, 3, 2, 2)", new double[12], ByteOrder.LITTLE_ENDIAN, 4);
        UserException cut = assertThrows(UserException.class, () -> Npy.parse(Arrays.copyOf(full, full.length - 5), "x"));
        assertTrue(cut.getMessage().contains("truncated"), cut.getMessage());
        String fortran = "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }";
        assertThrows(UserException.class, () -> Npy.parse(raw(fortran, new byte[16]), "x"));
    }

    static byte[] npy(String descr, String shape, double[] values, ByteOrder order, int width) {
        ByteBuffer body = ByteBuffer.allocate(values.length * width).order(order);
        for (double v : values) {
            if (width == 8) body.putDouble(v); else if (descr.contains("f")) body.putFloat((float) v); else body.putInt((int) v);
        }
        return raw("{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }", body.array());
    }

    static byte[] raw(String dict, byte[] body) {
        String header = dict + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + body.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.ISO_8859_1)).put(body);
        return b.array();
    }
}
