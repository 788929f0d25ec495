package org.mmsim.workload.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;
import org.mmsim.arch.Arch;
import org.mmsim.mm.FeatureSet;
import org.mmsim.workload.MemoryApi;
import org.mmsim.workload.SimBackend;

/** fork(), exit(child) and {@code in EXPR { ... }} against the simulated backend. */
class ProcessCallsTest {
    static RunResult run(String source, MemoryApi api, StringWriter diag) {
        Script s = Script.parse("p.mms", source, Language.standard());
        return new Interpreter(s, api, new PrintWriter(new StringWriter()), new PrintWriter(diag)).run();
    }

    static SimBackend sim() { return new SimBackend(Arch.X86_64, FeatureSet.patched(), true); }

    @Test
    void blocksRunInTheChildAndTheParentIsCurrentAgainAfterwards() {
        StringWriter diag = new StringWriter();
        RunResult r = run("""
                p = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS)
                poke(p, 1)
                child = fork()
                in child {
                    q = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS)
                    poke(p, 2)
                    grandchild = fork()
                    in grandchild { expect peek(p) == 2 && mapped(q) }
                    expect exit(grandchild) == 0
                }
                expect peek(p) == 1 && !mapped(q)
                in child { expect peek(p) == 2 }
                expect exit(child) == 0
                expect exit(child) == -1 && errno == ESRCH
                expect exit(0) == -1 && errno == EINVAL
                """, sim(), diag);
        assertEquals("", diag.toString());
        assertEquals(7, r.passed());
        assertEquals(0, r.failed());
    }

    @Test
    void aChildThatExitsInItsOwnBlockRunsNothingMoreThere() {
        StringWriter diag = new StringWriter();
        RunResult r = run("""
                p = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS)
                poke(p, 1)
                child = fork()
                in child {
                    grandchild = fork()
                    in grandchild {
                        exit(child)
                        poke(p, 7)
                    }
                    poke(p, 8)
                }
                expect peek(p) == 1, "nothing after exit(child) ran, in the child or in the parent"
                expect exit(child) == -1 && errno == ESRCH
                expect exit(grandchild) == 0
                """, sim(), diag);
        assertEquals("", diag.toString());
        assertEquals(3, r.passed());
    }

    @Test
    void aBlockInAProcessThatIsNotLiveIsARuntimeErrorAtTheStatement() {
        ScriptError e = assertThrows(ScriptError.class, () -> run("c = fork()\nexit(c)\n  in c { }\n", sim(), new StringWriter()));
        assertEquals("p.mms:3:3: in: process 1 has exited", e.getMessage());
        ScriptError never = assertThrows(ScriptError.class, () -> run("in 5 { }\n", sim(), new StringWriter()));
        assertEquals("p.mms:1:1: in: no process 5", never.getMessage());
    }

    @Test
    void aBackendWithoutProcessesStopsTheScriptNamingItself() {
        StringWriter diag = new StringWriter();
        RunResult r = run("c = fork()\n", new FakeMemoryApi(), diag);
        assertTrue(r.stopped().contains("not modelled: fork is not available on the"), r.stopped());
    }

    @Test
    void inNeedsAnExpressionAndABlock() {
        ScriptError e = assertThrows(ScriptError.class, () -> Script.parse("p.mms", "in c\n", Language.standard()));
        assertTrue(e.getMessage().startsWith("p.mms:1:5: expected '{'"), e.getMessage());
    }
}
