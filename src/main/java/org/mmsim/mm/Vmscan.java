package org.mmsim.mm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;

import org.mmsim.arch.Arch;
import org.mmsim.arch.Event;
import org.mmsim.pgtable.PageTables;
import org.mmsim.pgtable.PteOps;
import org.mmsim.pgtable.TlbGather;
import org.mmsim.phys.PhysMem;
import org.mmsim.swap.SwapCache;

/**
 * MADV_PAGEOUT (mm/madvise.c madvise_cold_or_pageout_pte_range) and the reclaim it triggers (mm/vmscan.c
 * reclaim_pages / shrink_folio_list; KERNEL_FACTS §5).
 *
 * <p>The walk isolates the anonymous folios of the range that this process alone maps, once per page: a large
 * folio only partly inside the range (or the PTE table) is split to order 0 first, unless another process maps it;
 * a PMD-mapped THP partly covered is split too, a fully covered one is kept whole. Reclaim then handles each
 * folio: a lazy-free one is discarded when clean; a swap-backed one gets swap slots (a large folio that finds no
 * free aligned run is split and its pages go one by one), is unmapped through {@link TryToUnmap}, written out (or,
 * zero-filled, only marked zero) and freed. A folio that cannot be unmapped stays mapped (and in the swap cache).
 * Without a swap device nothing swap-backed can be reclaimed (a large folio is still split on the way, as Linux
 * does before it finds that no slot is free).
 *
 * <p>A folio whose data was written stays in the swap cache after the unmap (the kernel frees a folio under
 * writeback only on a later reclaim pass, which needs memory pressure; the model has none), so touching the page
 * again maps it back from the swap cache; a zero-filled or clean folio is freed at once. LRU ageing and references
 * are not consulted (reclaim_pages ignores them too).
 */
final class Vmscan {
    private Vmscan() {}

    /** madvise_pageout over [start, end) of v (the VMA checks are the caller's). */
    static void pageout(Mm mm, Vma v, long start, long end) {
        if (v.shmem != null) {
            coldOrPageoutShmem(mm, v, start, end, null);
            return;
        }
        if (v.isShared() || v.anonVma == null) return; // nothing anonymous here
        MmEnv env = mm.env;
        Arch arch = env.arch;
        PhysMem phys = env.phys;
        PmdWalk.walk(mm, start, end, new PmdWalk.Visitor() {
            @Override public boolean leaf(long[] m, int mi, long a, long next, boolean whole) {
                long head = arch.ptePfn(arch.hugePmdToPte(m[mi]));
                if (head == PhysMem.HUGE_ZERO_PFN) return true;
                if (!Rmap.mappedOnlyBy(env, head, mm)) return true; // folio_maybe_mapped_shared
                if (!whole) return false; // split the mapping; the PTE level splits the folio
                FolioList list = new FolioList();
                list.add(head, null);
                shrinkFolioList(env, list);
                return true;
            }

            @Override public void pteRange(long[] t, long a, long next) { pageoutPteRange(mm, v, t, a, next); }
        });
    }

