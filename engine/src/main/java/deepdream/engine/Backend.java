package deepdream.engine;

/**
 * Where tensors live and how ops are computed. A tensor's storage belongs to its backend: host
 * arrays for the reference and cpu backends, device buffers for opencl. Every op reads and writes
 * tensors of this backend only, so a forward/backward pass never copies between ops; only
 * {@link #download} brings data back.
 *
 * <p>Conventions for every op:
 * <ul>
 *   <li>Outputs are allocated by the caller with the right shape (shape inference lives in the ops
 *       of {@code deepdream.engine.ops}); the backend overwrites them completely.</li>
 *   <li>Tensors are NCHW; weights use Caffe's layouts: convolution {@code [out][in/groups][kh][kw]},
 *       inner product {@code [out][in]}, biases {@code [out]}.</li>
 *   <li>Backward ops compute the gradient with respect to the <em>input</em> only (weights are fixed).</li>
 * </ul>
 * The reference backend is the oracle: it is written to be obviously correct, and every other
 * backend is tested against it.
 */
public interface Backend extends AutoCloseable {

    /** Short name used on the command line: "reference", "cpu", "opencl". */
    String name();

    /** One line about the device/threads, shown by {@code --verbose} and {@code bench}. */
    default String describe() { return name(); }

    // ---- storage -------------------------------------------------------------------------

    /** A tensor with undefined contents (possibly a recycled buffer). */
    Tensor allocate(int... shape);

    /** A zero-filled tensor. */
    default Tensor zeros(int... shape) {
        Tensor t = allocate(shape);
        fill(t, 0f);
        return t;
    }

    /** Copies host data (NCHW order, length = product of shape) into a new tensor. */
    Tensor upload(float[] data, int... shape);

    /**
     * An immutable tensor holding a copy of host data: a net's weights and biases. Every write to it
     * (fill, copy, axpy, set, ... or as an op's output) throws, so a backend may cache what it derives
     * from a constant (the cpu backend's packed weights) for the constant's whole life.
     */
    Tensor constant(float[] data, int... shape);

    /** Copies the tensor's data to a new host array. */
    float[] download(Tensor t);

    /** Called by {@link Tensor#release()}: the storage may be reused for a later allocation. */
    void recycle(Tensor t);

    /**
     * Frees the pooled buffers that no tensor uses; live tensors stay valid. Called when the working
     * sizes change (a new octave), so buffers of the previous size do not sit in memory unused.
     */
    default void dropPooledBuffers() {}

    /** Drops pooled buffers and device resources. Tensors of this backend are invalid afterwards. */
    @Override
    default void close() {}

    // ---- convolution and inner product ---------------------------------------------------

    /** y = conv(x, weight) + bias. x: N×C×H×W, weight: M×(C/groups)×kh×kw, bias: M or null, y: N×M×OH×OW. */
    void conv2d(Tensor x, Tensor weight, Tensor bias, ConvSpec spec, Tensor y);

    /** dx = convᵀ(dy, weight): the gradient of {@link #conv2d} with respect to x. */
    void conv2dBackwardData(Tensor dy, Tensor weight, ConvSpec spec, Tensor dx);

    /** y[n][o] = Σᵢ weight[o][i]·x[n][i] + bias[o], x flattened per sample (C·H·W = in). y: N×out. */
    void innerProduct(Tensor x, Tensor weight, Tensor bias, Tensor y);

    /** dx[n][i] = Σₒ dy[n][o]·weight[o][i]; dx has x's shape. */
    void innerProductBackwardData(Tensor dy, Tensor weight, Tensor dx);

    // ---- element-wise layers --------------------------------------------------------------

    /** y = max(x, 0). y may be x (in place). */
    void relu(Tensor x, Tensor y);

    /** dx = dy where x &gt; 0, else 0. dx may be dy. */
    void reluBackward(Tensor x, Tensor dy, Tensor dx);

    /** y = x where x &gt; 0, else alpha·x. y may be x (in place). */
    void leakyRelu(Tensor x, float alpha, Tensor y);

    /** dx = dy where x &gt; 0, else alpha·dy. dx may be dy. */
    void leakyReluBackward(Tensor x, float alpha, Tensor dy, Tensor dx);

    /** y = min(max(x, min), max). y may be x (in place). */
    void clip(Tensor x, float min, float max, Tensor y);

    /** dx = dy where min &lt; x &lt; max, else 0. dx may be dy. */
    void clipBackward(Tensor x, float min, float max, Tensor dy, Tensor dx);

    /** y = 1 / (1 + e^−x). y may be x (in place). */
    void sigmoid(Tensor x, Tensor y);

