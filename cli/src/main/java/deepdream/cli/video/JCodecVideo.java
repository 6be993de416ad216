package deepdream.cli.video;

import deepdream.cli.UserException;
import deepdream.cli.io.AtomicFiles;
import deepdream.cli.io.ImageFiles;
import deepdream.engine.image.PlanarImage;
import org.jcodec.api.FrameGrab;
import org.jcodec.api.JCodecException;
import org.jcodec.api.SequenceEncoder;
import org.jcodec.common.DemuxerTrack;
import org.jcodec.common.DemuxerTrackMeta;
import org.jcodec.common.io.NIOUtils;
import org.jcodec.common.io.SeekableByteChannel;
import org.jcodec.common.model.ColorSpace;
import org.jcodec.common.model.Picture;
import org.jcodec.common.model.Rational;
import org.jcodec.containers.mp4.demuxer.MP4Demuxer;
import org.jcodec.scale.ColorUtil;
import org.jcodec.scale.Transform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * MP4/H.264 in and out in pure Java (JCodec 0.2.5), for machines without ffmpeg. Frames are read in
 * order with getNativeFrame and never by seeking (JCodec's frame seek lands on the wrong frame of
 * some files); the frame count comes from counting the video track's packets. No audio.
 */
public final class JCodecVideo implements VideoCodec {
    @Override public String name() { return "JCodec (pure Java)"; }
    @Override public boolean reads(String ext) { return ext.equals("mp4") || ext.equals("m4v") || ext.equals("mov"); }
    @Override public boolean writes(String ext) { return ext.equals("mp4"); }

    @Override
    public FrameSource open(Path video) {
        int count;
        double seconds;
        try (SeekableByteChannel ch = NIOUtils.readableChannel(video.toFile())) {
            DemuxerTrack track = MP4Demuxer.createMP4Demuxer(ch).getVideoTrack();
            if (track == null) throw new UserException("cannot read the video " + video + ": it has no video track");
            DemuxerTrackMeta meta = track.getMeta();
            seconds = meta == null ? 0 : meta.getTotalDuration();
            count = 0;
            while (track.nextFrame() != null) count++;
        } catch (UserException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw unreadable(video, e);
        }
        if (count == 0) throw new UserException("cannot read the video " + video + ": its video track has no frames");
        try {
            SeekableByteChannel ch = NIOUtils.readableChannel(video.toFile());
            FrameGrab grab;
            try {
                grab = FrameGrab.createFrameGrab(ch);
            } catch (IOException | JCodecException | RuntimeException e) {
                ch.close();
                throw unreadable(video, e);
            }
            String rate = seconds > 0 ? rational(count / seconds) : "25";
            return new Grab(grab, ch, video, count, rate);
        } catch (IOException e) {
            throw unreadable(video, e);
        }
    }

    private static UserException unreadable(Path video, Exception e) {
        return new UserException("cannot read the video " + video + " without ffmpeg (JCodec reads MP4 with H.264 only: "
                + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + "). Install ffmpeg to read other videos", e);
    }

    /** Frames per second to the nearest 1/1000 as a fraction. */
    static String rational(double fps) { return Math.round(fps * 1000) + "/1000"; }

    private static final class Grab implements FrameSource {
        private final FrameGrab grab;
        private final SeekableByteChannel ch;
        private final Path video;
        private final int count;
        private final String rate;
        private int read, w = -1, h = -1;
        private PlanarImage first;

        Grab(FrameGrab grab, SeekableByteChannel ch, Path video, int count, String rate) {
            this.grab = grab;
            this.ch = ch;
            this.video = video;
            this.count = count;
            this.rate = rate;
            first = decode();   // the size is known once a frame is decoded
            if (first == null) throw new UserException("cannot read the video " + video + ": no frame could be decoded");
            w = first.width();
            h = first.height();
        }

        @Override public int width() { return w; }
        @Override public int height() { return h; }
        @Override public int frameCount() { return count; }
        @Override public String frameRate() { return rate; }

        @Override
        public PlanarImage next() {
            if (first != null) {
                PlanarImage f = first;
                first = null;
                return f;
            }
            return read >= count ? null : decode();
        }

        private PlanarImage decode() {
            Picture pic;
            try {
                pic = grab.getNativeFrame();
            } catch (IOException | RuntimeException e) {
                throw unreadable(video, e);
            }
            if (pic == null) return null;
            read++;
            return toRgb(pic);
        }

        @Override
        public void close() {
            try { ch.close(); } catch (IOException ignored) { /* read-only */ }
        }
    }

    /** A decoded picture (any colour space) to RGB planes 0..255, cropped to its display size. */
    static PlanarImage toRgb(Picture pic) {
        Picture rgb = pic;
        if (pic.getColor() != ColorSpace.RGB) {
            rgb = Picture.create(pic.getWidth(), pic.getHeight(), ColorSpace.RGB);
            Transform t = ColorUtil.getTransform(pic.getColor(), ColorSpace.RGB);
            t.transform(pic, rgb);
        }
        int cw = pic.getCroppedWidth(), chh = pic.getCroppedHeight(), stride = rgb.getWidth(), plane = cw * chh;
        byte[] d = rgb.getPlaneData(0);
        float[] out = new float[3 * plane];
        for (int y = 0; y < chh; y++)
            for (int x = 0; x < cw; x++) {
                int s = 3 * (y * stride + x), i = y * cw + x;
                for (int c = 0; c < 3; c++) out[c * plane + i] = d[s + c] + 128;   // JCodec stores value − 128
            }
        return new PlanarImage(3, chh, cw, out);
    }

    @Override
    public void encode(Path framesDir, int first, int last, String frameRate, Path output, Path audioFrom) {
        Path tmp = output.toAbsolutePath().resolveSibling("." + output.getFileName() + ".partial.mp4");
        try {
            try (SeekableByteChannel ch = NIOUtils.writableChannel(tmp.toFile())) {
                SequenceEncoder enc = SequenceEncoder.createWithFps(ch, parse(frameRate));
                for (int n = first; n <= last; n++) enc.encodeNativeFrame(toPicture(ImageFiles.read(VideoFiles.frameFile(framesDir, n), Long.MAX_VALUE)));
                enc.finish();
            }
            AtomicFiles.move(tmp, output);
        } catch (IOException | RuntimeException e) {
            if (e instanceof UserException u) throw u;
            throw new UserException("cannot write " + output + " with JCodec: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        } finally {
            try { Files.deleteIfExists(tmp); } catch (IOException ignored) { /* best effort */ }
        }
    }

    private static Rational parse(String r) {
        int slash = r.indexOf('/');
        return slash < 0 ? Rational.R(Integer.parseInt(r), 1) : Rational.R(Integer.parseInt(r.substring(0, slash)), Integer.parseInt(r.substring(slash + 1)));
    }

    /** RGB planes to a JCodec RGB picture; an odd last row/column is dropped (H.264 4:2:0 wants even sizes). */
    static Picture toPicture(PlanarImage img) {
        int w = img.width() & ~1, h = img.height() & ~1, plane = img.width() * img.height();
        Picture pic = Picture.create(w, h, ColorSpace.RGB);
        byte[] d = pic.getPlaneData(0);
        float[] s = img.data();
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int c = 0; c < 3; c++) {
                    int v = Math.round(s[c * plane + y * img.width() + x]);
                    d[3 * (y * w + x) + c] = (byte) (Math.max(0, Math.min(255, v)) - 128);
                }
        return pic;
    }
}
