package deepdream.batch;

import java.nio.charset.StandardCharsets;

/**
 * The seed of one file of a batch, from the batch seed and the file's relative path: the same on
 * every master, partitioning and retry, and different for every file (so a folder of similar photos
 * does not get the same jitter pattern). {@code deepdream dream FILE --seed S} with this S repeats it.
 */
public final class FileSeeds {
    private FileSeeds() {}

    /** Non-negative, so it reads well on a command line; '/' separators so Windows and Linux agree. */
    public static long seed(long batchSeed, String relativePath) {
        long h = 0xcbf29ce484222325L;   // FNV-1a 64 of the UTF-8 path
        for (byte b : relativePath.replace('\\', '/').getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return mix(batchSeed * 0x9e3779b97f4a7c15L + h) & Long.MAX_VALUE;
    }

    /** SplitMix64's finalizer: every input bit reaches every output bit. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
