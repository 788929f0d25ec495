package org.mmsim.mm;

import java.util.function.BiConsumer;

import org.mmsim.arch.Arch;
import org.mmsim.arch.Event;
import org.mmsim.pgtable.PageTables;
import org.mmsim.pgtable.PteOps;
import org.mmsim.pgtable.TlbGather;
import org.mmsim.phys.PhysMem;

/**
 * The shared object behind a MAP_SHARED|MAP_ANONYMOUS mapping (mm/shmem.c, shmem_zero_setup): a page cache
 * from page index to folio and a size (i_size, the length of the original mmap, which the within_size policy
 * reads). Its folios belong to the
 * object, not to a process: the page cache holds one reference per page, mappings add theirs, munmap of one
 * mapping leaves them, fork shares them, mremap moves the mapping over them. The object and its pages go when the
 * last VMA mapping it goes ({@link #releaseIfUnmapped}). The fault path here is shmem_fault / shmem_get_folio with
 * the anonymous-shmem mTHP policy ({@code shmem_enabled} and per-size {@code shmem_enabled}) and finish_fault,
 * which maps a whole large folio when it fits.
 */
public final class Shmem {
    private static long nextId = 1;
    private final long id;
    private final long sizePages;
    /** Page index of a folio's first page -&gt; its head pfn. */
    private final PageCacheIndex cache = new PageCacheIndex();

    Shmem(long sizePages) {
        synchronized (Shmem.class) {
            this.id = nextId++;
        }
        this.sizePages = sizePages;
    }

    /** i_size in pages. */
    public long sizePages() { return sizePages; }

    /** Folios in the page cache. */
    public int folios() { return cache.size(); }

    /** Visits each page-cache folio as (first index, head pfn). */
    public void forEachFolio(BiConsumer<Long, Long> v) { cache.forEach(v); }

    /** The pfn of the page at {@code index}, or -1 if the page cache has none. */
    public long lookup(PhysMem phys, long index) {
        long first = cache.floorKey(index);
        if (first < 0) return -1;
        long head = cache.get(first);
        long off = index - first;
        return off < phys.folioNrPages(head) ? head + off : -1;
    }

    /** xa_find over [from, to): true if any page of that range is cached. */
    private boolean anyCached(PhysMem phys, long from, long to) {
        long first = cache.floorKey(to - 1);
        return first >= 0 && first + phys.folioNrPages(cache.get(first)) > from;
    }

    @Override public String toString() { return "shmem#" + id; }

    // ---- object lifetime ----------------------------------------------------------------------------

    /**
     * The last-close of the object: when no VMA of any address space maps it any more, truncate the page cache
     * (drop its references, freeing folios nobody else holds).
     */
    static void releaseIfUnmapped(MmEnv env, Shmem s) {
        if (s == null || s.cache.isEmpty()) return;
        boolean[] mapped = {false};
        Rmap.forEachVma(env, s, (mm, v) -> !(mapped[0] = true));
        if (mapped[0]) return;
        s.cache.forEach((first, head) -> Rmap.put(env.phys, head, env.phys.folioNrPages(head)));
        s.cache.clear();
    }

