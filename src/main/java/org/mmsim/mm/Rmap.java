package org.mmsim.mm;

import org.mmsim.arch.Arch;
import org.mmsim.pgtable.PageTables;
import org.mmsim.phys.PhysMem;

/**
 * Reverse mapping (mm/rmap.c): mapcounts, the folio references that mappings hold, PageAnonExclusive and the
 * anon flag, and the walk from a folio to every (process, VMA, address) that maps it. Every PTE mapping of a page
 * holds one mapcount of that page and one reference of its folio; a PMD mapping holds the folio's entire
 * mapcount and one reference.
 *
 * <p>The walk follows folio-&gt;mapping: an anonymous folio names the anon_vma it was created under, a shmem
 * folio its {@link Shmem} object, each with the folio's page index. A VMA is on the anon_vma chain of its own
 * anon_vma and of every ancestor of it (anon_vma_fork links a child VMA to all the anon_vmas of the parent's
 * chain), so the VMAs to visit are those whose anon_vma descends from the folio's; for shmem, those mapping the
 * object. Within a VMA the page at index i can only be at vm_start + (i - vm_pgoff) pages
 * (vma_address); the walk checks the page table there (page_vma_mapped_walk).
 */
public final class Rmap {
    private Rmap() {}

    /** One mapping found by {@link #forEachMapping}. */
    @FunctionalInterface
    public interface MappingVisitor {
        /**
         * A mapping of the folio: {@code addr} is the address of the mapped page {@code pfn} in {@code vma} of
         * {@code mm}; {@code pmd} is true for a PMD mapping (then addr is PMD-aligned and pfn the head, reported
         * once). Return false to stop the walk.
         */
        boolean mapping(Mm mm, Vma vma, long addr, long pfn, boolean pmd);

        /**
         * {@code nr} PTE mappings of consecutive pages from {@code pfn} at consecutive addresses from {@code addr}
         * in {@code table}, a PTE table of {@code vma}: one call per page unless the visitor takes runs. Return
         * false to stop.
         */
        default boolean mappingRun(Mm mm, Vma vma, long addr, long pfn, int nr, long[] table) {
            for (int k = 0; k < nr; k++) {
                if (!mapping(mm, vma, addr + ((long) k << Arch.PAGE_SHIFT), pfn + k, false)) return false;
            }
            return true;
        }
    }

    /**
     * rmap_walk over the folio containing {@code pfn}: calls the visitor for every PTE and PMD that maps one of its
     * pages, in every address space of the machine. Counts no events (callers count what their kernel
     * counterpart costs). A folio without a mapping (never mapped, the zero page) has no mappings. The visitor
     * must not change page tables (it collects; callers act after the walk).
     */
    public static void forEachMapping(MmEnv env, long pfn, MappingVisitor visitor) {
        PhysMem phys = env.phys;
        long head = phys.folioHead(pfn);
        if (!phys.isAllocatedHead(head)) return;
        PhysMem.Mapping fm = phys.folioMapping(head);
        if (fm == null) return;
        int nr = phys.folioNrPages(head);
        forEachVma(env, fm.owner(), (mm, v) -> visitVma(env, mm, v, head, fm, nr, visitor));
    }

    /** A VMA on an owner's chain, with its address space; false stops the walk. */
    interface VmaVisitor {
        boolean vma(Mm mm, Vma v);
    }

    /**
     * The VMAs on the chain of {@code owner} (an anon_vma or a shmem object: the anon_vma or i_mmap tree of the
     * kernel), in walk order: address spaces oldest first, VMAs in address order; from the reverse map's index, or a
     * scan of every VMA when the index is out of date ({@link RmapIndex}). The visitor must not change VMAs.
     */
    static void forEachVma(MmEnv env, Object owner, VmaVisitor visitor) {
        RmapIndex.Chain chain = env.rmapIndex.chain(env, owner);
        if (chain != null) {
            for (int k = 0; k < chain.n; k++) if (!visitor.vma(chain.mms[k], chain.vmas[k])) return;
            return;
        }
        for (Mm mm : env.mms) {
            for (Vma v : mm.vmas()) if (onChain(v, owner) && !visitor.vma(mm, v)) return;
        }
    }

