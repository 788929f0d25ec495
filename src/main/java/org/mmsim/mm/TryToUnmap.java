package org.mmsim.mm;

import java.util.ArrayList;
import java.util.List;

import org.mmsim.arch.Arch;
import org.mmsim.arch.Counters;
import org.mmsim.arch.Event;
import org.mmsim.pgtable.PageTables;
import org.mmsim.pgtable.PteOps;
import org.mmsim.phys.PhysMem;
import org.mmsim.swap.SwapCache;
import org.mmsim.swap.SwapDevice;

/**
 * try_to_unmap for reclaim (mm/rmap.c try_to_unmap / try_to_unmap_one; KERNEL_FACTS §4): takes an anonymous
 * folio out of every page table that maps it. A lazy-free folio is discarded; a swap-backed one (already in the
 * swap cache) gets a swap PTE per page naming its slot.
 *
 * <p>The rmap walk ({@link Rmap#forEachMapping}) visits every (mm, VMA, address) mapping the folio in every process;
 * consecutive pages mapped at consecutive addresses of one VMA form one {@link Mapping} run, which try_to_unmap_one
 * takes in PTE batches. The walk stops at the first mapping that cannot be unmapped.
 *
 * <p>Batching: a lazy-free large folio is cleared in runs (folio_unmap_pte_batch, since 6.15). A swap-backed large
 * folio is unmapped one PTE at a time, unless {@code anon-unmap-batch} (seed 001) is on: then the run is cleared
 * with one get_and_clear_ptes and one TLB flush, swap counts are raised and exclusivity shared per sub-batch of
 * equal PageAnonExclusive, and swap PTEs are written per sub-batch. Every fallible step is done for the whole batch
 * before any swap PTE is written; on a failure the swap references taken are dropped, dropped exclusivity is
 * given back and every PTE the batch cleared is restored (§4.4 step 6).
 */
final class TryToUnmap {
    private TryToUnmap() {}

    /**
     * One mapping of a folio found by the rmap walk: {@code pages} PTEs from {@code addr} in {@code vma} of
     * {@code mm}, in the PTE table {@code table} the walk read them from (null for a PMD mapping). Reclaim frees no
     * page table, so the table is still the one there when the mapping is unmapped.
     */
    record Mapping(Mm mm, Vma vma, long addr, int pages, long[] table) { }

    /**
     * The TLB flushes reclaim has deferred (struct tlbflush_unmap_batch): {@code pending} when invalidates were
     * issued without their barrier, {@code writable} when one of the unmapped entries was dirty, so the barrier must
     * come before the folio's I/O (try_to_unmap_flush_dirty).
     */
    static final class FlushBatch {
        boolean pending;
        boolean writable;
        /** Scratch for the sub-batch lengths of one PTE batch (swap-out), reused from folio to folio. */
        private int[] runs = new int[16];

        /** The scratch array for the sub-batches of a batch of nr PTEs. */
        int[] runs(int nr) {
            if (runs.length < nr) runs = new int[Math.max(nr, 2 * runs.length)];
            return runs;
        }

        /** try_to_unmap_flush: completes the deferred invalidates, if any. */
        void flush(MmEnv env) {
            if (pending) env.arch.tlbSync(env.counters);
            pending = false;
            writable = false;
        }

        /** try_to_unmap_flush_dirty. */
        void flushDirty(MmEnv env) {
            if (writable) flush(env);
        }
    }

    /**
     * try_to_unmap(folio, TTU_BATCH_FLUSH | TTU_SPLIT_HUGE_PMD) over the rmap walk; true if nothing maps it any
     * more. Where the architecture defers reclaim's flushes, they go into {@code batch}. {@code only}, when not
     * null, is the folio's one and only mapping, known to the caller (MADV_PAGEOUT's PTE walk found its whole
     * mapcount in one batch there), which is all the rmap walk would find: the walk is skipped (it counts no events).
     */
    static boolean tryToUnmap(MmEnv env, long head, FlushBatch batch, Mapping only) {
        if (only != null) return unmapOne(only, head, batch);
        for (Mapping m : walk(env, head)) {
            if (!unmapOne(m, head, batch)) return false;
        }
        return true;
    }

