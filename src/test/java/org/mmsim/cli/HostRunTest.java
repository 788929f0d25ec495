package org.mmsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mmsim.host.HostTestSupport;

/** {@code mmsim run --backend host}: wall time per region, no counters, refusals with their exit codes. */
class HostRunTest {
    @TempDir
    Path dir;

    private String script(String text) throws IOException {
        Path p = dir.resolve("h.mms");
        Files.writeString(p, text);
        return p.toString();
    }

    private static final String MOVE = """
            p = mmap(1G, 2M, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS)
            memset(p, 1, 2M)
            region "move" {
              q = mremap(p, 2M, 2M, MREMAP_MAYMOVE|MREMAP_FIXED, 4G)
            }
            expect q == 4G
            expect peek(q + 2M - 1) == 1
            """;

    @Test
    void textReportHasWallTimesAndNoCounters() throws IOException {
        HostTestSupport.assumeHost();
        var r = RunCommandTest.mmsim(BackendFactory.standard(), false, "run", script(MOVE), "--backend", "host");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().matches("(?s)region \"move\": 1 entry, [0-9.]+ ms\ntotal: [0-9.]+ ms\nexpects: 2 passed, 0 failed\n"),
                r.out());
    }

    @Test
    void jsonReportHasNullCounters() throws IOException {
        HostTestSupport.assumeHost();
        var r = RunCommandTest.mmsim(BackendFactory.standard(), false, "run", script(MOVE), "--backend", "host", "--json");
        assertEquals(0, r.status(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("host", j.get("backend").asText());
        JsonNode region = j.get("regions").get(0);
        assertTrue(region.get("counters").isNull(), "counters the host does not have are null, not zero");
        assertTrue(region.get("wall_ns").asLong() > 0);
        assertTrue(j.get("total").get("counters").isNull());
    }

    @Test
    void aGlobalSysctlIsRefusedWithExitThree() throws IOException {
        HostTestSupport.assumeHost();
        var r = RunCommandTest.mmsim(BackendFactory.standard(), false, "run", script("set max_map_count = 1000\n"),
                "--backend", "host");
        assertEquals(Exit.ENVIRONMENT, r.status());
        assertTrue(r.err().contains("cannot apply 'set max_map_count = 1000' on the host"), r.err());
    }

    @Test
    void anAddressOutsideTheWindowIsRefusedWithExitTwo() throws IOException {
        HostTestSupport.assumeHost();
        var r = RunCommandTest.mmsim(BackendFactory.standard(), false, "run",
                script("x = peek(100T)\n"), "--backend", "host");
        assertEquals(Exit.USAGE, r.status());
        assertTrue(r.err().contains("is outside the host window"), r.err());
    }
}
