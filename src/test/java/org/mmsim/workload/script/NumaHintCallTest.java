package org.mmsim.workload.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;
import org.mmsim.arch.Arch;
import org.mmsim.arch.Event;
import org.mmsim.mm.FeatureSet;
import org.mmsim.workload.SimBackend;

/** The {@code numa_hint(addr, len)} builtin: change_prot_numa on the model, a clean stop elsewhere. */
class NumaHintCallTest {
    static RunResult runOnSim(SimBackend b, String source, StringWriter diag) {
        Script s = Script.parse("t.mms", source, Language.standard());
        return new Interpreter(s, b, new PrintWriter(new StringWriter()), new PrintWriter(diag)).run();
    }

    @Test
    void numaHintMakesEntriesProtnoneAndTheNextAccessTakesAHintingFault() {
        SimBackend b = new SimBackend(Arch.X86_64, FeatureSet.patched(), true);
        StringWriter diag = new StringWriter();
        RunResult r = runOnSim(b, """
                p = mmap(0x40000000, 64K, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED)
                memset(p, 3, 16K)
                expect numa_hint(p, 64K) == 4
                expect present(p) && prot(p) == PROT_READ|PROT_WRITE
                expect peek(p + 4K) == 3
                # only the entry the fault restored is hinted again: protnone entries are skipped, not counted
                expect numa_hint(p, 64K) == 1
                expect numa_hint(p + 1, 4K) == -1 && errno == EINVAL
                expect numa_hint(0x7f0000000000, 4K) == 0
                """, diag);
        assertNull(r.stopped(), diag.toString());
        assertEquals(0, r.failed(), diag.toString());
        assertEquals(1, b.kernel().env().counters.get(Event.NUMA_HINT_FAULT));
    }

    @Test
    void aBackendWithoutNumaHintingStopsTheRunCleanly() {
        Runs.Outcome o = Runs.run("p = 1\nnuma_hint(0x40000000, 4096)\nprint \"not reached\"\n");
        assertEquals("t.mms:2: not modelled: numa_hint is a model-level operation; the fake backend does not have it",
                o.result().stopped());
        assertEquals("", o.out());
    }
}
