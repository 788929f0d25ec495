package org.mmsim.check;

import java.util.HashMap;
import java.util.Map;

import org.mmsim.arch.Arch;
import org.mmsim.kernel.Kernel;
import org.mmsim.mm.Mm;
import org.mmsim.mm.Rmap;
import org.mmsim.mm.Shmem;
import org.mmsim.mm.Vma;
import org.mmsim.mm.VmFlags;
import org.mmsim.phys.PhysMem;
import org.mmsim.swap.SwapCache;
import org.mmsim.swap.SwapDevice;

/**
 * The invariant checker (KERNEL_FACTS §9.3): walks every address space and page table of a machine and verifies
 * that VMAs are sorted and disjoint (not that they are merged: Linux itself leaves mergeable neighbours apart, after
 * a failed split at the map-count limit or when fork clears VM_LOCKED; differential tests against the live kernel
 * check merging); every present PTE or PMD lies in a VMA,
 * respects its protection and points into a live folio (or the zero page); a writable anonymous mapping is
 * PageAnonExclusive; mapcounts, refcounts and RSS equal what the tables say; arm64 contpte blocks are well
 * formed; no folio is allocated without a mapping (or a page or swap cache); no page table is left where no VMA
 * needs it; every swap PTE names a slot in use, swap counts equal the swap PTEs naming each slot, MM_SWAPENTS equals
 * the swap PTEs of each mm, and the swap cache and the slots point at each other.
 *
 * <p>The check is machine-wide: mapcounts and references are summed over the page tables of every process, a
 * shmem folio's page-cache references are added to its mappings', PageAnonExclusive is allowed only on a page
 * mapped exactly once, every mapping must be reachable by the reverse map (folio owner on the VMA's chain, page
 * index equal to the VMA's linear index), and the page-table store holds exactly the tables of live processes.
 */
public final class Checker {
    private final Kernel kernel;
    private final Arch arch;
    private final PhysMem phys;
    /** PTE mappings per page. */
    private final Map<Long, Integer> pteMaps = new HashMap<>();
    /** PMD mappings per folio head. */
    private final Map<Long, Integer> pmdMaps = new HashMap<>();
    /** Swap PTEs per slot. */
    private final Map<Long, Integer> swapRefs = new HashMap<>();
    private final SwapCache swap;
    /** Page-cache references per folio head (one per page of each cached folio). */
    private final Map<Long, Integer> cacheRefs = new HashMap<>();
    private long tables;

    private Checker(Kernel kernel) {
        this.kernel = kernel;
        this.arch = kernel.arch();
        this.phys = kernel.env().phys;
        this.swap = kernel.env().swap;
    }

    /** Checks every invariant; throws {@link InvariantViolation} naming the first one broken. */
    public static void check(Kernel kernel) {
        long[] saved = kernel.env().counters.snapshot();
        try {
            new Checker(kernel).run();
        } finally {
            kernel.env().counters.restore(saved);
        }
    }

    private void run() {
        java.util.Set<Shmem> objects = new java.util.HashSet<>();
        for (Mm mm : kernel.mms()) {
            checkVmas(mm);
            checkTables(mm);
            for (Vma v : mm.vmas()) if (v.shmem() != null) objects.add(v.shmem());
        }
        for (Shmem s : objects) {
            s.forEachFolio((index, head) -> {
                if (!phys.isAllocatedHead(head)) fail("%s caches freed pfn %d at index %d", s, head, index);
                PhysMem.Mapping fm = phys.folioMapping(head);
                if (fm == null || fm.owner() != s || fm.index() != index) fail("%s folio pfn %d at index %d has mapping %s", s, head, index, fm);
                if (cacheRefs.put(head, phys.folioNrPages(head)) != null) fail("pfn %d cached twice", head);
            });
        }
        long live = kernel.env().tables.liveCount();
        if (live != tables) fail("%d page tables are allocated but live processes hold %d (leak)", live, tables);
        checkFolios();
        checkSwap();
    }

    /** The reverse map must find this mapping: the folio's owner is on the VMA's chain at the VMA's index. */
    private void checkRmap(Vma v, long addr, long pfn) {
        long head = phys.folioHead(pfn);
        PhysMem.Mapping fm = phys.folioMapping(head);
        if (fm == null) fail("pfn %d mapped at 0x%x has no rmap owner", pfn, addr);
        if (!Rmap.onChain(v, fm.owner())) fail("pfn %d at 0x%x: owner %s is not on the chain of %s", pfn, addr, fm.owner(), v);
        if (fm.index() + (pfn - head) != v.pgoffOf(addr)) {
            fail("pfn %d at 0x%x: folio index %d + %d but the VMA's index there is %d", pfn, addr, fm.index(), pfn - head, v.pgoffOf(addr));
        }
    }