    /**
     * Bench-only: MADV_PAGEOUT of [start, end) in v, an anonymous private VMA (the caller's VMA checks done), with each
     * PTE table's reclaim (the reclaim_pages that follows the walk of that table) done in three phases over the table's
     * isolated folios instead of folio by folio, so that the unmap step alone can be timed with one pair of clock reads
     * per PTE table. Returns the sum of the clock's differences over phase 2.
     * <ol>
     * <li>Untimed: the PTE walk isolates the folios of the table; each folio gets its swap slots and enters the swap
     * cache and is marked dirty (shrink_folio_list's steps before try_to_unmap).
     * <li>Timed: try_to_unmap of each folio (the PTE batches cleared, TLB flushes, swap counts, exclusivity, swap PTEs,
     * mapcounts and references), then try_to_unmap_flush_dirty as pageout does first for a dirty folio; after the
     * last folio try_to_unmap_flush (where the table's reclaim ends).
     * <li>Untimed: writeout (zero marks or I/O), leaving the swap cache and freeing, PGRECLAIM.
     * </ol>
     * Each folio goes through the same steps with the same results and events as in {@link #shrinkFolioList}; only the
     * order across the folios of one table differs, and no step reads what another folio's steps change in between (a
     * folio's slots stay in use while swap PTEs name them; nothing is allocated while folios are freed). Anything
     * outside that case is refused with IllegalStateException: a PMD-mapped THP, a lazy-free folio, a folio that finds
     * no free slots or cannot be unmapped.
     */
    static long pageoutTimingUnmap(Mm mm, Vma v, long start, long end, LongSupplier clock) {
        MmEnv env = mm.env;
        if (v.shmem != null || v.isShared() || v.anonVma == null) throw new IllegalStateException("not private anonymous memory");
        long[] timed = {0};
        PmdWalk.walk(mm, start, end, new PmdWalk.Visitor() {
            @Override public boolean leaf(long[] m, int mi, long a, long next, boolean whole) {
                throw new IllegalStateException("a PMD-mapped THP");
            }

            @Override public void pteRange(long[] t, long a, long next) {
                FolioList list = new FolioList();
                isolatePteRange(mm, v, t, a, next, list, null);
                timed[0] += shrinkFolioListTimingUnmap(env, list, clock);
            }
        });
        return timed[0];
    }

    /** The reclaim of {@link #pageoutTimingUnmap} for one PTE table's folios: the clock's difference over the unmaps. */
    private static long shrinkFolioListTimingUnmap(MmEnv env, FolioList list, LongSupplier clock) {
        PhysMem phys = env.phys;
        for (int k = list.first; k < list.end; k++) {
            long head = list.heads[k];
            if (!phys.folioTest(head, PhysMem.PG_SWAPBACKED)) throw new IllegalStateException("a lazy-free folio");
            if (!phys.folioTest(head, PhysMem.PG_SWAPCACHE)) {
                if (!allocSwap(env, head)) throw new IllegalStateException("no free swap slots");
                phys.folioSet(head, PhysMem.PG_DIRTY);
            }
        }
        TryToUnmap.FlushBatch batch = new TryToUnmap.FlushBatch();
        long t0 = clock.getAsLong();
        for (int k = list.first; k < list.end; k++) {
            long head = list.heads[k];
            if (!TryToUnmap.tryToUnmap(env, head, batch, list.only[k])) throw new IllegalStateException("try_to_unmap failed");
            if (phys.folioTest(head, PhysMem.PG_DIRTY)) batch.flushDirty(env);
        }
        batch.flush(env);
        long t = clock.getAsLong() - t0;
        while (!list.isEmpty()) reclaimUnmapped(env, list.poll());
        return t;
    }

