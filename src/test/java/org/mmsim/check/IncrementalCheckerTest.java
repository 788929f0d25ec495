package org.mmsim.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mmsim.arch.Arch;
import org.mmsim.mm.FeatureSet;
import org.mmsim.mm.Mm;
import org.mmsim.mm.Uapi;
import org.mmsim.pgtable.PageTables;
import org.mmsim.phys.PhysMem;
import org.mmsim.workload.ForwardingMemoryApi;
import org.mmsim.workload.MemoryApi;
import org.mmsim.workload.SimBackend;
import org.mmsim.workload.script.Interpreter;
import org.mmsim.workload.script.Language;
import org.mmsim.workload.script.RunResult;
import org.mmsim.workload.script.Script;

/**
 * What the incremental checker catches and what it leaves to the full check: corruption planted behind the
 * model's back in a region the next call does not touch, in one it touches, and in folio state (which the model
 * reports wherever it happens); a change not reported to the checker; and that the work of a check is that of the
 * call, not of the resident set.
 */
class IncrementalCheckerTest {
    static final long A = 1L << 32;
    static final long B = 1L << 36;
    static final long LEN = 4L << 20;
    static final int RW = Uapi.PROT_READ | Uapi.PROT_WRITE;
    static final int PRIV = Uapi.MAP_PRIVATE | Uapi.MAP_ANONYMOUS | Uapi.MAP_FIXED;

    /** Two written 4 MiB regions of 4K pages far apart, B read-only, checked after every call in {@code mode}. */
    static SimBackend machine(String arch, Checker.Mode mode) {
        SimBackend b = new SimBackend(Arch.byName(arch), FeatureSet.patched(), mode);
        b.set("thp", "never");
        assertEquals(A, b.mmap(A, LEN, RW, PRIV, -1, 0));
        assertEquals(B, b.mmap(B, LEN, RW, PRIV, -1, 0));
        b.memset(A, 1, LEN);
        b.memset(B, 2, LEN);
        assertEquals(0, b.mprotect(B, LEN, Uapi.PROT_READ));
        return b;
    }

    /** Sets the write bit of the PTE at addr directly in the table: no call, nothing reported to the checker. */
    static void plantWritable(SimBackend b, long addr) {
        Arch arch = b.kernel().arch();
        long[] t = b.mm().pageTables().pteTable(addr, false);
        int i = PageTables.pteIndex(addr);
        t[i] = arch.pteMkwrite(t[i]);
    }

