package org.mmsim.mm;

import org.mmsim.arch.Arch;
import org.mmsim.arch.Event;
import org.mmsim.pgtable.PageTables;
import org.mmsim.pgtable.PteOps;
import org.mmsim.pgtable.TlbGather;
import org.mmsim.phys.PhysMem;

/**
 * Zapping page tables (mm/memory.c unmap_page_range / zap_pte_range / zap_present_ptes): munmap, MADV_DONTNEED,
 * process exit. Present PTEs of one large folio are cleared as one batch (folio_pte_batch, clear_full_ptes, fused in
 * {@link PteOps#getAndClearFolioPtes});
 * huge PMDs are zapped whole when fully covered, else split first. TLB ranges go to the caller's gather.
 */
public final class Zap {
    private Zap() {}

    /** Zaps [start, end) of VMA v (both page aligned, inside v). */
    public static void zapRange(Mm mm, Vma v, long start, long end, TlbGather tlb) {
        mm.touch(start, end);
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
            int none = ops.noneRun(t, i, last - i);
            if (none > 0) {
                // nothing mapped
                i += none;
                addr += (long) none << Arch.PAGE_SHIFT;
                continue;
            }
            long pte = ops.ptepGet(t, i);
            int nr = 1;
            if (arch.ptePresent(pte)) {
                long pfn = arch.ptePfn(pte);
                if (arch.pteSpecial(pte)) {
                    ops.clearFullPtes(t, i, addr, 1);
                } else {
                    env.counters.inc(Event.FOLIO_LOOKUP);
                    long head = phys.folioHead(pfn);
                    // folio_pte_batch then clear_full_ptes of the run, in one pass (clear_full_ptes counts what
                    // get_and_clear_full_ptes counts; the merged old value is not needed here)
                    if (phys.folioOrder(head) > 0) nr = ops.getAndClearFolioPtes(head, t, i, addr, pte, last - i, 0);
                    else ops.clearFullPtes(t, i, addr, 1);
                    // A shmem page stays in its page cache; only the mapping and its reference go.
                    if (phys.folioTest(head, PhysMem.PG_ANON)) mm.anonRss -= nr; else mm.shmemRss -= nr;
                    if (!Rmap.removePtes(phys, pfn, nr)) freeSwapCache(env, head);
                }
                tlb.add(addr, (long) nr << Arch.PAGE_SHIFT);
            } else {
                nr = zapSwapPtes(mm, t, i, last - i, pte);
            }
            i += nr;
            addr += (long) nr << Arch.PAGE_SHIFT;
        }
    }

    /**
     * zap_nonpresent_ptes for a swap entry: the run of swap PTEs with consecutive offsets (swap_pte_batch) is
     * cleared, MM_SWAPENTS drops, and free_swap_and_cache_nr drops the swap counts. Returns the run length.
     */
    static int zapSwapPtes(Mm mm, long[] t, int i, int maxNr, long pte) {
        MmEnv env = mm.env;
        int nr = swapPteBatch(env, t, i, maxNr, pte);
        for (int j = 0; j < nr; j++) env.pte.pteClear(t, i + j);
        mm.swapEnts -= nr;
        freeSwapAndCache(env, env.arch.swpOffset(pte), nr);
        return nr;
    }

    /** swap_pte_batch: consecutive swap PTEs whose offsets go up by one and whose other swap bits are equal. */
    static int swapPteBatch(MmEnv env, long[] t, int i, int maxNr, long pte) {
        Arch arch = env.arch;
        int nr = 1;
        while (nr < maxNr) {
            long e = env.pte.ptepGetRaw(t, i + nr);
            if (e != arch.pteMoveSwpOffset(pte, nr)) break;
            nr++;
        }
        return nr;
    }

    /**
     * free_swap_and_cache_nr: drops the swap count of nr slots; a slot left only to a swap-cache folio that nothing
     * maps any more gets that folio reclaimed (__try_to_reclaim_swap with TTRS_UNMAPPED).
     */
    static void freeSwapAndCache(MmEnv env, long off, int nr) {
        env.swap.put(off, nr);
        PhysMem phys = env.phys;
        for (long o = off; o < off + nr; o++) {
            long pfn = env.swap.lookup(o);
            if (pfn >= 0) freeSwapCache(env, phys.folioHead(pfn));
        }
    }

    /** free_swap_cache: a swap-cache folio that nothing maps leaves the cache once no swap PTE names it, and is freed. */
    static void freeSwapCache(MmEnv env, long head) {
        PhysMem phys = env.phys;
        if (!phys.folioTest(head, PhysMem.PG_SWAPCACHE) || phys.largeMapcount(head) != 0) return;
        if (phys.entireMapcount(head) != 0) return;
        if (env.swap.freeSwapIfUnused(head) && phys.refcount(head) == 0) phys.freeFolio(head);
    }
}
