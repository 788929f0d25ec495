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

/** {@code inject} and {@code set swap} through {@code mmsim run} on the simulated backend. */
class InjectScriptTest {
    @TempDir
    Path dir;

    int run(String text, StringWriter out, StringWriter err) throws IOException {
        Path f = dir.resolve("s.mms");
        Files.writeString(f, text);
        return MmsimCommand.execute(new String[] {"run", f.toString(), "--arch", "arm64", "--check"},
                new PrintWriter(out), new PrintWriter(err), BackendFactory.standard(), false);
    }

    @Test
    void anInjectedFailureIsRecoveredAndAnUnknownKindStopsTheScriptAtItsLine() throws IOException {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = run("""
                set swap partition = 16M
                set thp = never
                set mthp 64K = always
                p = mmap(0, 64K, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS)
                pattern(p, 64K, 3)
                inject swap_dup_fail at 5
                expect madvise(p, 64K, MADV_PAGEOUT) == 0 && present(p) && !swapped(p)
                inject swap_full at 1
                """, out, err);
        assertEquals(2, status, err.toString());
        assertTrue(err.toString().contains("s.mms:8:1: unknown injection 'swap_full'; known: swap_alloc_fail, swap_dup_fail, "
                + "arch_unmap_fail, folio_pinned"), err.toString());
    }

    @Test
    void swapoffWhileInUseIsARuntimeErrorAtTheSet() throws IOException {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = run("""
                set swap = 1M
                p = mmap(0, 8K, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS)
                memset(p, 1, 8K)
                expect madvise(p, 8K, MADV_PAGEOUT) == 0 && swapped(p)
                set swap = 0
                """, out, err);
        assertEquals(2, status);
        assertTrue(err.toString().contains("s.mms:5:1: swap is in use (2 slots)"), err.toString());
    }
}
