package org.mmsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mmsim run} of scripts with processes, on the simulated backend. */
class ProcessScriptTest {
    @TempDir
    Path dir;

    @Test
    void aBlockInAnExitedChildIsAUserErrorWithPositionAndExitStatus2() throws IOException {
        Path p = dir.resolve("dead.mms");
        Files.writeString(p, "c = fork()\nexpect exit(c) == 0\nin c {\n  poke(0, 1)\n}\n");
        RunCommandTest.Result r = RunCommandTest.mmsim(BackendFactory.standard(), false, "run", p.toString(), "--check");
        assertEquals(2, r.status(), r.err());
        assertEquals(p + ":3:1: in: process 1 has exited", r.err().strip());
    }

    @Test
    void aChildKeepsItsDataWithTheCheckerOnBothArches() throws IOException {
        Path p = dir.resolve("cow.mms");
        Files.writeString(p, """
                p = mmap(0, 64K, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS)
                memset(p, 1, 64K)
                c = fork()
                memset(p, 2, 64K)
                in c { expect peek(p + 100) == 1 }
                expect exit(c) == 0
                """);
        for (String arch : new String[] {"x86_64", "arm64"}) {
            RunCommandTest.Result r = RunCommandTest.mmsim(BackendFactory.standard(), false, "run", p.toString(), "--arch", arch, "--check");
            assertEquals(0, r.status(), r.err());
            assertTrue(r.out().contains("expects: 2 passed, 0 failed"), r.out());
        }
    }
}
