package deepdream.engine;

import java.util.Arrays;

/**
 * A float32 tensor in NCHW order. The data lives wherever its {@link Backend} keeps it: a host
 * array for the reference and cpu backends, a device buffer for opencl. Only {@link #toHost()}
 * brings it back, so a pass through the net never copies between ops.
 *
 * <p>Shapes have rank 1 to 4. Missing trailing dimensions count as 1, so a 1×1000 inner-product
 * output has n=1, c=1000, h=w=1.
 */
public final class Tensor {
    private final Backend backend;
    private final int[] shape;
    private final int size;
    private final boolean constant;
    private Object storage;
    /** Writes announced by the backend's ops (see {@link #noteWrite}); not synchronized: one thread runs a backend's ops. */
    private int writes;

    /** For backends only: wraps storage the backend allocated. */
    public Tensor(Backend backend, int[] shape, Object storage) { this(backend, shape, storage, false); }

    /** For backends only: wraps storage the backend allocated; a constant is never written after its upload. */
    public Tensor(Backend backend, int[] shape, Object storage, boolean constant) {
        this.backend = backend;
        this.shape = shape.clone();
        this.size = Shapes.size(shape);
        this.storage = storage;
        this.constant = constant;
    }

    /**
     * Whether this is a constant (weights, see {@link Backend#constant}): backends refuse to write
     * it, so what they derive from it (packed copies) can be cached for its whole life.
     */
    public boolean isConstant() { return constant; }

    /**
     * How many backend ops have written this tensor so far. A backend that keeps what it derived
     * from an input in one op for a later one (the cpu backend's max-pool argmax, LRN scale) stores
     * this count with it, and trusts the kept state only while the count is unchanged.
     */
    public int writeCount() { return writes; }

    /** For backends only: called by every op before it writes this tensor. */
    public void noteWrite() { writes++; }

    public Backend backend() { return backend; }
    public int[] shape() { return shape.clone(); }
    public int rank() { return shape.length; }
    public int dim(int i) { return shape[i]; }
    public int n() { return shape[0]; }
    public int c() { return shape.length > 1 ? shape[1] : 1; }
    public int h() { return shape.length > 2 ? shape[2] : 1; }
    public int w() { return shape.length > 3 ? shape[3] : 1; }
    /** Number of elements. */
    public int size() { return size; }

    /** The backend's handle (a float[] on host backends). Fails if released. */
    public Object storage() {
        if (storage == null) throw new IllegalStateException("tensor " + Shapes.toString(shape) + " was released");
        return storage;
    }

    public boolean isReleased() { return storage == null; }

    /** Copies the data to a new host array (NCHW order). */
    public float[] toHost() { return backend.download(this); }

    /** Gives the storage back to the backend's pool; the tensor must not be used afterwards. */
    public void release() {
        if (storage != null) {
            backend.recycle(this);
            storage = null;
        }
    }

    public boolean hasShape(int... s) { return Arrays.equals(shape, s); }

    @Override
    public String toString() { return "Tensor" + Shapes.toString(shape) + "@" + backend.name(); }
}