    /**
     * The part of {@link #forEachMapping} in one VMA on the folio's chain: the mappings of its pages there. False if
     * the visitor stopped the walk.
     */
    private static boolean visitVma(MmEnv env, Mm mm, Vma v, long head, PhysMem.Mapping fm, int nr, MappingVisitor visitor) {
        Arch arch = env.arch;
        long from = Math.max(fm.index(), v.pgoff);
        long to = Math.min(fm.index() + nr, v.pgoff + v.pages());
        long[] m = null;
        long mFor = -1; // the PUD-sized region m covers: walked once per region, not per page
        long[] pt = null;
        long ptFor = 0; // the PMD entry pt was read from
        for (long idx = from; idx < to; idx++) {
            long addr = v.start + ((idx - v.pgoff) << Arch.PAGE_SHIFT);
            long want = head + (idx - fm.index());
            if (addr >>> Arch.PUD_SHIFT != mFor) {
                m = mm.pt.pmdTable(addr, false);
                mFor = addr >>> Arch.PUD_SHIFT;
            }
            if (m == null) continue;
            long pmd = m[PageTables.pmdIndex(addr)];
            if (pmd == 0) continue;
            if (arch.entryIsLeaf(pmd)) {
                long pte = arch.hugePmdToPte(pmd);
                if ((addr & (Arch.PMD_SIZE - 1)) == 0 && arch.ptePresent(pte) && arch.ptePfn(pte) == want) {
                    if (!visitor.mapping(mm, v, addr, want, true)) return false;
                }
                continue;
            }
            if (pmd != ptFor) {
                pt = env.tables.get(arch.entryTableId(pmd));
                ptFor = pmd;
            }
            int pi = PageTables.pteIndex(addr);
            if (mapsPage(arch, pt[pi], want)) {
                // The run of following pages mapped in order in this table (the folio's PTE batch).
                int max = (int) Math.min(to - idx, Arch.PTRS_PER_TABLE - pi);
                int run = 1;
                while (run < max && mapsPage(arch, pt[pi + run], want + run)) run++;
                if (!visitor.mappingRun(mm, v, addr, want, run, pt)) return false;
                idx += run - 1;
            }
        }
        return true;
    }

    /**
     * True if the reverse map's index of the VMAs on each owner's chain is current but differs from the VMAs: a
     * change to the VMAs that did not tell the index ({@link MmEnv#vmasChanged}). The full invariant check asks.
     */
    public static boolean staleIndex(MmEnv env) { return env.rmapIndex.stale(env); }

    private static boolean mapsPage(Arch arch, long pte, long pfn) {
        return arch.ptePresent(pte) && !arch.pteSpecial(pte) && arch.ptePfn(pte) == pfn;
    }

    /** True if VMA v is on the rmap chain of this owner (an anon_vma or a shmem object). */
    public static boolean onChain(Vma v, Object owner) {
        if (owner instanceof Shmem s) return v.shmem == s;
        for (AnonVma a = v.anonVma; a != null; a = a.parent()) if (a == owner) return true;
        return false;
    }

    /**
     * folio_maybe_mapped_shared negated, exactly: every mapping of the folio belongs to {@code mm} (true for a
     * folio nothing maps).
     */
    public static boolean mappedOnlyBy(MmEnv env, long pfn, Mm mm) {
        boolean[] other = {false};
        forEachMapping(env, pfn, (m, v, a, p, pmd) -> {
            if (m != mm) other[0] = true;
            return !other[0];
        });
        return !other[0];
    }

    /**
     * folio_try_dup_anon_rmap_ptes (fork, no pins modelled, so it always succeeds): the pages stop being
     * exclusive and gain one mapping and one reference each.
     */
    static void dupAnonPtes(PhysMem phys, long firstPfn, int nr) {
        for (long p = firstPfn; p < firstPfn + nr; p++) phys.setPageAnonExclusive(p, false);
        addAnonPtes(phys, firstPfn, nr);
    }

    /** folio_try_dup_anon_rmap_pmd: every page stops being exclusive; one more PMD mapping and reference. */
    static void dupAnonPmd(PhysMem phys, long head) {
        int n = phys.folioNrPages(head);
        for (long p = head; p < head + n; p++) phys.setPageAnonExclusive(p, false);
        phys.entireMapcountAdd(head, 1);
        phys.refAdd(head, 1);
    }

