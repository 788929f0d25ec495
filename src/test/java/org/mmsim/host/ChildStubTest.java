package org.mmsim.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The fork stub shipped as bytes (host/child.bin) is exactly what its source (host/child.S) assembles to. */
class ChildStubTest {
    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) return true;
        }
        return false;
    }

    @Test
    void binaryMatchesTheAssembledSource() throws Exception {
        boolean tools = onPath("as") && onPath("objcopy") && System.getProperty("os.arch").matches("amd64|x86_64");
        if (!tools) System.err.println("ChildStubTest skipped: needs GNU as and objcopy on an x86-64 host");
        Assumptions.assumeTrue(tools, "needs GNU as and objcopy on an x86-64 host");
        Path dir = Files.createTempDirectory("mmsim-stub");
        Path obj = dir.resolve("child.o");
        Path bin = dir.resolve("child.bin");
        run("as", "src/main/resources/host/child.S", "-o", obj.toString());
        run("objcopy", "-O", "binary", "-j", ".text", obj.toString(), bin.toString());
        byte[] shipped;
        try (InputStream in = ChildStubTest.class.getResourceAsStream("/host/child.bin")) {
            shipped = in.readAllBytes();
        }
        assertArrayEquals(Files.readAllBytes(bin), shipped, "rebuild child.bin from child.S (see its header)");
        Files.delete(obj);
        Files.delete(bin);
        Files.delete(dir);
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
    }
}
