package deepdream.cli.video;

import deepdream.cli.io.AtomicFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Marks an MP4/MOV as a 360° equirectangular video: Google's Spherical Video V1 box (a {@code uuid}
 * box holding GSpherical XML) appended to the video track, which YouTube, VLC and ffmpeg read. Only
 * the moov box changes; when it comes before the media data (ffmpeg's +faststart), every chunk
 * offset (stco/co64) moves by the inserted length. The file is rewritten through a temp file.
 */
public final class SphericalMp4 {
    private SphericalMp4() {}

    /** The Spherical Video V1 uuid, ffcc8263-f855-4a93-8814-587a02521fdd. */
    static final byte[] UUID = HexFormat.of().parseHex("ffcc8263f8554a938814587a02521fdd");

    /** Whether this output format can carry the tag (the ISO base media family). */
    public static boolean supports(Path video) {
        String n = video.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".mp4") || n.endsWith(".mov") || n.endsWith(".m4v");
    }

    /**
     * Adds the equirectangular tag to the first video track of the file, in place. Only the moov box
     * is read into memory; the media data is copied file to file, so memory does not grow with the clip.
     */
    public static void tagEquirectangular(Path video, int width, int height) throws IOException {
        byte[] box = uuidBox(xml(width, height));
        Path tmp = Files.createTempFile(video.toAbsolutePath().getParent(), "." + video.getFileName(), ".part");
        try (FileChannel in = FileChannel.open(video, StandardOpenOption.READ)) {
            long size = in.size(), moovStart = -1, moovSize = 0, mdatStart = -1;
            ByteBuffer head = ByteBuffer.allocate(16);
            for (long at = 0; at < size; ) {   // the top-level boxes, by their headers
                head.clear();
                in.read(head, at);
                if (head.position() < 8) throw new IOException(video + ": truncated MP4 box at byte " + at);
                long n = Integer.toUnsignedLong(head.getInt(0));
                String type = new String(head.array(), 4, 4, StandardCharsets.US_ASCII);
                if (n == 1) n = head.getLong(8);
                else if (n == 0) n = size - at;
                if (n < 8 || at + n > size) throw new IOException(video + ": MP4 box '" + type + "' at byte " + at + " has a bad size " + n);
                if (type.equals("moov")) { moovStart = at; moovSize = n; }
                if (type.equals("mdat") && mdatStart < 0) mdatStart = at;
                at += n;
            }
            if (moovStart < 0) throw new IOException(video + " has no moov box: not an MP4 deepdream can tag");
            if (moovSize > Integer.MAX_VALUE - box.length) throw new IOException(video + ": moov box too large to tag");
            ByteBuffer moovBytes = ByteBuffer.allocate((int) moovSize);
            while (moovBytes.hasRemaining()) if (in.read(moovBytes, moovStart + moovBytes.position()) < 0) throw new IOException(video + ": truncated moov");
            byte[] moov = withBoxInVideoTrack(moovBytes.array(), box, mdatStart > moovStart, video);
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                copy(in, 0, moovStart, out);
                out.write(ByteBuffer.wrap(moov));
                copy(in, moovStart + moovSize, size - moovStart - moovSize, out);
            }
            AtomicFiles.move(tmp, video);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The moov box with {@code box} appended to its first video trak; chunk offsets moved when the media data follows moov. */
    static byte[] withBoxInVideoTrack(byte[] file, byte[] box, boolean moovBeforeData, Path source) throws IOException {
        Box moov = box(file, 0, file.length);
        Box trak = null;
        for (int at = moov.bodyStart(); at < moov.end(); ) {
            Box b = box(file, at, moov.end());
            if (b.type.equals("trak") && isVideo(file, b)) { trak = b; break; }
            at = b.end();
        }
        if (trak == null) throw new IOException(source + " has no video track to tag");
        if (moov.header != 8 || trak.header != 8) throw new IOException(source + ": 64-bit moov/trak sizes are not supported for tagging");
        ByteBuffer out = ByteBuffer.allocate(file.length + box.length);
        out.put(file, 0, trak.end()).put(box).put(file, trak.end(), file.length - trak.end());
        byte[] tagged = out.array();
        addToSize(tagged, trak.start, box.length);
        addToSize(tagged, moov.start, box.length);
        if (moovBeforeData) shiftChunkOffsets(tagged, moov.bodyStart(), moov.end() + box.length, box.length);
        return tagged;
    }

    private static void copy(FileChannel in, long from, long count, FileChannel out) throws IOException {
        for (long done = 0; done < count; ) done += in.transferTo(from + done, count - done, out);
    }

    static String xml(int width, int height) {
        return "<?xml version=\"1.0\"?><rdf:SphericalVideo xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\""
                + " xmlns:GSpherical=\"http://ns.google.com/videos/1.0/spherical/\">"
                + "<GSpherical:Spherical>true</GSpherical:Spherical><GSpherical:Stitched>true</GSpherical:Stitched>"
                + "<GSpherical:StitchingSoftware>deepdream</GSpherical:StitchingSoftware>"
                + "<GSpherical:ProjectionType>equirectangular</GSpherical:ProjectionType>"
                + "<GSpherical:FullPanoWidthPixels>" + width + "</GSpherical:FullPanoWidthPixels>"
                + "<GSpherical:FullPanoHeightPixels>" + height + "</GSpherical:FullPanoHeightPixels>"
                + "<GSpherical:CroppedAreaImageWidthPixels>" + width + "</GSpherical:CroppedAreaImageWidthPixels>"
                + "<GSpherical:CroppedAreaImageHeightPixels>" + height + "</GSpherical:CroppedAreaImageHeightPixels>"
                + "<GSpherical:CroppedAreaLeftPixels>0</GSpherical:CroppedAreaLeftPixels><GSpherical:CroppedAreaTopPixels>0</GSpherical:CroppedAreaTopPixels>"
                + "</rdf:SphericalVideo>";
    }

    private static byte[] uuidBox(String xml) {
        byte[] x = xml.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + 16 + x.length).putInt(8 + 16 + x.length).put("uuid".getBytes(StandardCharsets.US_ASCII)).put(UUID).put(x).array();
    }

    /** One box: [start, start+size), its body after the 8-byte header (sizes here are 32-bit; a 64-bit mdat is skipped by its largesize). */
    record Box(String type, int start, long size, int header) {
        int bodyStart() { return start + header; }
        int end() { return (int) (start + size); }
    }

    static Box box(byte[] f, int at, int limit) throws IOException {
        if (at + 8 > limit) throw new IOException("truncated MP4 box at byte " + at);
        long size = Integer.toUnsignedLong(ByteBuffer.wrap(f, at, 4).getInt());
        String type = new String(f, at + 4, 4, StandardCharsets.US_ASCII);
        int header = 8;
        if (size == 1) { size = ByteBuffer.wrap(f, at + 8, 8).getLong(); header = 16; }
        else if (size == 0) size = limit - at;   // to the end of the file
        if (size < header || at + size > limit) throw new IOException("MP4 box '" + type + "' at byte " + at + " has a bad size " + size);
        return new Box(type, at, size, header);
    }

    private static Box child(byte[] f, int from, int to, String type) throws IOException {
        for (int at = from; at < to; ) {
            Box b = box(f, at, to);
            if (b.type.equals(type)) return b;
            at = b.end();
        }
        return null;
    }

    /** trak → mdia → hdlr with handler type 'vide'. */
    private static boolean isVideo(byte[] f, Box trak) throws IOException {
        Box mdia = child(f, trak.bodyStart(), trak.end(), "mdia");
        Box hdlr = mdia == null ? null : child(f, mdia.bodyStart(), mdia.end(), "hdlr");
        // hdlr body: version/flags (4), pre_defined (4), handler_type (4)
        return hdlr != null && new String(f, hdlr.bodyStart() + 8, 4, StandardCharsets.US_ASCII).equals("vide");
    }

    private static void addToSize(byte[] f, int at, int delta) {
        ByteBuffer.wrap(f).putInt(at, ByteBuffer.wrap(f).getInt(at) + delta);
    }

    /** Every stco/co64 inside [from, to) moves its chunk offsets by delta: the media data after moov moved. */
    private static void shiftChunkOffsets(byte[] f, int from, int to, int delta) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(f);
        for (int at = from; at < to; ) {
            Box box = box(f, at, to);
            switch (box.type) {
                case "trak", "mdia", "minf", "stbl", "edts" -> shiftChunkOffsets(f, box.bodyStart(), box.end(), delta);
                case "stco" -> {
                    int n = b.getInt(box.bodyStart() + 4);
                    for (int i = 0; i < n; i++) { int p = box.bodyStart() + 8 + 4 * i; b.putInt(p, b.getInt(p) + delta); }
                }
                case "co64" -> {
                    int n = b.getInt(box.bodyStart() + 4);
                    for (int i = 0; i < n; i++) { int p = box.bodyStart() + 8 + 8 * i; b.putLong(p, b.getLong(p) + delta); }
                }
                default -> { }
            }
            at = box.end();
        }
    }
}
