package deepdream.importers.caffe;

import deepdream.engine.ConvSpec;
import deepdream.engine.PoolSpec;
import deepdream.engine.model.LayerDef;
import deepdream.engine.model.LayerSpec;
import deepdream.engine.model.NetDef;
import deepdream.importers.ModelFormatException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Caffe's spatial parameters, each axis read from its own field: kernel_h/kernel_w, stride_h/_w,
 * pad_h/_w, the two-value repeated lists (h then w), dilation, group, pooling pads and round_mode.
 * Every value differs from its partner so a swapped or ignored field shows.
 */
class CaffeGeometryImportTest {
    private static final String INPUT = "layer { name: 'data' type: 'Input' top: 'data' input_param { shape { dim: 1 dim: 4 dim: 31 dim: 29 } } }\n";

    private static LayerSpec only(String layer) {
        NetDef def = CaffeImporter.architecture(CaffeFiles.parsePrototxt(INPUT + layer, "test.prototxt"), "test.prototxt");
        LayerDef l = def.layers().get(0);
        return l.spec();
    }

    private static ConvSpec conv(String params) {
        return ((LayerSpec.Convolution) only("layer { name: 'c' type: 'Convolution' bottom: 'data' top: 'c' convolution_param { num_output: 2 "
                + params + " } }")).geometry();
    }

    private static PoolSpec pool(String params) {
        return ((LayerSpec.Pooling) only("layer { name: 'p' type: 'Pooling' bottom: 'data' top: 'p' pooling_param { " + params + " } }")).geometry();
    }

    @Test
    void convolutionAxesComeFromTheirOwnFields() {
        assertEquals(new ConvSpec(3, 5, 2, 1, 1, 2, 1), conv("kernel_h: 3 kernel_w: 5 stride_h: 2 stride_w: 1 pad_h: 1 pad_w: 2"));
        assertEquals(new ConvSpec(5, 3, 1, 2, 2, 0, 1), conv("kernel_size: 5 kernel_size: 3 stride: 1 stride: 2 pad: 2 pad: 0"));
        assertEquals(new ConvSpec(3, 3, 2, 2, 1, 1, 1), conv("kernel_size: 3 stride: 2 pad: 1"));
        assertEquals(new ConvSpec(3, 3, 1, 1, 0, 0, 1), conv("kernel_size: 3"));
        assertEquals(new ConvSpec(3, 3, 1, 1, 2, 2, 2, 2, 2, 3, 2), conv("kernel_size: 3 pad: 2 dilation: 2 dilation: 3 group: 2"));
    }

    @Test
    void poolingAxesPadsAndRounding() {
        assertEquals(new PoolSpec(PoolSpec.Method.MAX, 3, 2, 2, 1, 1, 0), pool("pool: MAX kernel_h: 3 kernel_w: 2 stride_h: 2 stride_w: 1 pad_h: 1 pad_w: 0"));
        assertEquals(new PoolSpec(PoolSpec.Method.AVE, 3, 3, 2, 2, 1, 1), pool("pool: AVE kernel_size: 3 stride: 2 pad: 1"));
        assertEquals(new PoolSpec(PoolSpec.Method.MAX, 3, 3, 2, 2, 1, 1, 1, 1, PoolSpec.Rounding.FLOOR, true),
                pool("pool: MAX kernel_size: 3 stride: 2 pad: 1 round_mode: FLOOR"));
    }

    @Test
    void threeSpatialValuesAreRefused() {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> conv("kernel_size: 3 kernel_size: 3 kernel_size: 3"));
        assertTrue(e.getMessage().contains("'c'") && e.getMessage().contains("kernel_size"), e.getMessage());
    }
}