    /**
     * MADV_COLD or MADV_PAGEOUT of shared anonymous memory (shmem), madvise_cold_or_pageout_pte_range: a large folio
     * the range covers only in part, or covers by part of a PMD, is split unless another process maps it
     * ({@link Shmem#splitFolio}, which unmaps it: a file folio is not mapped again after a split). With
     * {@code pageout}, a folio mapped only here, once per page, is then unmapped (try_to_unmap of a file folio: the
     * entries go, the pages stay in the object's page cache) and shmem_writeout, finding no swap for it, keeps it
     * there: the data survives and the next access faults it back in (docs/kernel-oracle.md madvise-pageout-shared).
     * MADV_COLD ({@code coldTlb} not null) makes the entries of such a folio old ({@link #makeOld}, gathering them in
     * coldTlb) and deactivates, which the model does not keep (LRU order); writing shmem to swap is not modelled.
     */
    private static void coldOrPageoutShmem(Mm mm, Vma v, long start, long end, TlbGather coldTlb) {
        boolean pageout = coldTlb == null;
        MmEnv env = mm.env;
        Arch arch = env.arch;
        PteOps ops = env.pte;
        PhysMem phys = env.phys;
        PmdWalk.walk(mm, start, end, new PmdWalk.Visitor() {
            @Override public boolean leaf(long[] m, int mi, long a, long next, boolean whole) {
                long head = arch.ptePfn(arch.hugePmdToPte(m[mi]));
                if (!Rmap.mappedOnlyBy(env, head, mm)) return true; // folio_maybe_mapped_shared
                if (!whole) Shmem.splitFolio(env, head);
                else if (!pageout) makeOldPmd(env, m, mi, a, coldTlb);
                else if (phys.entireMapcount(head) == 1 && phys.largeMapcount(head) == 0) Shmem.unmapFolio(env, head);
                return true;
            }

            @Override public void pteRange(long[] t, long a, long next) {
                env.counters.inc(Event.PTL_LOCK);
                int i = PageTables.pteIndex(a);
                int last = i + (int) ((next - a) >>> Arch.PAGE_SHIFT);
                long addr = a;
                while (i < last) {
                    int nr = 1;
                    long pte = ops.ptepGet(t, i);
                    if (arch.ptePresent(pte) && !arch.pteSpecial(pte)) {
                        env.counters.inc(Event.FOLIO_LOOKUP);
                        long pfn = arch.ptePfn(pte);
                        long head = phys.folioHead(pfn);
                        int n = phys.folioNrPages(head);
                        if (n > 1 && !phys.folioTest(head, PhysMem.PG_ANON)) {
                            nr = ops.folioPteBatch(head, t, i, pte, last - i, PteOps.FPB_MERGE_YOUNG_DIRTY);
                            if (nr < n && Rmap.mappedOnlyBy(env, head, mm)) {
                                Shmem.splitFolio(env, head); // its entries are none now: look again
                                continue;
                            }
                            if (nr == n && phys.largeMapcount(head) == n && phys.entireMapcount(head) == 0) {
                                if (pageout) Shmem.unmapFolio(env, head);
                                else makeOld(env, t, i, addr, nr, ops.batchPte(), coldTlb);
                            }
                        } else if (n == 1 && !phys.folioTest(pfn, PhysMem.PG_ANON) && phys.mapcount(pfn) == 1) {
                            if (!pageout) {
                                makeOld(env, t, i, addr, 1, pte, coldTlb);
                            } else {
                                long old = ops.getAndClearFullPtes(t, i, addr, 1);
                                arch.flushTlbRange(env.counters, addr, addr + Arch.PAGE_SIZE);
                                if (arch.pteDirty(old)) phys.folioSet(pfn, PhysMem.PG_DIRTY);
                                Rmap.removePtes(phys, pfn, 1);
                                mm.shmemRss--;
                            }
                        }
                    }
                    i += nr;
                    addr += (long) nr << Arch.PAGE_SHIFT;
                }
            }
        });
    }

    /**
     * MADV_COLD (the VMA checks are the caller's): madvise_cold_or_pageout_pte_range without the reclaim. A large
     * folio the range covers only in part is split unless another process maps it (anonymous: the pages are mapped
     * again, each an order-0 folio; shmem: see {@link #coldOrPageoutShmem}). A folio mapped only here, once per page,
     * has its young entries made old ({@link #makeOld}), one TLB flush of what was made old at the end of the VMA
     * (the mmu_gather of madvise_cold). Deactivation is not modelled (the model keeps no LRU order).
     */
    static void cold(Mm mm, Vma v, long start, long end) {
        TlbGather tlb = new TlbGather(mm.env.arch, mm.env.counters);
        if (v.shmem != null) {
            coldOrPageoutShmem(mm, v, start, end, tlb);
        } else if (!v.isShared() && v.anonVma != null) {
            MmEnv env = mm.env;
            Arch arch = env.arch;
            PmdWalk.walk(mm, start, end, new PmdWalk.Visitor() {
                @Override public boolean leaf(long[] m, int mi, long a, long next, boolean whole) {
                    long head = arch.ptePfn(arch.hugePmdToPte(m[mi]));
                    if (head == PhysMem.HUGE_ZERO_PFN || !Rmap.mappedOnlyBy(env, head, mm)) return true;
                    if (whole) makeOldPmd(env, m, mi, a, tlb);
                    return whole; // part of it: split the mapping; the PTE level splits the folio
                }

                @Override public void pteRange(long[] t, long a, long next) { isolatePteRange(mm, v, t, a, next, null, tlb); }
            });
        }
        tlb.finish();
    }

