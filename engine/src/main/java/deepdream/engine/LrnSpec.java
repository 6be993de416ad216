package deepdream.engine;

/** Caffe LRN across channels: b = a / (k + alpha/size · Σ a²)^beta over a zero-padded window of {@code size} channels. */
public record LrnSpec(int size, float alpha, float beta, float k) {
    public LrnSpec {
        if (size < 1 || size % 2 == 0) throw new IllegalArgumentException("LRN local_size must be odd and positive, got " + size);
    }

    public static LrnSpec caffe(int size, float alpha, float beta) { return new LrnSpec(size, alpha, beta, 1f); }
}