    /** The rmap walk of a folio as runs of consecutive pages at consecutive addresses of one VMA. */
    static List<Mapping> walk(MmEnv env, long head) {
        Runs runs = new Runs(env.phys.folioNrPages(head));
        Rmap.forEachMapping(env, head, runs);
        return runs.done();
    }

    /** Collects the mappings the rmap walk reports into runs; a run is recorded when the next one starts. */
    private static final class Runs implements Rmap.MappingVisitor {
        private final int folioPages;
        private final List<Mapping> runs = new ArrayList<>(1);
        private Mm mm;
        private Vma vma;
        private long addr;
        private int pages;
        private long[] table;
        /** The address and pfn that would extend the current run. */
        private long nextAddr;
        private long nextPfn;

        Runs(int folioPages) { this.folioPages = folioPages; }

        @Override public boolean mapping(Mm m, Vma v, long a, long pfn, boolean pmd) {
            add(m, v, a, pfn, pmd ? folioPages : 1, null);
            return true;
        }

        @Override public boolean mappingRun(Mm m, Vma v, long a, long pfn, int nr, long[] t) {
            add(m, v, a, pfn, nr, t);
            return true;
        }

        /** A mapping of nr pages, in PTE table t (null: a PMD mapping, or a page reported alone). */
        private void add(Mm m, Vma v, long a, long pfn, int nr, long[] t) {
            if (pages > 0 && t != null && t == table && m == mm && v == vma && a == nextAddr && pfn == nextPfn) {
                pages += nr;
                nextAddr += (long) nr << Arch.PAGE_SHIFT;
                nextPfn += nr;
                return;
            }
            if (pages > 0) runs.add(new Mapping(mm, vma, addr, pages, table));
            mm = m;
            table = t;
            vma = v;
            addr = a;
            pages = nr;
            nextAddr = a + ((long) nr << Arch.PAGE_SHIFT);
            nextPfn = pfn + nr;
        }

        List<Mapping> done() {
            if (pages > 0) runs.add(new Mapping(mm, vma, addr, pages, table));
            pages = 0;
            return runs;
        }
    }

