package org.mmsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Running out of simulated memory, or reaching what the model does not cover, stops a run cleanly. */
class ModelLimitsTest {
    @TempDir
    Path dir;

    String[] run(String script) throws IOException {
        Path f = dir.resolve("t.mms");
        Files.writeString(f, script);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = MmsimCommand.execute(new String[] {"run", f.toString(), "--check"}, new PrintWriter(out),
                new PrintWriter(err), BackendFactory.standard(), false);
        return new String[] {Integer.toString(status), out.toString(), err.toString()};
    }

    @Test
    void exhaustingSimulatedMemoryStopsWithOutOfMemoryAtTheLine() throws IOException {
        String[] r = run("set memory = 8M\np = mmap(0, 64M, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE)\nmemset(p, 1, 64M)\n");
        assertEquals("1", r[0], r[2]);
        assertTrue(r[2].contains("t.mms:3: out of memory"), r[2]);
        assertTrue(!r[2].contains("Exception"), r[2]);
    }

    @Test
    void adviceTheModelDoesNotCoverStopsWithNotModelled() throws IOException {
        String[] r = run("p = mmap(0, 2M, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS)\nmadvise(p, 2M, MADV_COLLAPSE)\n");
        assertEquals("1", r[0], r[2]);
        assertTrue(r[2].contains("t.mms:2: not modelled"), r[2]);
    }
}