    /**
     * MADV_COLD of the nr entries from t[i] (at addr) that map one folio, mapped only here: clear_young_dirty_ptes
     * with CYDP_CLEAR_YOUNG and tlb_remove_tlb_entries when {@code pte} (the entry, or the batch's with the access
     * bits of all its entries merged) is young.
     */
    private static void makeOld(MmEnv env, long[] t, int i, long addr, int nr, long pte, TlbGather tlb) {
        if (!env.arch.pteYoung(pte)) return;
        env.pte.clearYoungPtes(t, i, nr);
        tlb.add(addr, (long) nr << Arch.PAGE_SHIFT);
    }

    /**
     * MADV_COLD of a PMD-mapped THP wholly in the range and mapped only here (madvise_cold_or_pageout_huge_pmd): a
     * young entry is invalidated (pmdp_invalidate, which flushes the PMD's range at once), written back old, and
     * its range gathered for the flush at the end.
     */
    private static void makeOldPmd(MmEnv env, long[] m, int mi, long addr, TlbGather tlb) {
        Arch arch = env.arch;
        long pte = arch.hugePmdToPte(m[mi]);
        if (!arch.pteYoung(pte)) return;
        env.counters.inc(Event.PTE_CLEAR);
        arch.flushTlbRange(env.counters, addr, addr + Arch.PMD_SIZE);
        m[mi] = arch.pteToHugePmd(arch.pteMkold(pte));
        env.counters.inc(Event.PTE_WRITE);
        tlb.add(addr, Arch.PMD_SIZE);
    }

    /** The PTE level of madvise_cold_or_pageout_pte_range (pageout = true), then reclaim_pages. */
    private static void pageoutPteRange(Mm mm, Vma v, long[] t, long start, long end) {
        FolioList list = new FolioList();
        isolatePteRange(mm, v, t, start, end, list, null);
        shrinkFolioList(mm.env, list);
    }

    /**
     * The walk of {@link #pageoutPteRange}: isolates the folios of one PTE table's part of [start, end) onto list
     * (MADV_COLD: list null, and the entries of the folios it would isolate are made old, gathered in coldTlb).
     */
    private static void isolatePteRange(Mm mm, Vma v, long[] t, long start, long end, FolioList list, TlbGather coldTlb) {
        MmEnv env = mm.env;
        Arch arch = env.arch;
        PteOps ops = env.pte;
        PhysMem phys = env.phys;
        env.counters.inc(Event.PTL_LOCK);
        int i = PageTables.pteIndex(start);
        int last = i + (int) ((end - start) >>> Arch.PAGE_SHIFT);
        long addr = start;
        while (i < last) {
            int nr = 1;
            long pte = ops.ptepGet(t, i);
            if (arch.ptePresent(pte) && !arch.pteSpecial(pte)) {
                env.counters.inc(Event.FOLIO_LOOKUP);
                long pfn = arch.ptePfn(pte);
                long head = phys.folioHead(pfn);
                int n = phys.folioNrPages(head);
                boolean take = phys.folioTest(head, PhysMem.PG_ANON);
                if (take && n > 1) {
                    nr = ops.folioPteBatch(head, t, i, pte, last - i, PteOps.FPB_MERGE_YOUNG_DIRTY);
                    if (nr < n) {
                        // Not wholly mapped here: split it unless another process maps it, then look again.
                        if (splitForPageout(mm, head)) continue;
                        take = false;
                    }
                }
                int mapped = n > 1 ? phys.largeMapcount(head) : phys.mapcount(pfn);
                if (take && mapped == n && list != null) {
                    // Mapped n times, all of them here: the rmap walk could only find this one mapping.
                    list.add(head, phys.entireMapcount(head) == 0 ? new TryToUnmap.Mapping(mm, v, addr, n, t) : null);
                } else if (take && mapped == n) {
                    makeOld(env, t, i, addr, nr, n > 1 ? ops.batchPte() : pte, coldTlb);
                }
            }
            i += nr;
            addr += (long) nr << Arch.PAGE_SHIFT;
        }
    }