    /** try_to_unmap_one for one mapping; false aborts the walk with the folio still mapped. */
    private static boolean unmapOne(Mapping map, long head, FlushBatch batch) {
        Mm mm = map.mm();
        mm.touch(map.addr(), map.addr() + ((long) map.pages() << Arch.PAGE_SHIFT));
        MmEnv env = mm.env;
        Arch arch = env.arch;
        PteOps ops = env.pte;
        PhysMem phys = env.phys;
        Counters c = env.counters;
        long addr = map.addr();
        long[] t = map.table();
        if (t == null) {
            long[] pmdT = mm.pt.pmdTable(addr, false);
            int mi = PageTables.pmdIndex(addr);
            if (pmdT != null && arch.entryIsLeaf(pmdT[mi])) Thp.splitHugePmd(mm, pmdT, mi, addr & ~(Arch.PMD_SIZE - 1));
            t = mm.pt.pteTable(addr, false);
            if (t == null) throw new IllegalStateException("try_to_unmap of a PMD-mapped folio that is not anonymous");
        }
        int i = PageTables.pteIndex(addr);
        int left = map.pages();
        boolean lazy = !phys.folioTest(head, PhysMem.PG_SWAPBACKED);
        boolean batchAnon = env.has(Feature.ANON_UNMAP_BATCH);
        boolean large = phys.folioOrder(head) > 0;
        c.inc(Event.PTL_LOCK);
        while (left > 0) {
            long pte = ops.ptepGetTwice(t, i); // page_vma_mapped_walk's check_pte, then the read here
            if (!arch.ptePresent(pte) || phys.folioHead(arch.ptePfn(pte)) != head) {
                throw new IllegalStateException("rmap walk: 0x" + Long.toHexString(addr) + " does not map folio " + head);
            }
            long pfn = arch.ptePfn(pte);
            if (large && batchAnon && !lazy && env.inject.quiet()) {
                int done = swapOutOneRun(mm, t, i, addr, head, pfn, pte, left, batch);
                if (done > 0) {
                    left -= done;
                    i += done;
                    addr += (long) done << Arch.PAGE_SHIFT;
                    continue;
                }
            }
            int nr = 1;
            long pteval;
            if (large && (lazy || batchAnon)) {
                // folio_unmap_pte_batch (bounded by the PMD, the VMA and the mapping), then get_and_clear_full_ptes
                // of the batch: one pass
                nr = ops.getAndClearFolioPtes(head, t, i, addr, pte, left,
                        PteOps.FPB_RESPECT_WRITE | PteOps.FPB_RESPECT_SOFT_DIRTY);
                pteval = ops.clearedPte();
                c.inc(Event.TTU_BATCH);
            } else {
                c.inc(Event.TTU_BATCH);
                pteval = ops.getAndClearFullPtes(t, i, addr, nr);
            }
            flushCleared(env, addr, nr, pteval, head, batch);
            // swapbacked drops the mappings itself, in one pass with sharing their exclusivity
            boolean ok = lazy ? lazyfree(mm, t, i, addr, head, pteval, nr)
                    : swapbacked(mm, t, i, addr, head, pfn, pteval, nr, batch);
            if (!ok) {
                c.inc(Event.TTU_RESTORE);
                return false;
            }
            if (lazy) Rmap.removePtes(phys, pfn, nr);
            left -= nr;
            i += nr;
            addr += (long) nr << Arch.PAGE_SHIFT;
        }
        return true;
    }

    /**
     * The TLB flush of nr entries just cleared from {@code addr} (deferred into {@code batch} where the architecture
     * defers reclaim's flushes) and the folio made dirty when the merged old value {@code pteval} was.
     */
    static void flushCleared(MmEnv env, long addr, int nr, long pteval, long head, FlushBatch batch) {
        Arch arch = env.arch;
        if (arch.defersReclaimFlush()) {
            arch.flushTlbRangeNoSync(env.counters, addr, addr + ((long) nr << Arch.PAGE_SHIFT));
            batch.pending = true;
            if (arch.pteDirty(pteval)) batch.writable = true;
        } else {
            arch.flushTlbRange(env.counters, addr, addr + ((long) nr << Arch.PAGE_SHIFT));
        }
        if (arch.pteDirty(pteval)) env.phys.folioSet(head, PhysMem.PG_DIRTY);
    }

    /**
     * One PTE batch of a swap-backed large folio with {@code anon-unmap-batch} when no failure is armed (nothing
     * can fail: {@link FaultInjection#quiet}) and the pages the batch can reach ({@code left} from {@code pfn}, within
     * the folio) are all exclusive or all not: the steps of the batched path ({@link #swapbackedOneRun}) with the same
     * results and counts, but the batch's entries are written with their swap entries in the pass that reads and
     * clears them ({@link PteOps#swapOutFolioPtes}), as nothing between the clear and the swap PTE write can fail.
     * Returns the batch's length, or 0 (nothing done) when the exclusivity is mixed.
     */
    private static int swapOutOneRun(Mm mm, long[] t, int i, long addr, long head, long pfn, long pte, int left,
            FlushBatch batch) {
        MmEnv env = mm.env;
        PhysMem phys = env.phys;
        long off0 = swapSlot(env, head, pfn);
        int maxNr = (int) Math.min(left, head + phys.folioNrPages(head) - pfn);
        boolean exclusive = phys.pageAnonExclusive(pfn);
        if (phys.anonExclusiveRun(pfn, maxNr) != maxNr) return 0;
        int nr = env.pte.swapOutFolioPtes(head, t, i, addr, pte, left,
                PteOps.FPB_RESPECT_WRITE | PteOps.FPB_RESPECT_SOFT_DIRTY, swapPte(env.arch, off0, exclusive, pte));
        env.counters.inc(Event.TTU_BATCH);
        flushCleared(env, addr, nr, env.pte.clearedPte(), head, batch);
        if (!takeSubBatch(env, off0, nr, exclusive)) throw new IllegalStateException("a swap-out step failed with no failure armed");
        swappedOut(mm, head, pfn, nr, exclusive);
        return nr;
    }

