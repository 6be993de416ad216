package deepdream.importers.caffe;

import deepdream.engine.model.LayerDef;
import deepdream.engine.model.NetDef;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class DefaultModelTest {
    @Test
    void bundledPrototxtMatchesRealWeights() {
        Path w = RealWeights.weightsOrSkip();
        NetDef def = CaffeImporter.loadDefault(w);
        long floats = 0;
        int weighted = 0;
        for (LayerDef l : def.layers()) {
            if (l.blobs().isEmpty()) continue;
            weighted++;
            for (var b : l.blobs()) floats += b.data().length;
        }
        assertEquals(58, weighted);
        assertEquals(6_998_552, floats);   // the shared file's README: 58 weighted layers, 6,998,552 floats
        assertEquals("data", def.inputBlob());
    }
}