    /**
     * split_folio of a large folio found partly mapped by the walk: refused (false) when another process maps it
     * (folio_maybe_mapped_shared).
     */
    private static boolean splitForPageout(Mm mm, long head) {
        if (!Rmap.mappedOnlyBy(mm.env, head, mm)) return false;
        splitFolio(mm.env, head);
        return true;
    }

    /**
     * Splits a PTE-mapped large anonymous folio to order 0 (split_folio, __folio_split), with the page-table work of
     * the kernel's three steps:
     * <ol>
     * <li>unmap_folio: try_to_migrate over the rmap walk with TTU_BATCH_FLUSH (a PMD mapping is split first). Per
     * mapping run one PTE lock; per page the walk's read and try_to_migrate_one's, ptep_get_and_clear of that one
     * entry (on arm64 the first clear in a contpte block unfolds it), the TLB invalidate deferred where the
     * architecture defers reclaim's flushes (else flushed at once), folio_try_share_anon_rmap_pte for an exclusive
     * page, and set_pte_at of a migration entry ({@link #migrationEntry}); then try_to_unmap_flush.</li>
     * <li>the split of the metadata: every page becomes a folio of its own (in the swap cache on its own slot if the
     * folio was cached).</li>
     * <li>remap_page: remove_migration_ptes for each new folio: its own rmap walk (a PTE lock and a read of the
     * migration entry per page) and set_pte_at of the entry the page had, without the contpte bit. As in 6.18
     * (RMP_USE_SHARED_ZEROPAGE), a zero-filled page outside a VM_LOCKED VMA maps the shared zero page instead and is
     * freed (checked on the live kernel, docs/kernel-oracle.md).</li>
     * </ol>
     * The model keeps each page's mapcount and exclusivity across the split (the migration entries exist only inside
     * this call, and each page is mapped again where it was), so only the entries and the counts change on the way.
     * Pages nothing needs any more are freed.
     */
    private static void splitFolio(MmEnv env, long head) {
        Arch arch = env.arch;
        PhysMem phys = env.phys;
        PteOps ops = env.pte;
        List<TryToUnmap.Mapping> where = TryToUnmap.walk(env, head);
        long[][] entries = new long[where.size()][];
        TryToUnmap.FlushBatch batch = new TryToUnmap.FlushBatch();
        for (int r = 0; r < where.size(); r++) {
            TryToUnmap.Mapping m = where.get(r);
            Mm mm = m.mm();
            mm.touch(m.addr(), m.addr() + ((long) m.pages() << Arch.PAGE_SHIFT));
            long[] pmdT = mm.pt.pmdTable(m.addr(), false);
            int mi = PageTables.pmdIndex(m.addr());
            if (arch.entryIsLeaf(pmdT[mi])) Thp.splitHugePmd(mm, pmdT, mi, m.addr() & ~(Arch.PMD_SIZE - 1));
            long[] t = mm.pt.pteTable(m.addr(), false);
            int i = PageTables.pteIndex(m.addr());
            long[] was = entries[r] = new long[m.pages()];
            env.counters.inc(Event.PTL_LOCK);
            for (int k = 0; k < m.pages(); k++) {
                long addr = m.addr() + ((long) k << Arch.PAGE_SHIFT);
                long pfn = arch.ptePfn(ops.ptepGetTwice(t, i + k)); // page_vma_mapped_walk's check, then the read
                boolean exclusive = phys.pageAnonExclusive(pfn);
                long pteval = ops.getAndClearFullPtes(t, i + k, addr, 1);
                TryToUnmap.flushCleared(env, addr, 1, pteval, head, batch);
                if (exclusive) env.counters.inc(Event.ANON_SHARE);
                was[k] = arch.pteMknoncont(pteval);
                ops.setSwapPte(t, i + k, addr, migrationEntry(arch, pfn, exclusive, pteval));
            }
        }
        batch.flush(env);
        int n = phys.folioNrPages(head);
        boolean cached = phys.folioTest(head, PhysMem.PG_SWAPCACHE);
        phys.splitFolio(head, cached ? 1 : 0);
        if (cached) env.swap.splitCached(head, n);
        for (int r = 0; r < where.size(); r++) {
            TryToUnmap.Mapping m = where.get(r);
            Vma v = m.vma();
            boolean locked = v.has(VmFlags.VM_LOCKED);
            long[] t = m.mm().pt.pteTable(m.addr(), false);
            int i = PageTables.pteIndex(m.addr());
            for (int k = 0; k < m.pages(); k++) {
                long addr = m.addr() + ((long) k << Arch.PAGE_SHIFT);
                env.counters.inc(Event.PTL_LOCK);
                ops.ptepGet(t, i + k); // the walk finds the migration entry
                long pte = entries[r][k];
                long pfn = arch.ptePfn(pte);
                if (locked || !phys.folioTest(pfn, PhysMem.PG_ANON) || !phys.pageZeroFilled(pfn)) {
                    ops.setPtes(t, i + k, addr, pte, 1);
                    continue;
                }
                ops.setPtes(t, i + k, addr, Fault.zeroPagePte(arch, v), 1);
                m.mm().anonRss--;
                if (!Rmap.removePtes(phys, pfn, 1)) Zap.freeSwapCache(env, pfn);
            }
        }
        if (cached) {
            for (long p = head; p < head + n; p++) {
                if (phys.isAllocatedHead(p) && phys.mapcount(p) == 0 && env.swap.freeSwapIfUnused(p) && phys.refcount(p) == 0) {
                    phys.freeFolio(p);
                }
            }
        }
    }