    /** The swap slot of page {@code pfn} of the swap-backed folio {@code head} (folio-&gt;swap plus its offset). */
    private static long swapSlot(MmEnv env, long head, long pfn) {
        long off0 = env.swap.folioSwap(head);
        if (off0 < 0) throw new IllegalStateException("swap-backed folio " + head + " reached try_to_unmap outside the swap cache");
        return off0 + (pfn - head);
    }

    /**
     * The end of a swapped-out batch of nr pages from {@code pfn}, its swap PTEs written: the counts move from
     * anonymous RSS to swap entries, and the mappings go (sharing the pages' exclusivity first when {@code share}).
     */
    private static void swappedOut(Mm mm, long head, long pfn, int nr, boolean share) {
        mm.anonRss -= nr;
        mm.swapEnts += nr;
        Rmap.removeSharedPtes(mm.env.phys, head, pfn, nr, share);
    }

    /** ttu_anon_lazyfree_folio: a clean lazy-free folio is dropped; a re-dirtied one is restored and swap-backed again. */
    private static boolean lazyfree(Mm mm, long[] t, int i, long addr, long head, long pteval, int nr) {
        MmEnv env = mm.env;
        if (env.phys.folioTest(head, PhysMem.PG_DIRTY)) {
            env.pte.setPtes(t, i, addr, pteval, nr);
            env.phys.folioSet(head, PhysMem.PG_SWAPBACKED);
            return false;
        }
        mm.anonRss -= nr;
        env.counters.add(Event.PGLAZYFREED, nr);
        return true;
    }

    /**
     * ttu_anon_swapbacked_folio for nr cleared PTEs of consecutive pages from {@code pfn} (nr is 1 without
     * {@code anon-unmap-batch}): raise the swap counts, pass arch_unmap_one and share exclusivity per sub-batch of
     * equal PageAnonExclusive; then write the swap PTEs. False after undoing everything and restoring the PTEs.
     */
    private static boolean swapbacked(Mm mm, long[] t, int i, long addr, long head, long pfn, long pteval, int nr,
            FlushBatch batch) {
        MmEnv env = mm.env;
        Arch arch = env.arch;
        PhysMem phys = env.phys;
        SwapCache sc = env.swap;
        long off0 = swapSlot(env, head, pfn);
        boolean firstExclusive = phys.pageAnonExclusive(pfn);
        int run = phys.anonExclusiveRun(pfn, nr);
        if (run == nr) return swapbackedOneRun(mm, t, i, addr, head, pfn, pteval, nr, off0, firstExclusive);
        // The sub-batches of equal PageAnonExclusive, as lengths: maximal runs, so exclusivity alternates run by run.
        int[] runs = batch.runs(nr);
        int nRuns = 0;
        for (int k = 0; k < nr; ) {
            int len = phys.anonExclusiveRun(pfn + k, nr - k);
            runs[nRuns++] = len;
            k += len;
        }
        for (int r = 0, k = 0; r < nRuns; r++) {
            int len = runs[r];
            boolean exclusive = firstExclusive ^ (r & 1) != 0;
            boolean failed = !takeSubBatch(env, off0 + k, len, exclusive);
            if (!failed && exclusive) for (int j = k; j < k + len; j++) phys.setPageAnonExclusive(pfn + j, false);
            if (failed) {
                if (env.plantedSubBatchRestoreBug) {
                    // Seed 001 v3: only the failing sub-batch is put back; earlier sub-batches keep their swap
                    // references and later ones stay cleared.
                    env.pte.setPtes(t, i + k, addr + ((long) k << Arch.PAGE_SHIFT), arch.pteWithPfn(pteval, pfn + k), len);
                    return false;
                }
                if (k > 0) sc.put(off0, k);
                for (int q = 0, j = 0; q < r; j += runs[q], q++) {
                    if (firstExclusive ^ (q & 1) != 0) for (int p = j; p < j + runs[q]; p++) phys.setPageAnonExclusive(pfn + p, true);
                }
                env.pte.setPtes(t, i, addr, pteval, nr);
                return false;
            }
            k += len;
        }
        // Every fallible step passed: the swap PTEs, one write per sub-batch of equal exclusivity.
        for (int r = 0, k = 0; r < nRuns; r++) {
            int len = runs[r];
            env.pte.setSwapPtes(t, i + k, swapPte(arch, off0 + k, firstExclusive ^ (r & 1) != 0, pteval), len);
            k += len;
        }
        swappedOut(mm, head, pfn, nr, false);
        return true;
    }