    /**
     * MADV_REMOVE (shmem_fallocate with FALLOC_FL_PUNCH_HOLE) over page indexes [from, to): unmap_mapping_range
     * zaps the range in every VMA of every process that maps the object, then the page cache drops the folios that
     * lie wholly inside. A large folio only partly inside (shmem_undo_range, truncate_inode_partial_folio) has the
     * covered pages zeroed and is split, which unmaps all of it: split at the hole's first page (folio_split, down to
     * order 0 there), then, if the hole ends inside it, the new folio holding the hole's end is split at the first page
     * after the hole; the new folios inside the hole are dropped with the others.
     */
    static void punchHole(MmEnv env, Shmem s, long from, long to) {
        s.unmapRange(env, from, to);
        PhysMem phys = env.phys;
        long[] cached = s.foliosOverlapping(from, to);
        for (int q = 0; q < cached.length; q += 2) {
            long first = cached[q];
            long head = cached[q + 1];
            int nr = phys.folioNrPages(head);
            if (first + nr <= from || first >= from && first + nr <= to) continue;
            for (long i = Math.max(first, from); i < Math.min(first + nr, to); i++) phys.fillPage(head + (i - first), 0);
            env.counters.add(Event.PAGES_ZEROED, (int) (Math.min(first + nr, to) - Math.max(first, from)));
            unmapFolio(env, head);
            s.splitCached(phys, head, first, Math.max(first, from));
            if (to < first + nr) {
                long at = head + (to - first);
                long piece = phys.folioHead(at);
                if (phys.folioOrder(piece) > 0) s.splitCached(phys, piece, first + (piece - head), to);
            }
        }
        // every folio that lies wholly inside the hole now, the pieces of the split ones too
        cached = s.foliosOverlapping(from, to);
        for (int q = 0; q < cached.length; q += 2) {
            long first = cached[q];
            long head = cached[q + 1];
            int nr = phys.folioNrPages(head);
            if (first >= from && first + nr <= to) {
                s.cache.remove(first);
                Rmap.put(phys, head, nr);
            }
        }
    }

    /**
     * The page-cache folios that may hold pages of [from, to): those starting in it and the one starting below it, as
     * {@link PageCacheIndex#entries} gives them (first index, head pfn, ...).
     */
    private long[] foliosOverlapping(long from, long to) { return cache.entries(Math.max(0, cache.floorKey(from)), to); }

    /**
     * folio_split of the unmapped page-cache folio {@code head} at page index {@code first}: page index {@code at}
     * becomes an order-0 folio, the rest the largest folios around it ({@link PhysMem#splitFolioAt}); the cache
     * gets an entry for each.
     */
    private void splitCached(PhysMem phys, long head, long first, long at) {
        for (long h : phys.splitFolioAt(head, head + (at - first), 1)) cache.put(first + (h - head), h);
    }

    /** unmap_mapping_range over page indexes [from, to): zaps them in every VMA of every process that maps them. */
    private void unmapRange(MmEnv env, long from, long to) {
        // one mmu_gather per address space, finished before the next one's VMAs (the walk gives them in a row)
        TlbGather tlb = new TlbGather(env.arch, env.counters);
        Mm[] at = {null};
        Rmap.forEachVma(env, this, (mm, v) -> {
            long lo = Math.max(from, v.pgoff);
            long hi = Math.min(to, v.pgoff + v.pages());
            if (lo >= hi) return true;
            if (mm != at[0]) {
                tlb.finish();
                at[0] = mm;
            }
            Zap.zapRange(mm, v, v.start + ((lo - v.pgoff) << Arch.PAGE_SHIFT), v.start + ((hi - v.pgoff) << Arch.PAGE_SHIFT), tlb);
            return true;
        });
        tlb.finish();
    }

    /** Unmaps the page-cache folio {@code head} of a shmem object wherever it is mapped (try_to_unmap of a file folio). */
    static void unmapFolio(MmEnv env, long head) {
        PhysMem.Mapping fm = env.phys.folioMapping(head);
        ((Shmem) fm.owner()).unmapRange(env, fm.index(), fm.index() + env.phys.folioNrPages(head));
    }

    /**
     * split_folio of a large page-cache folio of a shmem object (MADV_COLD or MADV_PAGEOUT of part of it): unmap_folio
     * takes away every mapping of it (a file folio is not mapped again after a split), then each of its pages becomes
     * an order-0 folio of the page cache.
     */
    static void splitFolio(MmEnv env, long head) {
        PhysMem phys = env.phys;
        PhysMem.Mapping fm = phys.folioMapping(head);
        Shmem s = (Shmem) fm.owner();
        long first = fm.index();
        int n = phys.folioNrPages(head);
        unmapFolio(env, head);
        phys.splitFolio(head, 1);
        for (int k = 0; k < n; k++) s.cache.put(first + k, head + k);
    }

