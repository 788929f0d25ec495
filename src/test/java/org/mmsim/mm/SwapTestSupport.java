package org.mmsim.mm;

import org.mmsim.arch.Arch;
import org.mmsim.pgtable.PageTables;
import org.mmsim.workload.SimBackend;

/** Helpers for the swap tests: reaching the model's frames and states a test needs but the API cannot make. */
final class SwapTestSupport {
    private SwapTestSupport() {}

    /** The pfn the PTE (or PMD) at addr maps, or -1. */
    static long pfnAt(SimBackend b, long addr) {
        Arch arch = b.kernel().arch();
        long pmd = b.mm().pageTables().pmdEntry(addr);
        if (arch.entryIsLeaf(pmd)) return arch.ptePfn(arch.hugePmdToPte(pmd)) + ((addr & (Arch.PMD_SIZE - 1)) >>> 12);
        long[] t = b.mm().pageTables().pteTable(addr, false);
        if (t == null) return -1;
        long pte = t[PageTables.pteIndex(addr)];
        return arch.ptePresent(pte) ? arch.ptePfn(pte) : -1;
    }

    /**
     * fork() and the child's exit: in the parent every private anonymous page of [start, end) is left read-only and
     * no longer PageAnonExclusive; writing to a page makes it exclusive again (write-fault reuse).
     */
    static void forkAndChildExit(SimBackend b) {
        long child = b.fork();
        if (child < 0 || b.exit(child) != 0) throw new AssertionError("fork/exit failed");
    }

    /** Switches the v3 sub-batch restore bug of seed 001 on (tests only). */
    static void plantSubBatchRestoreBug(SimBackend b) { b.kernel().env().plantedSubBatchRestoreBug = true; }
}
