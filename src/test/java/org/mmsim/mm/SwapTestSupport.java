package org.mmsim.mm;

import org.mmsim.arch.Arch;
import org.mmsim.pgtable.PageTables;
import org.mmsim.phys.PhysMem;
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
     * The parent's state after fork() and the child's exit, for [start, end): every present anonymous PTE is
     * write-protected and its page is no longer PageAnonExclusive (fork's folio_try_dup_anon_rmap and
     * wrprotect_ptes; the child's exit changes nothing in the parent). PMD mappings are split first.
     */
    static void forkAndChildExit(SimBackend b, long start, long end) {
        Mm mm = b.mm();
        MmEnv env = mm.env;
        Arch arch = env.arch;
        PhysMem phys = env.phys;
        for (long a = start; a < end; a += Arch.PAGE_SIZE) {
            if (arch.entryIsLeaf(mm.pt.pmdEntry(a))) Thp.splitHugePmdAt(mm, a & ~(Arch.PMD_SIZE - 1));
            long[] t = mm.pt.pteTable(a, false);
            if (t == null) continue;
            int i = PageTables.pteIndex(a);
            long pte = t[i];
            if (!arch.ptePresent(pte) || arch.pteSpecial(pte)) continue;
            if (arch.pteWrite(pte)) env.pte.wrprotectPtes(t, i, a, 1);
            phys.setPageAnonExclusive(arch.ptePfn(pte), false);
        }
    }

    /** Switches the v3 sub-batch restore bug of seed 001 on (tests only). */
    static void plantSubBatchRestoreBug(SimBackend b) { b.kernel().env().plantedSubBatchRestoreBug = true; }
}