    /**
     * folio_add_new_anon_rmap(RMAP_EXCLUSIVE) for a new folio mapped by {@code nr} PTEs: every page exclusive,
     * mapcount 1, one reference per mapped page (the allocation reference becomes the first one).
     */
    static void addNewAnonPtes(PhysMem phys, long head, int nr) {
        phys.folioSet(head, (short) (PhysMem.PG_ANON | PhysMem.PG_SWAPBACKED));
        for (long p = head; p < head + nr; p++) phys.setPageAnonExclusive(p, true);
        phys.mapcountAdd(head, nr, 1);
        phys.refAdd(head, nr - 1);
    }

    /** folio_add_new_anon_rmap for a new PMD-mapped THP: entire mapcount 1, every page exclusive, one reference. */
    static void addNewAnonPmd(PhysMem phys, long head) {
        phys.folioSet(head, (short) (PhysMem.PG_ANON | PhysMem.PG_SWAPBACKED));
        int n = phys.folioNrPages(head);
        for (long p = head; p < head + n; p++) phys.setPageAnonExclusive(p, true);
        phys.entireMapcountAdd(head, 1);
    }

    /** folio_add_anon_rmap_ptes for existing pages (fork, PMD split): mapcount and references. */
    static void addAnonPtes(PhysMem phys, long firstPfn, int nr) {
        phys.mapcountAdd(firstPfn, nr, 1);
        phys.refAdd(phys.folioHead(firstPfn), nr);
    }

    /**
     * folio_remove_rmap_ptes + folio_put_refs: drops nr PTE mappings of consecutive pages of one folio and their
     * references; frees the folio when the last reference goes. Returns true if the folio was freed.
     */
    static boolean removePtes(PhysMem phys, long firstPfn, int nr) {
        return removeSharedPtes(phys, phys.folioHead(firstPfn), firstPfn, nr, false);
    }

    /**
     * folio_try_share_anon_rmap_ptes (already decided to succeed; only when {@code share}) and then removePtes for
     * nr PTE mappings of consecutive pages from {@code firstPfn} of the folio {@code head}, in one pass over the pages:
     * the swap-out of a batch of equal exclusivity. Returns true if the folio was freed.
     */
    static boolean removeSharedPtes(PhysMem phys, long head, long firstPfn, int nr, boolean share) {
        // When these are the only mappings and references of the whole folio, every page has mapcount 1 and the
        // folio is freed below, which resets every page (mapcounts, PageAnonExclusive): the per-page drop would
        // only write what the free overwrites.
        boolean lastOfWholeFolio = firstPfn == head && nr == phys.folioNrPages(head) && phys.refcount(head) == nr
                && phys.largeMapcount(head) == nr;
        if (!lastOfWholeFolio) dropPtes(phys, head, firstPfn, nr, share);
        return put(phys, head, nr);
    }

    /**
     * The mapcount part of {@link #removeSharedPtes}. When these are the only mappings of a whole large folio, every
     * page has mapcount 1: all drop to 0 and lose exclusivity whatever share says, without reading the counts
     * (a method of its own, so that the zap's frees, which skip it, stay small).
     */
    private static void dropPtes(PhysMem phys, long head, long firstPfn, int nr, boolean share) {
        if (nr > 1 && firstPfn == head && nr == phys.folioNrPages(head) && phys.largeMapcount(head) == nr) {
            phys.unmapFolioPtes(head);
        } else {
            phys.unmapPtes(firstPfn, nr, share);
        }
    }

    /** Drops a PMD mapping and its reference. */
    static boolean removePmd(PhysMem phys, long head) {
        phys.entireMapcountAdd(head, -1);
        if (phys.entireMapcount(head) == 0 && phys.largeMapcount(head) == 0) {
            int n = phys.folioNrPages(head);
            for (long p = head; p < head + n; p++) phys.setPageAnonExclusive(p, false);
        }
        return put(phys, head, 1);
    }

    /** folio_put_refs: frees the folio at zero. */
    static boolean put(PhysMem phys, long head, int nr) {
        int left = phys.refAdd(head, -nr);
        if (left < 0) throw new IllegalStateException("folio refcount underflow at pfn " + head);
        if (left == 0) {
            phys.freeFolio(head);
            return true;
        }
        return false;
    }
}
