package deepdream.cli;

import deepdream.importers.caffe.TinyNets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The tiny random net of the importer tests, written as prototxt + caffemodel + labels into a directory. */
final class TinyModelFiles {
    final Path prototxt, weights, labels;

    TinyModelFiles(Path dir) throws IOException {
        prototxt = dir.resolve("tiny.prototxt");
        weights = dir.resolve("tiny.caffemodel");
        labels = dir.resolve("synset_words.txt");
        Files.writeString(prototxt, TinyNets.deployText());
        Files.write(weights, TinyNets.snapshotV1(TinyNets.randomWeights(3)).toByteArray());
        Files.writeString(labels, "n0 zero\nn1 one\nn2 two\nn3 three\nn4 four\n");
    }

    /** --model/--weights/--backend for this net, then the given args. */
    String[] args(String command, String... rest) {
        String[] head = {command, "--model", prototxt.toString(), "--weights", weights.toString(), "--backend", "reference"};
        String[] all = new String[head.length + rest.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(rest, 0, all, head.length, rest.length);
        return all;
    }
}
