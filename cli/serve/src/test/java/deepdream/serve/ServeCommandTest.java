package deepdream.serve;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line's safety rules, checked before any net is loaded. */
class ServeCommandTest {
    @TempDir Path dir;

    record Run(int code, String err) {}

    static Run run(String... args) {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int code = ServeCommand.run(args);
            return new Run(code, buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(old);
        }
    }

    @Test
    void anOpenHostWarnsAndNeedsAToken() {
        Run r = run("serve", "--host", "0.0.0.0", "--results", dir.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("warning") && r.err().contains("other machines"), r.err());
        assertTrue(r.err().contains("--token") && r.err().contains("--insecure"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void badNumbersAreOneClearMessage() {
        Run r = run("serve", "--queue", "0");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--queue must be at least 1"), r.err());
        r = run("serve", "--port", "70000");
        assertTrue(r.err().contains("--port must be 0..65535"), r.err());
    }

    @Test
    void aBusyPortIsOneClearMessage() throws Exception {
        try (TestServer s = new TestServer(dir.resolve("a"))) {
            Path[] model = TestServer.tinyModel(dir);
            Run r = run("serve", "--port", Integer.toString(s.base.getPort()), "--model", model[0].toString(), "--weights", model[1].toString(),
                    "--backend", "reference", "--results", dir.resolve("r").toString(), "--cache", dir.resolve("c").toString());
            assertEquals(1, r.code(), r.err());
            assertTrue(r.err().contains("cannot listen on 127.0.0.1:" + s.base.getPort()), r.err());
        }
    }
}