    /** The model's swap types of migration entries: the top of the 5-bit type field, never a swap device's. */
    static final int MIGRATION_READ = 29;
    static final int MIGRATION_READ_EXCLUSIVE = 30;
    static final int MIGRATION_WRITE = 31;

    /**
     * The migration entry try_to_migrate_one writes for page {@code pfn} unmapped from {@code pteval}: a swap-format
     * entry naming the pfn, writable, readable-exclusive or readable, soft-dirty carried over. The access and dirty
     * bits, which the kernel keeps in the entry where the architecture allows, are restored by {@link #splitFolio}
     * from the entry the page had; the migration entry lives only inside that call.
     */
    static long migrationEntry(Arch arch, long pfn, boolean exclusive, long pteval) {
        int type = arch.pteWrite(pteval) ? MIGRATION_WRITE : exclusive ? MIGRATION_READ_EXCLUSIVE : MIGRATION_READ;
        long swp = arch.swpEntryPte(type, pfn);
        if (arch.pteSoftDirty(pteval)) swp = arch.swpMksoftDirty(swp);
        return swp;
    }

    /** shrink_folio_list for the isolated folios (ignore_references, may_swap, may_unmap, may_writepage). */
    private static void shrinkFolioList(MmEnv env, FolioList list) {
        PhysMem phys = env.phys;
        SwapCache sc = env.swap;
        TryToUnmap.FlushBatch batch = new TryToUnmap.FlushBatch();
        while (!list.isEmpty()) {
            TryToUnmap.Mapping only = list.peekOnly();
            long head = list.poll();
            int nr = phys.folioNrPages(head);
            boolean lazy = !phys.folioTest(head, PhysMem.PG_SWAPBACKED);
            if (!lazy && !phys.folioTest(head, PhysMem.PG_SWAPCACHE)) {
                if (!allocSwap(env, head)) {
                    if (nr == 1) continue; // activate: stays mapped
                    // Fallback to swapping the pages one by one: the tail pages go back on the list.
                    env.counters.inc(Event.SWPOUT_FALLBACK);
                    splitFolio(env, head);
                    only = null;
                    for (int k = nr - 1; k >= 1; k--) if (phys.isAllocatedHead(head + k)) list.addFirst(head + k);
                    nr = 1;
                    if (!phys.isAllocatedHead(head)) continue; // zero-filled: now the zero page is mapped there
                    if (!allocSwap(env, head)) continue;
                }
                phys.folioSet(head, PhysMem.PG_DIRTY);
            }
            if (!TryToUnmap.tryToUnmap(env, head, batch, only)) {
                // activate_locked: a swap-cache folio gives its slots back only when swap is full.
                if (phys.folioTest(head, PhysMem.PG_SWAPCACHE) && sc.device().full()) sc.freeSwapIfUnused(head);
                continue;
            }
            if (lazy) {
                // The discard dropped the last reference: the folio is already free.
                env.counters.add(Event.PGRECLAIM, nr);
                continue;
            }
            // no I/O while a stale TLB entry may still write to the folio
            if (phys.folioTest(head, PhysMem.PG_DIRTY)) batch.flushDirty(env);
            reclaimUnmapped(env, head);
        }
        batch.flush(env); // try_to_unmap_flush before the folios are freed
    }

