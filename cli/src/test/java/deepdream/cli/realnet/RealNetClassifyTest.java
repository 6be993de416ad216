package deepdream.cli.realnet;

import deepdream.cli.Cli;
import deepdream.importers.caffe.RealWeights;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code classify} with the real BVLC GoogLeNet weights on the two shared photos: the issue's
 * acceptance (kite or bald eagle first for eagle.jpg; a husky, malamute or Eskimo dog first for
 * dog.jpg), in the CLI's exact output format. The cpu backend: the default, and cheap (~1 s each).
 */
class RealNetClassifyTest {
    /** ImageNet synsets: kite, bald eagle; Eskimo dog, malamute, Siberian husky. */
    static final List<String> EAGLE = List.of("n01608432", "n01614925");
    static final List<String> HUSKY = List.of("n02109961", "n02110063", "n02110185");

    @Test
    void eagleIsAKiteOrABaldEagle() {
        assertTopClassIn("images/eagle.jpg", EAGLE);
    }

    @Test
    void dogIsAHuskyMalamuteOrEskimoDog() {
        assertTopClassIn("images/dog.jpg", HUSKY);
    }

    static void assertTopClassIn(String image, List<String> synsets) {
        Path weights = RealWeights.weightsOrSkip();
        Path photo = RealWeights.sharedFileOrSkip(image);
        Cli.Result r = Cli.run("classify", photo.toString(), "--weights", weights.toString(), "--backend", "cpu", "--top", "3");
        System.out.println("[real net] classify " + image + ":\n" + r.out().strip());
        assertEquals(0, r.exit(), r.toString());
        String[] lines = r.out().strip().split("\n");
        assertEquals(3, lines.length, r.toString());
        // '<probability> <label line>' with the labels beside the weights (synset_words.txt).
        for (String l : lines) assertTrue(l.matches("[01]\\.\\d{4} n\\d{8} .+"), l);
        String[] best = lines[0].split(" ", 3);
        assertTrue(synsets.contains(best[1]), "top class of " + image + " is " + lines[0] + "; expected one of " + synsets);
        assertTrue(Double.parseDouble(best[0]) > 0.3, "a confident first class: " + lines[0]);
    }
}