    private static void fail(String fmt, Object... args) {
        throw new InvariantViolation(String.format(fmt, args));
    }

    private void checkVmas(Mm mm) {
        Vma prev = null;
        for (Vma v : mm.vmas()) {
            if (v.start() >= v.end() || (v.start() & 4095) != 0 || (v.end() & 4095) != 0) fail("bad VMA %s", v);
            if (prev != null) {
                if (prev.end() > v.start()) fail("VMAs overlap: %s and %s", prev, v);
            }
            prev = v;
        }
        if (mm.mapCount() > kernel.env().tunables.maxMapCount + 1) fail("map_count %d above max_map_count", mm.mapCount());
    }

    private void checkTables(Mm mm) {
        long[] rss = {0, 0};
        long[] swapEnts = {0};
        mm.pageTables().forEachTable((level, base, t) -> {
            tables++;
            long span = level == 1 ? Arch.PUD_SIZE * 512 : level == 2 ? Arch.PUD_SIZE : Arch.PMD_SIZE;
            if (level > 0 && !mm.anyIntersecting(base, base + span)) {
                fail("page table (level %d) for 0x%x..0x%x left where no VMA is", level, base, base + span);
            }
            if (level == 2) {
                for (int i = 0; i < 512; i++) {
                    long e = t[i];
                    if (e == 0 || arch.entryIsTable(e)) continue;
                    rss[checkPmdLeafIsShmem(mm, base + ((long) i << Arch.PMD_SHIFT), arch.hugePmdToPte(e))] += leafPages;
                }
            } else if (level == 3) {
                for (int i = 0; i < 512; i++) {
                    if (t[i] == 0) continue;
                    if (arch.pteIsSwap(t[i])) {
                        checkSwapPte(mm, base + ((long) i << Arch.PAGE_SHIFT), t[i]);
                        swapEnts[0]++;
                    } else {
                        int kind = checkPte(mm, base + ((long) i << Arch.PAGE_SHIFT), t[i]);
                        if (kind >= 0) rss[kind]++;
                    }
                }
                if (arch.hasContpte()) checkContBlocks(base, t);
            }
        });
        if (swapEnts[0] != mm.swapEnts()) fail("mm#%d MM_SWAPENTS is %d but the tables hold %d swap entries", mm.id(), mm.swapEnts(), swapEnts[0]);
        if (rss[0] != mm.anonRss()) fail("mm#%d anon RSS is %d but the tables map %d anonymous pages", mm.id(), mm.anonRss(), rss[0]);
        if (rss[1] != mm.shmemRss()) fail("mm#%d shmem RSS is %d but the tables map %d shmem pages", mm.id(), mm.shmemRss(), rss[1]);
    }

    private int leafPages;

    /** Checks a PMD leaf; returns 0 for anonymous, 1 for shmem and sets {@link #leafPages} (0 for the huge zero page). */
    private int checkPmdLeafIsShmem(Mm mm, long addr, long pte) {
        leafPages = checkPmdLeaf(mm, addr, pte);
        if (leafPages == 0) return 0;
        return phys.folioTest(arch.ptePfn(pte), PhysMem.PG_ANON) ? 0 : 1;
    }

    private int checkPmdLeaf(Mm mm, long addr, long pte) {
        Vma v = mm.vmaLookup(addr);
        if (v == null || addr + Arch.PMD_SIZE > v.end()) fail("huge PMD at 0x%x not inside one VMA", addr);
        checkProt(v, addr, pte);
        long head = arch.ptePfn(pte);
        if (head == PhysMem.HUGE_ZERO_PFN) {
            if (arch.pteWrite(pte)) fail("writable huge zero page at 0x%x", addr);
            return 0;
        }
        if (!phys.isAllocatedHead(head) || phys.folioOrder(head) != Arch.PMD_ORDER) fail("huge PMD at 0x%x maps pfn %d, not a PMD-order folio", addr, head);
        if (phys.folioTest(head, PhysMem.PG_ANON) && arch.pteWrite(pte) && !phys.pageAnonExclusive(head)) {
            fail("writable huge PMD at 0x%x maps a non-exclusive anon folio", addr);
        }
        checkOwner(v, addr, head);
        pmdMaps.merge(head, 1, Integer::sum);
        return 512;
    }