    // ---- fault ------------------------------------------------------------------------------------------

    /**
     * The fault path of a shmem VMA: write to a read-only entry (wp_page_shared: make it writable, never copy),
     * access-bit faults, and a not-present page (shmem_fault: find or allocate the folio; finish_fault: map it,
     * the whole folio when it fits, by one PMD when it is PMD-sized and aligned), a read fault first mapping the
     * cached pages around it ({@link #faultAround}). A page beyond the object's size, which a mapping grown by
     * mremap covers, is SIGBUS (shmem_get_folio's i_size check; the live 6.18 kernel, docs/kernel-oracle.md).
     */
    static int fault(Mm mm, Vma v, long addr, boolean write) {
        MmEnv env = mm.env;
        Arch arch = env.arch;
        Shmem s = v.shmem;
        long page = addr & ~(Arch.PAGE_SIZE - 1);
        long[] m = mm.pt.pmdTable(addr, true);
        int mi = PageTables.pmdIndex(addr);
        if (arch.entryIsLeaf(m[mi])) {
            long pte = arch.hugePmdToPte(m[mi]);
            long e = arch.pteMkyoung(pte);
            if (write) e = arch.pteMkwrite(arch.pteMkdirty(e));
            m[mi] = arch.pteToHugePmd(e);
            env.counters.inc(Event.PTE_WRITE);
            env.counters.inc(write && !arch.pteWrite(pte) ? Event.FAULT_WP_REUSE : Event.FAULT_SPURIOUS);
            return Fault.OK;
        }
        if (m[mi] != 0) {
            long[] t = mm.pt.pteTable(addr, false);
            int i = PageTables.pteIndex(addr);
            env.counters.inc(Event.PTL_LOCK);
            long pte = env.pte.ptepGet(t, i);
            if (pte != 0) {
                if (!arch.ptePresent(pte)) {
                    throw new IllegalStateException("swap entry at 0x" + Long.toHexString(addr) + " but swap is not modelled");
                }
                if (arch.pteProtnone(pte)) return NumaHint.doNumaPage(mm, v, t, i, addr, pte);
                long e = arch.pteMkyoung(pte);
                if (write) e = arch.pteMkwrite(arch.pteMkdirty(e));
                env.counters.inc(write && !arch.pteWrite(pte) ? Event.FAULT_WP_REUSE : Event.FAULT_SPURIOUS);
                if (e != pte) env.pte.ptepSetAccessFlags(t, i, page, e);
                return Fault.OK;
            }
        }
        long index = v.pgoffOf(page);
        if (!write && s.faultAround(mm, v, m, mi, page, index)) {
            env.counters.inc(Event.FAULT_SHMEM);
            return Fault.OK;
        }
        if (index >= s.sizePages) return Fault.SIGBUS;
        long pfn = s.lookup(env.phys, index);
        if (pfn < 0) {
            long head = s.allocAndAdd(env, v, addr, index);
            if (head < 0) return Fault.OOM;
            pfn = s.lookup(env.phys, index);
        }
        env.counters.inc(Event.FAULT_SHMEM);
        return finishFault(mm, v, m, mi, page, pfn, write);
    }

    /** fault_around_bytes at its default (64 KiB), in pages: how many pages a read fault tries to map around it. */
    static final int FAULT_AROUND_PAGES = 16;

