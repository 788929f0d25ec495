package org.mmsim.mm;

import org.mmsim.arch.Arch;
import org.mmsim.arch.Event;
import org.mmsim.pgtable.PageTables;
import org.mmsim.pgtable.PteOps;
import org.mmsim.pgtable.TlbGather;
import org.mmsim.phys.PhysMem;

/**
 * Zapping page tables (mm/memory.c unmap_page_range / zap_pte_range / zap_present_ptes): munmap, MADV_DONTNEED,
 * process exit. Present PTEs of one large folio are cleared as one batch (folio_pte_batch, clear_full_ptes);
 * huge PMDs are zapped whole when fully covered, else split first. TLB ranges go to the caller's gather.
 */
public final class Zap {
    private Zap() {}

    /** Zaps [start, end) of VMA v (both page aligned, inside v). */
    public static void zapRange(Mm mm, Vma v, long start, long end, TlbGather tlb) {
        PmdWalk.walk(mm, start, end, new PmdWalk.Visitor() {
            @Override public boolean leaf(long[] m, int mi, long addr, long next, boolean whole) {
                if (whole) zapHugePmd(mm, m, mi, addr, tlb);
                return whole;
            }

            @Override public void pteRange(long[] t, long addr, long next) { zapPteRange(mm, t, addr, next, tlb); }
        });
    }

    /** zap_huge_pmd: clears a PMD leaf, drops its mapping and reference. */
    private static void zapHugePmd(Mm mm, long[] m, int mi, long haddr, TlbGather tlb) {
        MmEnv env = mm.env;
        long pte = env.arch.hugePmdToPte(m[mi]);
        long head = env.arch.ptePfn(pte);
        m[mi] = 0;
        env.counters.inc(Event.PTE_CLEAR);
        env.counters.inc(Event.PTL_LOCK);
        tlb.add(haddr, Arch.PMD_SIZE);
        if (head != PhysMem.HUGE_ZERO_PFN) {
            if (env.phys.folioTest(head, PhysMem.PG_ANON)) mm.anonRss -= 512; else mm.shmemRss -= 512;
            Rmap.removePmd(env.phys, head);
        }
    }

    /** zap_pte_range over [start, end) inside one PTE table. */
    static void zapPteRange(Mm mm, long[] t, long start, long end, TlbGather tlb) {
        MmEnv env = mm.env;
        Arch arch = env.arch;
        PteOps ops = env.pte;
        PhysMem phys = env.phys;
        env.counters.inc(Event.PTL_LOCK);
        int i = PageTables.pteIndex(start);
        int last = i + (int) ((end - start) >>> Arch.PAGE_SHIFT);
        long addr = start;
        while (i < last) {
            long pte = ops.ptepGet(t, i);
            int nr = 1;
            if (pte == 0) {
                // nothing mapped
            } else if (arch.ptePresent(pte)) {
                long pfn = arch.ptePfn(pte);
                if (arch.pteSpecial(pte)) {
                    ops.clearFullPtes(t, i, addr, 1);
                } else {
                    env.counters.inc(Event.FOLIO_LOOKUP);
                    long head = phys.folioHead(pfn);
                    if (phys.folioOrder(head) > 0) nr = ops.folioPteBatch(head, t, i, pte, last - i, 0);
                    ops.clearFullPtes(t, i, addr, nr);
                    // A shmem page stays in its page cache; only the mapping and its reference go.
                    if (phys.folioTest(head, PhysMem.PG_ANON)) mm.anonRss -= nr; else mm.shmemRss -= nr;
                    Rmap.removePtes(phys, pfn, nr);
                }
                tlb.add(addr, (long) nr << Arch.PAGE_SHIFT);
            } else {
                throw new IllegalStateException("swap entry at 0x" + Long.toHexString(addr) + " but swap is not modelled");
            }
            i += nr;
            addr += (long) nr << Arch.PAGE_SHIFT;
        }
    }
}