    private int checkPte(Mm mm, long addr, long pte) {
        Vma v = mm.vmaLookup(addr);
        if (v == null) fail("PTE %x at 0x%x outside any VMA", pte, addr);
        checkProt(v, addr, pte);
        long pfn = arch.ptePfn(pte);
        if (arch.pteSpecial(pte)) {
            if (pfn != PhysMem.ZERO_PFN) fail("special PTE at 0x%x maps pfn %d, not the zero page", addr, pfn);
            if (arch.pteWrite(pte)) fail("writable zero-page PTE at 0x%x", addr);
            return -1;
        }
        if (!phys.isInUse(pfn) || phys.isReserved(pfn)) fail("PTE at 0x%x maps pfn %d, which is not in a live folio", addr, pfn);
        long head = phys.folioHead(pfn);
        if (phys.folioTest(head, PhysMem.PG_ANON) && arch.pteWrite(pte) && !phys.pageAnonExclusive(pfn)) {
            fail("writable PTE at 0x%x maps anon page pfn %d that is not PageAnonExclusive", addr, pfn);
        }
        checkOwner(v, addr, pfn);
        pteMaps.merge(pfn, 1, Integer::sum);
        return phys.folioTest(head, PhysMem.PG_ANON) ? 0 : 1;
    }

    /** Anonymous folios only in private VMAs, shmem folios only in their object's VMAs; the rmap finds both. */
    private void checkOwner(Vma v, long addr, long pfn) {
        boolean anon = phys.folioTest(phys.folioHead(pfn), PhysMem.PG_ANON);
        if (anon == (v.shmem() != null)) fail("%s page pfn %d mapped at 0x%x in %s", anon ? "anonymous" : "shmem", pfn, addr, v);
        checkRmap(v, addr, pfn);
    }

    /** A swap PTE names a slot in use on the device; the slot's swap count must equal the swap PTEs naming it. */
    private void checkSwapPte(Mm mm, long addr, long pte) {
        if (mm.vmaLookup(addr) == null) fail("swap PTE %x at 0x%x outside any VMA", pte, addr);
        SwapDevice dev = swap.device();
        if (dev == null) fail("swap PTE %x at 0x%x but the machine has no swap device", pte, addr);
        long off = arch.swpOffset(pte);
        if (arch.swpType(pte) != SwapDevice.TYPE || off <= 0 || off >= dev.slots() || !dev.inUse(off)) {
            fail("swap PTE at 0x%x names slot %d, which is not in use", addr, off);
        }
        long cached = swap.lookup(off);
        if (arch.swpExclusive(pte) && cached >= 0 && phys.mapcount(cached) > 0) {
            fail("exclusive swap PTE at 0x%x names slot %d whose cached page pfn %d is still mapped", addr, off, cached);
        }
        swapRefs.merge(off, 1, Integer::sum);
    }

    /**
     * Swap counts equal the swap PTEs naming each slot; every swap-cache folio is live, flagged, owns its slots and
     * is still needed (mapped, or some swap PTE names it); the device's used count matches.
     */
    private void checkSwap() {
        SwapDevice dev = swap.device();
        if (dev == null) {
            if (!swap.folios().isEmpty()) fail("swap-cache folios without a swap device");
            return;
        }
        long used = 0;
        for (long off = 1; off < dev.slots(); off++) {
            int want = swapRefs.getOrDefault(off, 0);
            if (dev.count(off) != want) fail("swap slot %d has swap count %d but %d swap PTEs name it", off, dev.count(off), want);
            if (dev.hasCache(off) && swap.lookup(off) < 0) fail("swap slot %d is marked cached but no folio caches it", off);
            if (!dev.hasCache(off) && swap.lookup(off) >= 0) fail("swap slot %d is cached by pfn %d without the cache mark", off, swap.lookup(off));
            if (dev.inUse(off)) used++;
        }
        if (used != dev.used()) fail("swap device counts %d slots in use, %d are", dev.used(), used);
        for (var e : swap.folios().entrySet()) {
            long head = e.getKey();
            long off = e.getValue();
            if (!phys.isAllocatedHead(head)) fail("swap cache holds pfn %d, which is not a live folio", head);
            if (!phys.folioTest(head, PhysMem.PG_SWAPCACHE)) fail("swap-cache folio pfn %d lacks PG_swapcache", head);
            int nr = phys.folioNrPages(head);
            if ((off & (nr - 1)) != 0) fail("swap-cache folio pfn %d of %d pages sits on unaligned slot %d", head, nr, off);
            boolean named = false;
            for (int j = 0; j < nr; j++) {
                if (swap.lookup(off + j) != head + j) fail("slot %d does not point back to page pfn %d", off + j, head + j);
                named |= dev.count(off + j) > 0;
            }
            if (phys.largeMapcount(head) == 0 && phys.entireMapcount(head) == 0 && !named) {
                fail("swap-cache folio pfn %d is neither mapped nor named by a swap PTE (leak)", head);
            }
        }
    }