    /**
     * The end of shrink_folio_list for a swap-cache folio nothing maps any more: a dirty one is written out (pageout:
     * written data goes to the device asynchronously and the folio is kept in the swap cache until a later reclaim
     * pass; a zero-filled folio needs no I/O and, like a folio written to a synchronous device such as zram, goes on);
     * then it leaves the swap cache and is freed.
     */
    private static void reclaimUnmapped(MmEnv env, long head) {
        PhysMem phys = env.phys;
        SwapCache sc = env.swap;
        if (phys.folioTest(head, PhysMem.PG_DIRTY)) {
            phys.folioClear(head, PhysMem.PG_DIRTY);
            if (!sc.writeOut(head)) return;
        }
        int nr = phys.folioNrPages(head);
        if (sc.delete(head) == 0) phys.freeFolio(head);
        env.counters.add(Event.PGRECLAIM, nr);
    }

    /**
     * The isolated folios, by head pfn, in reclaim order: taken from the front; split tails go back in front. A
     * folio may come with its only mapping, when the walk that isolated it saw every one of its mappings.
     */
    private static final class FolioList {
        private long[] heads = new long[64];
        private TryToUnmap.Mapping[] only = new TryToUnmap.Mapping[64];
        private int first;
        private int end;

        boolean isEmpty() { return first == end; }

        void add(long head, TryToUnmap.Mapping onlyMapping) {
            if (end == heads.length) {
                heads = Arrays.copyOf(heads, 2 * heads.length);
                only = Arrays.copyOf(only, heads.length);
            }
            only[end] = onlyMapping;
            heads[end++] = head;
        }

        /** The only mapping of the folio {@link #poll} returns next, or null if the rmap walk must find them. */
        TryToUnmap.Mapping peekOnly() { return only[first]; }

        long poll() {
            only[first] = null;
            return heads[first++];
        }

        void addFirst(long head) {
            if (first == 0) {
                int room = heads.length + 1;
                long[] bigger = new long[heads.length + room];
                TryToUnmap.Mapping[] biggerOnly = new TryToUnmap.Mapping[bigger.length];
                System.arraycopy(heads, 0, bigger, room, end);
                System.arraycopy(only, 0, biggerOnly, room, end);
                heads = bigger;
                only = biggerOnly;
                first += room;
                end += room;
            }
            only[--first] = null;
            heads[first] = head;
        }
    }

    /**
     * Direct reclaim, as far as the model has it: when an allocation finds no free memory, the clean swap-cache
     * folios that nothing maps (pages written out by MADV_PAGEOUT; their data is on the device) are dropped from the
     * swap cache and freed, as shrink_folio_list frees them on its next pass. Returns true if anything was freed.
     */
    static boolean reclaimSwapCache(MmEnv env) {
        PhysMem phys = env.phys;
        List<Long> heads = new ArrayList<>(env.swap.folios().keySet());
        boolean freed = false;
        for (long head : heads) {
            if (phys.largeMapcount(head) != 0 || phys.entireMapcount(head) != 0 || phys.folioTest(head, PhysMem.PG_DIRTY)) continue;
            int nr = phys.folioNrPages(head);
            if (env.swap.delete(head) == 0) {
                phys.freeFolio(head);
                env.counters.add(Event.PGRECLAIM, nr);
                freed = true;
            }
        }
        return freed;
    }

    /** folio_alloc_swap with the swap_alloc_fail injection point. */
    private static boolean allocSwap(MmEnv env, long head) {
        if (env.inject.fails(FaultInjection.Kind.SWAP_ALLOC_FAIL)) return false;
        return env.swap.allocSwap(head);
    }
}