    /**
     * do_read_fault's fault-around (do_fault_around, then shmem's map_pages, filemap_map_pages) for a read fault at
     * {@code page} (page index {@code index}) whose entry is none: the pages of the page cache in a window of
     * {@link #FAULT_AROUND_PAGES} pages are mapped where their entries are none. The window starts at the aligned
     * block of that many pages around the fault, or at the VMA's start if that is higher, and is cut at the VMA's
     * end, the PTE table's end and i_size. The first folio found is mapped by one PMD if it is PMD-sized and the PMD is
     * empty (do_set_pmd); a large folio that lies wholly inside the VMA and one PTE table is mapped whole, also
     * beyond the window, else only its pages inside the window; each run of none entries of one folio is one
     * set_ptes, whose entries are old on an architecture that wants prefaulted entries old, unless the run holds the
     * faulting page. Returns true if the faulting page was mapped (the fault is then done); otherwise the caller
     * goes on with shmem_fault, as the kernel does.
     */
    private boolean faultAround(Mm mm, Vma v, long[] m, int mi, long page, long index) {
        MmEnv env = mm.env;
        int pteOff = PageTables.pteIndex(page);
        long vmaOff = index - v.pgoff;
        long from = Math.max(pteOff & ~(FAULT_AROUND_PAGES - 1), pteOff - Math.min(pteOff, vmaOff));
        long to = Math.min(Math.min(from + FAULT_AROUND_PAGES, Arch.PTRS_PER_TABLE), pteOff + v.pages() - vmaOff) - 1;
        long startPg = index + from - pteOff;
        long endPg = Math.min(index + to - pteOff, sizePages - 1);
        if (endPg < startPg) return false;
        PhysMem phys = env.phys;
        long k = cache.floorKey(startPg);
        if (k < 0 || k + phys.folioNrPages(cache.get(k)) <= startPg) k = cache.higherKey(startPg);
        if (k < 0 || k > endPg) return false;
        if (m[mi] == 0 && phys.folioNrPages(cache.get(k)) == Arch.PTRS_PER_TABLE
                && mapPmd(mm, v, m, mi, v.start + ((k - v.pgoff) << Arch.PAGE_SHIFT), cache.get(k), false)) {
            return true;
        }
        long[] t = mm.pt.pteTable(page, true);
        env.counters.inc(Event.PTL_LOCK);
        boolean mapped = false;
        for (; k >= 0 && k <= endPg; k = cache.higherKey(k)) {
            long first = k;
            long head = cache.get(k);
            int nr = phys.folioNrPages(head);
            long lo = Math.max(first, startPg);
            long hi = Math.min(first + nr - 1, endPg);
            if (nr > 1) {
                // 6.18 maps a large folio whole where it lies inside the VMA and one PTE table
                long addr0 = v.start + ((first - v.pgoff) << Arch.PAGE_SHIFT);
                if (first >= v.pgoff && first + nr <= v.pgoff + v.pages()
                        && (addr0 >>> Arch.PMD_SHIFT) == ((addr0 + ((long) nr << Arch.PAGE_SHIFT) - 1) >>> Arch.PMD_SHIFT)) {
                    lo = first;
                    hi = first + nr - 1;
                }
            }
            mapped |= mapCachedRun(mm, v, t, page, head, first, lo, hi);
        }
        return mapped;
    }

    /**
     * filemap_map_folio_range over page indexes [lo, hi] of the folio at {@code first} (head {@code head}): each run of
     * none entries is one set_pte_range; entries that are not none are left alone. Returns true if the page at
     * {@code faultPage} was mapped.
     */
    private boolean mapCachedRun(Mm mm, Vma v, long[] t, long faultPage, long head, long first, long lo, long hi) {
        MmEnv env = mm.env;
        Arch arch = env.arch;
        PteOps ops = env.pte;
        boolean mapped = false;
        long pg = lo;
        while (pg <= hi) {
            long addr = v.start + ((pg - v.pgoff) << Arch.PAGE_SHIFT);
            int i = PageTables.pteIndex(addr);
            if (ops.ptepGetRaw(t, i) != 0) {
                pg++;
                continue;
            }
            int n = 1;
            while (pg + n <= hi && ops.ptepGetRaw(t, i + n) == 0) n++;
            long pfn = head + (pg - first);
            boolean holdsFault = faultPage >= addr && faultPage < addr + ((long) n << Arch.PAGE_SHIFT);
            long entry = arch.mkPte(pfn, v.prot(), true, v.pkey());
            entry = holdsFault || !arch.wantsOldPrefaultedPte() ? arch.pteMkyoung(entry) : arch.pteMkold(entry);
            Rmap.addAnonPtes(env.phys, pfn, n);
            ops.setPtes(t, i, addr, entry, n);
            mm.shmemRss += n;
            mapped |= holdsFault;
            pg += n;
        }
        return mapped;
    }