    /** A present entry must not give more access than its VMA. */
    private void checkProt(Vma v, long addr, long pte) {
        if (arch.pteWrite(pte) && !v.has(VmFlags.VM_WRITE)) fail("writable entry at 0x%x in a VMA without write: %s", addr, v);
        if (arch.pteValid(pte) && (v.flags() & VmFlags.VM_ACCESS_FLAGS) == 0) fail("accessible entry at 0x%x in a PROT_NONE VMA", addr);
    }

    /** arm64: a block is either fully valid+cont over consecutive pfns of one folio with equal protection, or has no cont bit. */
    private void checkContBlocks(long base, long[] t) {
        int n = arch.contPtes();
        for (int b = 0; b < 512; b += n) {
            boolean any = false;
            for (int j = b; j < b + n; j++) any |= arch.pteValid(t[j]) && arch.pteCont(t[j]);
            if (!any) continue;
            long first = t[b];
            long pfn0 = arch.ptePfn(first);
            long addr = base + ((long) b << Arch.PAGE_SHIFT);
            if ((pfn0 & (n - 1)) != 0) fail("contpte block at 0x%x starts at unaligned pfn %d", addr, pfn0);
            long head = phys.folioHead(pfn0);
            long norm0 = arch.pteMkold(arch.pteMkclean(first));
            for (int j = 0; j < n; j++) {
                long e = t[b + j];
                if (!arch.pteValid(e) || !arch.pteCont(e)) fail("contpte block at 0x%x: entry %d is not valid+cont", addr, j);
                if (arch.ptePfn(e) != pfn0 + j) fail("contpte block at 0x%x: entry %d maps pfn %d, expected %d", addr, j, arch.ptePfn(e), pfn0 + j);
                if (phys.folioHead(arch.ptePfn(e)) != head) fail("contpte block at 0x%x spans two folios", addr);
                if (arch.pteWithPfn(arch.pteMkold(arch.pteMkclean(e)), pfn0) != norm0) fail("contpte block at 0x%x: entry %d has other protection", addr, j);
            }
        }
    }

    private void checkFolios() {
        Map<Long, Integer> refsByHead = new HashMap<>();
        Map<Long, Integer> largeByHead = new HashMap<>();
        for (var e : pteMaps.entrySet()) {
            long pfn = e.getKey();
            if (phys.mapcount(pfn) != e.getValue()) fail("page pfn %d has mapcount %d but %d PTEs map it", pfn, phys.mapcount(pfn), e.getValue());
            long head = phys.folioHead(pfn);
            refsByHead.merge(head, e.getValue(), Integer::sum);
            largeByHead.merge(head, e.getValue(), Integer::sum);
        }
        for (var e : pmdMaps.entrySet()) {
            long head = e.getKey();
            if (phys.entireMapcount(head) != e.getValue()) fail("THP pfn %d has entire mapcount %d but %d PMDs map it", head, phys.entireMapcount(head), e.getValue());
            refsByHead.merge(head, e.getValue(), Integer::sum);
            largeByHead.merge(head, e.getValue() * 512, Integer::sum);
        }
        long hw = phys.highWater();
        for (long pfn = 1L << PhysMem.MAX_ORDER; pfn < hw; ) {
            if (!phys.isAllocatedHead(pfn)) {
                if (phys.mapcount(pfn) != 0) fail("free page pfn %d has mapcount %d", pfn, phys.mapcount(pfn));
                pfn++;
                continue;
            }
            int nr = phys.folioNrPages(pfn);
            int refs = refsByHead.getOrDefault(pfn, 0) + cacheRefs.getOrDefault(pfn, 0);
            if (phys.folioTest(pfn, PhysMem.PG_SWAPCACHE)) {
                if (swap.folioSwap(pfn) < 0) fail("folio pfn %d has PG_swapcache but is not in the swap cache", pfn);
                refs += nr;
            }
            if (refs == 0) fail("folio pfn %d (order %d) is allocated but nothing maps or caches it (leak)", pfn, phys.folioOrder(pfn));
            if (phys.refcount(pfn) != refs) fail("folio pfn %d has refcount %d but %d mappings", pfn, phys.refcount(pfn), refs);
            if (nr > 1 && phys.largeMapcount(pfn) != largeByHead.getOrDefault(pfn, 0)) {
                fail("folio pfn %d has large mapcount %d but %d page mappings", pfn, phys.largeMapcount(pfn), largeByHead.getOrDefault(pfn, 0));
            }
            for (long p = pfn; p < pfn + nr; p++) {
                int maps = phys.mapcount(p) + phys.entireMapcount(pfn);
                if (phys.pageAnonExclusive(p) && maps != 1) fail("page pfn %d is PageAnonExclusive but mapped %d times", p, maps);
            }
            pfn += nr;
        }
    }
}
