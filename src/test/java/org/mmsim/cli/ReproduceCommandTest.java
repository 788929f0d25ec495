package org.mmsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mmsim reproduce} and {@code mmsim calibrate} as a user runs them. */
class ReproduceCommandTest {
    @TempDir
    Path dir;

    @Test
    void quickReproducePrintsTheTableAndWritesTheReport() {
        Path report = dir.resolve("report");
        var r = RunCommandTest.mmsim(BackendFactory.standard(), false, "reproduce", "--quick", "--profile", "arm64-m3",
                "--examples", "examples", "--report", report.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("experiment"), r.out());
        for (String id : new String[] {"000", "001", "002-regression", "002-hotfix", "003", "004-T1", "004-T2", "004-T3"}) {
            assertTrue(r.out().contains("\n" + id + " "), id + " in\n" + r.out());
        }
        assertTrue(Files.exists(report.resolve("index.html")));
        assertTrue(Files.exists(report.resolve("ratio-arm64-m3.svg")));
        assertTrue(r.err().contains("report written to"), r.err());
    }

    @Test
    void aBadProfileFileIsAUsageErrorNamingTheFile() throws Exception {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"name\": \"x\"");
        var r = RunCommandTest.mmsim(BackendFactory.standard(), false, "reproduce", "--quick", "--profile", bad.toString());
        assertEquals(Exit.USAGE, r.status());
        assertTrue(r.err().contains("bad.json: not valid JSON"), r.err());
        assertTrue(!r.err().contains("Exception"), r.err());
    }

    @Test
    void anUnknownProfileNameIsAUsageError() {
        var r = RunCommandTest.mmsim(BackendFactory.standard(), false, "reproduce", "--profile", "pdp11");
        assertEquals(Exit.USAGE, r.status());
        assertTrue(r.err().contains("no built-in profile 'pdp11'"), r.err());
    }

    @Test
    void jsonAndCsvExcludeEachOther() {
        var r = RunCommandTest.mmsim(BackendFactory.standard(), false, "reproduce", "--json", "--csv");
        assertEquals(Exit.USAGE, r.status());
    }

    @Test
    void calibrateNeedsTheHostBackend() {
        var r = RunCommandTest.mmsim(BackendFactory.standard(), false, "calibrate", "--backend", "sim");
        assertEquals(Exit.USAGE, r.status());
        assertTrue(r.err().contains("use --backend host"), r.err());
    }
}