    static long pfnAt(SimBackend b, long addr) {
        Arch arch = b.kernel().arch();
        return arch.ptePfn(b.mm().pageTables().pteTable(addr, false)[PageTables.pteIndex(addr)]);
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void corruptionWhereNoCallTouchesIsLeftToTheFullCheck(String arch) {
        SimBackend b = machine(arch, Checker.Mode.CHANGES);
        plantWritable(b, B + 0x5000);
        b.poke(A, 7); // touches A only: the incremental check passes
        InvariantViolation v = assertThrows(InvariantViolation.class, b::checkAll);
        assertTrue(v.getMessage().contains("writable entry at 0x" + Long.toHexString(B + 0x5000)), v.getMessage());
    }

    /** A write into a page table after munmap freed it (a stale reference) is found by the full check. */
    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void aFreedTableWrittenThroughAStaleReferenceIsCaughtByTheFullCheck(String arch) {
        SimBackend b = machine(arch, Checker.Mode.CHANGES);
        long[] stale = b.mm().pageTables().pteTable(A, false);
        assertEquals(0, b.munmap(A, LEN));
        Checker.check(b.kernel());
        stale[7] = b.kernel().arch().pteMkwrite(1L << 12);
        InvariantViolation e = assertThrows(InvariantViolation.class, () -> Checker.check(b.kernel()));
        assertTrue(e.getMessage().contains("freed page tables still have entries"), e.getMessage());
    }

    /** With the checker on, a freed table written through a stale reference is caught when it is allocated again. */
    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void aFreedTableWrittenThroughAStaleReferenceIsCaughtAtItsReuse(String arch) {
        SimBackend b = machine(arch, Checker.Mode.CHANGES);
        long[] stale = b.mm().pageTables().pteTable(A, false);
        assertEquals(0, b.munmap(A, LEN));
        stale[7] = b.kernel().arch().pteMkwrite(1L << 12);
        assertEquals(A, b.mmap(A, LEN, RW, PRIV, -1, 0));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> b.memset(A, 1, LEN));
        assertTrue(e.getMessage().contains("freed with entries (or written after its free)"), e.getMessage());
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void corruptionWhereTheCallTouchesIsCaughtByTheIncrementalCheck(String arch) {
        SimBackend b = machine(arch, Checker.Mode.CHANGES);
        plantWritable(b, B + 0x5000);
        InvariantViolation v = assertThrows(InvariantViolation.class, () -> b.peek(B + 0x1000));
        assertTrue(v.getMessage().contains("writable entry at 0x" + Long.toHexString(B + 0x5000)), v.getMessage());
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void theFullModeCatchesCorruptionAnywhereAtTheNextCall(String arch) {
        SimBackend b = machine(arch, Checker.Mode.FULL);
        plantWritable(b, B + 0x5000);
        InvariantViolation v = assertThrows(InvariantViolation.class, () -> b.poke(A, 7));
        assertTrue(v.getMessage().contains("writable entry at 0x" + Long.toHexString(B + 0x5000)), v.getMessage());
    }

    /**
     * Folio state changes are reported by physical memory wherever they happen: a refcount or a mapcount gone wrong
     * in B is found after a call that touched only A, the folio's mappings being found by the reverse map.
     */
    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void folioCorruptionIsCaughtWhereverTheFolioIsMapped(String arch) {
        SimBackend b = machine(arch, Checker.Mode.CHANGES);
        PhysMem phys = b.kernel().env().phys;
        phys.refAdd(phys.folioHead(pfnAt(b, B + 0x3000)), 1);
        InvariantViolation v = assertThrows(InvariantViolation.class, () -> b.poke(A, 7));
        assertTrue(v.getMessage().contains("refcount"), v.getMessage());

        SimBackend c = machine(arch, Checker.Mode.CHANGES);
        PhysMem cphys = c.kernel().env().phys;
        cphys.mapcountAdd(pfnAt(c, B + 0x3000), 1, 1);
        v = assertThrows(InvariantViolation.class, () -> c.poke(A, 7));
        assertTrue(v.getMessage().contains("mapcount"), v.getMessage());
    }

    /** A call whose range was not reported leaves the running totals behind: the message says a hook is missing. */
    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void aChangeNotReportedToTheCheckerIsNamedAsSuch(String arch) {
        SimBackend b = machine(arch, Checker.Mode.OFF);
        Checker c = Checker.attach(b.kernel());
        c.checkChanges();
        var env = b.kernel().env();
        var watch = env.watch;
        env.watch = null; // the ranges of the next call are not reported
        assertEquals(0, b.munmap(B, LEN));
        env.watch = watch;
        InvariantViolation v = assertThrows(InvariantViolation.class, c::checkChanges);
        assertTrue(v.getMessage().contains("a change was not reported to the checker"), v.getMessage());
        c.checkAll(); // the model itself is consistent
    }

    /**
     * A script run ends with a full check: corruption that no later call touched (planted here right after a write
     * to A, in B) is reported when the run ends although every incremental check passed.
     */
    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void aScriptRunEndsWithAFullCheck(String arch) {
        SimBackend sim = machine(arch, Checker.Mode.CHANGES);
        MemoryApi api = new ForwardingMemoryApi(sim) {
            @Override public void poke(long addr, int value) {
                super.poke(addr, value);
                if (addr == A) plantWritable(sim, B + 0x5000);
            }
        };
        String src = "poke(" + A + ", 1)\nexpect peek(" + A + ") == 1\npoke(" + (A + 4096) + ", 2)\n";
        RunResult r = new Interpreter(Script.parse("t.mms", src, Language.standard()), api,
                new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())).run();
        assertEquals(1, r.passed());
        assertTrue(r.stopped() != null && r.stopped().contains("invariant violated: writable entry at 0x" + Long.toHexString(B + 0x5000)),
                String.valueOf(r.stopped()));
    }

    /** The work of an incremental check is that of the call: the same for 4 MiB and 64 MiB resident. */
    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void theWorkOfACheckIsThatOfTheCallNotOfTheResidentSet(String arch) {
        for (long size : new long[] {4L << 20, 64L << 20}) {
            SimBackend b = new SimBackend(Arch.byName(arch), FeatureSet.patched(), Checker.Mode.OFF);
            b.set("thp", "never");
            assertEquals(A, b.mmap(A, size, RW, PRIV, -1, 0));
            b.memset(A, 3, size);
            Checker c = Checker.attach(b.kernel());
            c.checkChanges();
            assertTrue(c.lastWork().full(), "the first check sets the totals up");
            assertEquals(size >> 21, c.lastWork().pmdEntries());

            b.poke(A + size / 2, 9); // a write to a present, dirty page: one PTE table checked, no entry changed
            c.checkChanges();
            assertFalse(c.lastWork().full());
            assertEquals(1, c.lastWork().pmdEntries());
            assertEquals(0, c.lastWork().folios());

            assertEquals(0, b.mprotect(A + (2L << 20), 4096, Uapi.PROT_READ)); // splits the VMA: one table
            c.checkChanges();
            assertEquals(1, c.lastWork().pmdEntries());
            assertEquals(1, c.lastWork().folios());

            Mm child = b.kernel().fork(b.mm()); // fork touches all of the parent and the whole child
            c.checkChanges();
            assertEquals(2 * (size >> 21), c.lastWork().pmdEntries());
            assertEquals(size >> 12, c.lastWork().folios());
            b.kernel().exit(child);
            c.checkChanges();
            c.checkAll();
        }
    }
}