    /** shmem_alloc_and_add_folio: the highest allowed, suitable order whose index range is empty; zeroed, cached. */
    private long allocAndAdd(MmEnv env, Vma v, long addr, long index) {
        PhysMem phys = env.phys;
        long head = -1;
        int order = 0;
        for (int o = Arch.PMD_ORDER; o >= 1 && head < 0; o--) {
            if (!orderAllowed(env.tunables, v, index, o) || !suitable(v, addr, o)) continue;
            int nr = 1 << o;
            long first = index & ~(long) (nr - 1);
            if (anyCached(phys, first, first + nr)) continue;
            head = phys.allocFolio(o);
            if (head < 0) env.counters.inc(Event.MTHP_FALLBACK);
            else order = o;
        }
        if (head < 0) {
            head = phys.allocFolio(0);
            if (head < 0) return -1;
        }
        int nr = 1 << order;
        long first = index & ~(long) (nr - 1);
        for (long p = head; p < head + nr; p++) phys.fillPage(p, 0);
        env.counters.add(Event.PAGES_ZEROED, nr);
        phys.folioSet(head, PhysMem.PG_SWAPBACKED);
        // filemap_add_folio: the page cache holds one reference per page (the allocation reference is the first).
        phys.refAdd(head, nr - 1);
        phys.setFolioMapping(head, this, first);
        cache.put(first, head);
        return head;
    }

    /**
     * shmem_allowable_huge_orders for anonymous shmem: nothing with VM_NOHUGEPAGE or {@code deny}; {@code force}
     * gives the inherit orders; otherwise always-orders, within_size-orders that fit below i_size, madvise-orders
     * with VM_HUGEPAGE, and inherit-orders when the top level would allow a PMD THP here.
     */
    static boolean orderAllowed(Tunables t, Vma v, long index, int order) {
        if (v.has(VmFlags.VM_NOHUGEPAGE)) return false;
        Tunables.ShmemThp top = t.shmemThp;
        if (top == Tunables.ShmemThp.DENY) return false;
        Tunables.ShmemMthp mode = t.shmemMthp(order);
        if (top == Tunables.ShmemThp.FORCE) return mode == Tunables.ShmemMthp.INHERIT;
        long size = v.shmem.sizePages;
        return switch (mode) {
            case ALWAYS -> true;
            case WITHIN_SIZE -> withinSize(t, v, index, size);
            case ADVISE -> v.has(VmFlags.VM_HUGEPAGE);
            case INHERIT -> globalPmdAllowed(top, v, index, size);
            case NEVER -> false;
        };
    }

    /** The within_size check of shmem_allowable_huge_orders: the highest within_size order that fits decides. */
    private static boolean withinSize(Tunables t, Vma v, long index, long size) {
        for (int o = Arch.PMD_ORDER; o >= 1; o--) {
            if (t.shmemMthp(o) != Tunables.ShmemMthp.WITHIN_SIZE) continue;
            long aligned = ((index + (1L << o)) & ~((1L << o) - 1));
            if (size >= aligned) return true;
        }
        return false;
    }

    /** shmem_huge_global_enabled on the internal mount, whose huge option is the sysfs value. */
    private static boolean globalPmdAllowed(Tunables.ShmemThp top, Vma v, long index, long size) {
        return switch (top) {
            case ALWAYS, FORCE -> true;
            case WITHIN_SIZE -> size >= ((index + 512) & ~511L) || v.has(VmFlags.VM_HUGEPAGE);
            case ADVISE -> v.has(VmFlags.VM_HUGEPAGE);
            case NEVER, DENY -> false;
        };
    }

