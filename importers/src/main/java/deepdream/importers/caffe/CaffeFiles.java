package deepdream.importers.caffe;

import deepdream.importers.ModelFormatException;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.TextFormat;
import deepdream.importers.caffe.proto.Caffe.NetParameter;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads Caffe's two file kinds: text .prototxt (architecture) and binary .caffemodel (weights). */
public final class CaffeFiles {
    private CaffeFiles() {}

    /**
     * Protobuf refuses messages over 64 MB by default; the official GoogLeNet snapshot is 53 MB and
     * VGG-class models are over 500 MB, so the limit is lifted to what a Java array can hold.
     */
    static final int CAFFEMODEL_SIZE_LIMIT = Integer.MAX_VALUE;

    /** Parses prototxt text; syntax errors name the source with line and column. */
    public static NetParameter parsePrototxt(String text, String source) {
        NetParameter.Builder b = NetParameter.newBuilder();
        try {
            TextFormat.getParser().merge(text, b);
        } catch (TextFormat.ParseException e) {
            throw new ModelFormatException("syntax error in " + source + " at line " + e.getLine() + ", column " + e.getColumn()
                    + ": " + stripPosition(e.getMessage()));
        }
        return b.build();
    }

    public static NetParameter readPrototxt(Path file) {
        return parsePrototxt(readText(file, "prototxt"), file.toString());
    }

    /** Parses a binary NetParameter (either layer encoding). */
    public static NetParameter parseCaffemodel(InputStream in, String source) {
        try {
            CodedInputStream cis = CodedInputStream.newInstance(in);
            cis.setSizeLimit(CAFFEMODEL_SIZE_LIMIT);
            NetParameter net;
            try {
                net = NetParameter.parseFrom(cis);
            } catch (IndexOutOfBoundsException | IllegalStateException e) {
                // protobuf-java's stream decoder can fail this way instead of with its own exception
                // on some corrupt inputs (found by CaffeParsersFuzzTest): the same answer for the user.
                throw new InvalidProtocolBufferException("corrupt data (" + e + ")");
            }
            if (net.getLayerCount() == 0 && net.getLayersCount() == 0)
                throw new ModelFormatException(source + " holds no layers: it is not a Caffe model (.caffemodel) file");
            return net;
        } catch (InvalidProtocolBufferException e) {
            throw new ModelFormatException(source + " is not a valid Caffe model (truncated or corrupt: " + e.getMessage()
                    + "). Download it again: deepdream models fetch bvlc_googlenet", e);
        } catch (IOException e) {
            throw new ModelFormatException("cannot read " + source + ": " + e.getMessage(), e);
        }
    }

    public static NetParameter readCaffemodel(Path file) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            return parseCaffemodel(in, file.toString());
        } catch (NoSuchFileException e) {
            throw new ModelFormatException("weights file not found: " + file);
        } catch (IOException e) {
            throw new ModelFormatException("cannot read weights file " + file + ": " + e.getMessage(), e);
        }
    }

    static String readText(Path file, String what) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(what + " file not found: " + file);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new ModelFormatException(file + " is not a text " + what + " file (it is not UTF-8 text)");
        } catch (IOException e) {
            throw new ModelFormatException("cannot read " + what + " file " + file + ": " + e.getMessage(), e);
        }
    }

    /** TextFormat messages start with "line:col: "; the position is already in our wording. */
    private static String stripPosition(String msg) {
        return msg == null ? "" : msg.replaceFirst("^\\d+:\\d+: ", "");
    }
}
