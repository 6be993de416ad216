package deepdream.batch;

import deepdream.cli.UserException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;

import javax.imageio.ImageIO;
import javax.imageio.stream.ImageInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The inputs of a batch, listed on the driver: a folder (recursive), a text file of paths or URIs
 * (one a line; '#' comments; relative paths from the list's folder), or one image. Files are not
 * filtered by extension: whatever does not decode is reported by the task that tries it. Hidden
 * files and names starting with '_' (Hadoop's _SUCCESS, our _batch.json) are left out, and so is
 * the output folder when it lies inside the input.
 */
public final class InputListing {
    private InputListing() {}

    /** "hdfs://...", "s3a://...", "file:/..." — anything with a scheme; a plain path otherwise. */
    static boolean isUri(String s) { return s.matches("[A-Za-z][A-Za-z0-9+.-]+:.*"); }

    public static List<BatchItem> list(String in, Path outRoot, Configuration hadoop) {
        List<String[]> found = new ArrayList<>();   // {source URI, relative path}
        if (isUri(in) && !in.startsWith("file:")) {
            listHadoop(in, hadoop, found);
        } else {
            Path p = in.startsWith("file:") ? Path.of(URI.create(in)) : Path.of(in).toAbsolutePath();
            if (Files.isDirectory(p)) listFolder(p, outRoot.toAbsolutePath().normalize(), found);
            else if (!Files.isRegularFile(p)) throw new UserException("input not found: " + in + " (give a folder, a text file of paths, or an image)");
            else if (looksLikeImage(p)) found.add(new String[] {p.toUri().toString(), p.getFileName().toString()});
            else listFile(p, found);
        }
        if (found.isEmpty()) throw new UserException("no input files in " + in);
        return withOutputNames(found);
    }

    private static void listFolder(Path root, Path outRoot, List<String[]> found) {
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(Files::isRegularFile).filter(f -> !f.toAbsolutePath().normalize().startsWith(outRoot))
                    .filter(f -> visible(root.relativize(f)))
                    .sorted(Comparator.comparing(Path::toString))
                    .forEach(f -> found.add(new String[] {f.toUri().toString(), slashes(root.relativize(f))}));
        } catch (IOException e) {
            throw new UserException("cannot list " + root + ": " + e.getMessage(), e);
        }
    }

    private static void listHadoop(String in, Configuration hadoop, List<String[]> found) {
        try {
            org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(in);
            FileSystem fs = root.getFileSystem(hadoop);
            FileStatus status = fs.getFileStatus(root);
            if (!status.isDirectory()) {
                List<String> lines = new ArrayList<>();
                try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(fs.open(root), StandardCharsets.UTF_8))) {
                    r.lines().forEach(lines::add);
                }
                addListed(lines, status.getPath().getParent().toUri(), found);
                return;
            }
            String prefix = status.getPath().toUri().getPath();
            RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
            List<String[]> listed = new ArrayList<>();
            while (it.hasNext()) {
                LocatedFileStatus f = it.next();
                String rel = f.getPath().toUri().getPath().substring(prefix.length()).replaceFirst("^/+", "");
                if (f.isFile() && visible(Path.of(rel))) listed.add(new String[] {f.getPath().toUri().toString(), rel});
            }
            listed.sort(Comparator.comparing(a -> a[1]));
            found.addAll(listed);
        } catch (IOException e) {
            throw new UserException("cannot list " + in + ": " + e.getMessage(), e);
        }
    }

    private static void listFile(Path list, List<String[]> found) {
        try {
            addListed(Files.readAllLines(list, StandardCharsets.UTF_8), list.toAbsolutePath().getParent().toUri(), found);
        } catch (IOException e) {
            throw new UserException("cannot read the list " + list + ": " + e.getMessage(), e);
        }
    }

    /** Each path relative to the folder all of them share, so the output mirrors the tree below it. */
    private static void addListed(List<String> lines, URI base, List<String[]> found) {
        List<URI> uris = new ArrayList<>();
        for (String line : lines) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) continue;
            uris.add(isUri(l) ? URI.create(l) : l.startsWith("/") ? Path.of(l).toUri() : base.resolve(Path.of(l).toString().replace(" ", "%20")).normalize());
        }
        if (uris.isEmpty()) return;
        String common = uris.get(0).getPath();
        common = common.substring(0, common.lastIndexOf('/') + 1);
        for (URI u : uris) while (!u.getPath().startsWith(common)) common = common.substring(0, common.lastIndexOf('/', common.length() - 2) + 1);
        for (URI u : uris) found.add(new String[] {u.toString(), u.getPath().substring(common.length())});
    }

    /** photo.jpg -> photo.png; when two inputs would meet (a.jpg and a.png) both keep their extension: a.jpg.png. */
    static List<BatchItem> withOutputNames(List<String[]> found) {
        Map<String, Integer> uses = new HashMap<>();
        for (String[] f : found) uses.merge(stem(f[1]).toLowerCase(Locale.ROOT), 1, Integer::sum);
        List<BatchItem> items = new ArrayList<>();
        Map<String, String> taken = new HashMap<>();
        for (String[] f : found) {
            String out = uses.get(stem(f[1]).toLowerCase(Locale.ROOT)) > 1 ? f[1] + ".png" : stem(f[1]) + ".png";
            String before = taken.putIfAbsent(out.toLowerCase(Locale.ROOT), f[1]);
            if (before != null) throw new UserException("inputs " + before + " and " + f[1] + " would both be written to " + out + "; rename one");
            items.add(new BatchItem(f[0], f[1], out));
        }
        return items;
    }

    private static String stem(String rel) {
        int slash = rel.lastIndexOf('/'), dot = rel.lastIndexOf('.');
        return dot > slash + 1 ? rel.substring(0, dot) : rel;
    }

    private static boolean visible(Path rel) {
        for (Path part : rel) {
            String n = part.toString();
            if (n.startsWith(".") || n.startsWith("_")) return false;
        }
        return true;
    }

    private static String slashes(Path rel) { return rel.toString().replace('\\', '/'); }

    private static boolean looksLikeImage(Path p) {
        try (ImageInputStream in = ImageIO.createImageInputStream(p.toFile())) {
            return in != null && ImageIO.getImageReaders(in).hasNext();
        } catch (IOException e) {
            return false;
        }
    }
}