    /** thp_vma_suitable_order for a file VMA: the aligned range lies in the VMA and file and virtual offsets agree. */
    private static boolean suitable(Vma v, long addr, int order) {
        if (!Thp.suitable(v, addr, order)) return false;
        long nr = 1L << order;
        return (((v.start >>> Arch.PAGE_SHIFT) - v.pgoff) & (nr - 1)) == 0;
    }

    /**
     * do_set_pmd for the PMD-sized folio {@code head} whose first page belongs at {@code folioAddr} in the VMA, the PMD
     * entry {@code m[mi]} being empty: maps it by one PMD if that address is PMD-aligned and the VMA covers the whole
     * PMD range (thp_vma_suitable_order) and has no VM_NOHUGEPAGE. Returns false if it does not apply.
     */
    private static boolean mapPmd(Mm mm, Vma v, long[] m, int mi, long folioAddr, long head, boolean write) {
        MmEnv env = mm.env;
        Arch arch = env.arch;
        if ((folioAddr & (Arch.PMD_SIZE - 1)) != 0 || folioAddr < v.start || folioAddr + Arch.PMD_SIZE > v.end
                || v.has(VmFlags.VM_NOHUGEPAGE)) {
            return false;
        }
        long entry = arch.pteMkyoung(arch.mkPte(head, v.prot(), true, v.pkey()));
        if (write) entry = arch.pteMkwrite(arch.pteMkdirty(entry));
        env.counters.inc(Event.PTL_LOCK);
        m[mi] = arch.pteToHugePmd(entry);
        env.counters.inc(Event.PTE_WRITE);
        env.phys.entireMapcountAdd(head, 1);
        env.phys.refAdd(head, 1);
        mm.shmemRss += 512;
        return true;
    }

    /**
     * finish_fault: a PMD-sized folio whose first page belongs at a PMD-aligned address of the VMA is mapped by
     * one PMD (do_set_pmd) when the PMD is empty; a large folio that lies wholly inside the VMA and the PTE table
     * with all its PTEs empty is mapped whole by one set_ptes; otherwise only the faulting page.
     */
    private static int finishFault(Mm mm, Vma v, long[] m, int mi, long page, long pfn, boolean write) {
        MmEnv env = mm.env;
        Arch arch = env.arch;
        PhysMem phys = env.phys;
        long head = phys.folioHead(pfn);
        int nr = phys.folioNrPages(head);
        int idx = (int) (pfn - head);
        long entry = arch.pteMkyoung(arch.mkPte(head, v.prot(), true, v.pkey()));
        if (write) entry = arch.pteMkwrite(arch.pteMkdirty(entry));
        if (m[mi] == 0 && nr == 512 && mapPmd(mm, v, m, mi, page - ((long) idx << Arch.PAGE_SHIFT), head, write)) {
            return Fault.OK;
        }
        long[] t = mm.pt.pteTable(page, true);
        int i = PageTables.pteIndex(page);
        long start = page;
        long first = pfn;
        int n = 1;
        if (nr > 1) {
            long vmaOff = (page - v.start) >>> Arch.PAGE_SHIFT;
            if (vmaOff >= idx && vmaOff + (nr - idx) <= v.pages() && i >= idx && i + (nr - idx) <= 512) {
                boolean none = true;
                for (int j = i - idx; j < i - idx + nr && none; j++) none = env.pte.ptepGetRaw(t, j) == 0;
                if (none) {
                    start = page - ((long) idx << Arch.PAGE_SHIFT);
                    first = head;
                    n = nr;
                }
            }
        }
        entry = arch.pteWithPfn(entry, first);
        Rmap.addAnonPtes(phys, first, n);
        env.pte.setPtes(t, PageTables.pteIndex(start), start, entry, n);
        mm.shmemRss += n;
        return Fault.OK;
    }
}