    /**
     * {@link #swapbacked} for a batch whose pages are all exclusive or all not (one sub-batch, the common case): the
     * same steps, events and failure handling, with the exclusivity sharing done after the swap PTE writes in the one
     * pass that also drops the mappings (nothing reads it in between; a failure comes before either).
     */
    private static boolean swapbackedOneRun(Mm mm, long[] t, int i, long addr, long head, long pfn, long pteval, int nr,
            long off0, boolean exclusive) {
        MmEnv env = mm.env;
        if (!takeSubBatch(env, off0, nr, exclusive)) {
            env.pte.setPtes(t, i, addr, pteval, nr);
            return false;
        }
        env.pte.setSwapPtes(t, i, swapPte(env.arch, off0, exclusive, pteval), nr);
        swappedOut(mm, head, pfn, nr, exclusive);
        return true;
    }

    /**
     * The fallible steps of one sub-batch of {@code len} pages of equal exclusivity from slot {@code off}: the swap
     * references (folio_dup_swap), arch_unmap_one and, for exclusive pages, the pin check of
     * folio_try_share_anon_rmap_ptes; when one fails, the references taken are dropped again. True if all passed
     * (the caller shares the pages' exclusivity when it takes effect).
     */
    private static boolean takeSubBatch(MmEnv env, long off, int len, boolean exclusive) {
        if (env.inject.failsAny(FaultInjection.Kind.SWAP_DUP_FAIL, len)) {
            env.counters.inc(Event.SWAP_DUP);
            return false;
        }
        env.swap.dup(off, len);
        boolean failed = env.inject.fails(FaultInjection.Kind.ARCH_UNMAP_FAIL);
        if (!failed && exclusive) {
            // folio_try_share_anon_rmap_ptes: refused when the folio may be DMA-pinned.
            env.counters.inc(Event.ANON_SHARE);
            failed = env.inject.fails(FaultInjection.Kind.FOLIO_PINNED);
        }
        if (failed) env.swap.put(off, len);
        return !failed;
    }

    /** The swap PTE of slot {@code off} for a page unmapped from {@code pteval}: exclusive, soft-dirty carried over. */
    private static long swapPte(Arch arch, long off, boolean exclusive, long pteval) {
        long swp = arch.swpEntryPte(SwapDevice.TYPE, off);
        if (exclusive) swp = arch.swpMkExclusive(swp);
        if (arch.pteSoftDirty(pteval)) swp = arch.swpMksoftDirty(swp);
        return swp;
    }
}