    /** dx = dy·y·(1 − y), from the forward output y. dx may be dy. */
    void sigmoidBackward(Tensor y, Tensor dy, Tensor dx);

    /**
     * y = x ∘ c, or c ∘ x when constantFirst, with the constant c broadcast over x as
     * {@link Arithmetic#broadcast} allows (scalar, per channel, per position, full sample). y may be x.
     */
    void arithmetic(Arithmetic op, boolean constantFirst, Tensor x, Tensor c, Tensor y);

    /** dx = ∂y/∂x·dy of {@link #arithmetic} ({@link Arithmetic#inputGradient}). dx may be dy. */
    void arithmeticBackward(Arithmetic op, boolean constantFirst, Tensor x, Tensor c, Tensor dy, Tensor dx);

    /** y = a + b (same shape). y may be a or b (in place). */
    void add(Tensor a, Tensor b, Tensor y);

    // ---- pooling, LRN, softmax ------------------------------------------------------------

    /** Caffe max/average pooling with ceil-mode output size (see {@link PoolSpec}). */
    void pool(Tensor x, PoolSpec spec, Tensor y);

    /**
     * Gradient of {@link #pool}. Max: each output's gradient goes to the first maximum of its window
     * (row-major scan, strict '&gt;') in x as it is now. A backend may reuse the argmax its last
     * forward on this x tensor found, while x has not been written since ({@link Tensor#writeCount});
     * otherwise it recomputes. Average: spread evenly, divided by the window size clipped to the
     * padded input.
     */
    void poolBackward(Tensor x, Tensor dy, PoolSpec spec, Tensor dx);

    /** y: x padded on H and W as {@link PadSpec} says; y is N×C×outH×outW. */
    void pad(Tensor x, PadSpec spec, Tensor y);

    /** dx: the gradient of {@link #pad}, each input pixel summing the outputs that copy it. dx must not be dy. */
    void padBackward(Tensor dy, PadSpec spec, Tensor dx);

    /** Caffe LRN across channels (see {@link LrnSpec}). */
    void lrn(Tensor x, LrnSpec spec, Tensor y);

    /**
     * Gradient of {@link #lrn}; y is the forward output for x. A backend may reuse the scale its last
     * forward on this x tensor computed, while x has not been written since.
     */
    void lrnBackward(Tensor x, Tensor y, Tensor dy, LrnSpec spec, Tensor dx);

    /** Softmax over the channel axis (axis 1) at every n, h, w. */
    void softmax(Tensor x, Tensor y);

    /** dx = y ⊙ (dy − Σ_c dy·y), per n, h, w. */
    void softmaxBackward(Tensor y, Tensor dy, Tensor dx);

    // ---- concat ---------------------------------------------------------------------------

    /** Copies src (N×Cs×H×W) into channels [offset, offset+Cs) of dst (N×Cd×H×W): concat forward. */
    void copyIntoChannels(Tensor src, Tensor dst, int channelOffset);

    /** Copies channels [offset, offset+Cd) of src into dst (N×Cd×H×W): concat backward. */
    void copyFromChannels(Tensor src, int channelOffset, Tensor dst);

    // ---- element-wise arithmetic and reductions (autograd, objectives, the dream step) ------

    void fill(Tensor t, float value);

    /** dst = src (same size). */
    void copy(Tensor src, Tensor dst);

    /** y += a·x (same size): gradient accumulation and the ascent step. */
    void axpy(float a, Tensor x, Tensor y);

    /** x *= a. */
    void scale(Tensor x, float a);

    /** Σ x² in double precision. */
    double sumSquares(Tensor x);

    /** Σ |x| in double precision. */
    double sumAbs(Tensor x);

    /** Σ a·b in double precision (same size). */
    double dot(Tensor a, Tensor b);

    /** Reads one element (flat NCHW index); for small objectives and tests, not for loops. */
    float get(Tensor t, int index);

    /** Writes one element (flat NCHW index). */
    void set(Tensor t, int index, float value);

    /** Fills channel c of every sample with value (objective gradients). */
    void fillChannel(Tensor t, int channel, float value);

    /** Σ over channel c of every sample, in double precision. */
    double sumChannel(Tensor t, int channel);

    /**
     * Circular shift of every plane: dst[.., (y+dy) mod H, (x+dx) mod W] = src[.., y, x].
     * dst must not be src. The dream's jitter.
     */
    void roll(Tensor src, int dy, int dx, Tensor dst);

    /** Clamps channel c of every sample to [lo[c], hi[c]]. */
    void clampChannels(Tensor x, float[] lo, float[] hi);
}
