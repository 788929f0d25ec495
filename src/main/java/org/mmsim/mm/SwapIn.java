package org.mmsim.mm;

import org.mmsim.arch.Arch;
import org.mmsim.arch.Event;
import org.mmsim.pgtable.PageTables;
import org.mmsim.phys.PhysMem;
import org.mmsim.swap.SwapCache;
import org.mmsim.swap.SwapDevice;

/**
 * do_swap_page (mm/memory.c): a fault on a swap PTE maps the page back from the swap cache, or reads it from the
 * device: a swap file or partition swaps in through swapin_readahead, into a new order-0 folio that enters the swap
 * cache (read-ahead itself, which only fills the swap cache, is not modelled); a large folio still in the swap
 * cache is mapped whole when its range is aligned, inside the VMA and the PMD, and every PTE of it holds its swap
 * entry in order (the 6.18 large swap-cache path), else the one page; a SWP_SYNCHRONOUS_IO device (zram)
 * with a swap count of 1 bypasses the swap cache and may read a whole mTHP at once ({@link #swapInDirect}).
 *
 * <p>The swap PTE's exclusive bit decides whether the page comes back PageAnonExclusive (and writable in a
 * writable VMA); the swap counts drop by the pages mapped; the folio leaves the swap cache when swap is more than
 * half full or, on a write fault, when nothing else holds it (should_try_to_free_swap).
 */
final class SwapIn {
    private SwapIn() {}

    static int doSwapPage(Mm mm, Vma v, long[] t, int i, long addr, long orig, boolean write) {
        MmEnv env = mm.env;
        Arch arch = env.arch;
        PhysMem phys = env.phys;
        SwapCache sc = env.swap;
        SwapDevice dev = sc.device();
        long off = arch.swpOffset(orig);
        if (dev == null || arch.swpType(orig) != SwapDevice.TYPE || !dev.inUse(off)) {
            throw new IllegalStateException("bad swap entry " + Long.toHexString(orig) + " at 0x" + Long.toHexString(addr));
        }
        env.counters.inc(Event.FAULT_SWAP);
        long page = addr & ~(Arch.PAGE_SIZE - 1);
        long pfn = sc.lookup(off);
        if (pfn < 0 && dev.synchronous() && dev.count(off) == 1) return swapInDirect(mm, v, t, i, page, orig, write);
        boolean fresh = pfn < 0;
        if (fresh) {
            pfn = phys.allocFolio(0);
            if (pfn < 0) return Fault.OOM;
            sc.readIn(off, pfn);
            phys.folioSet(pfn, (short) (PhysMem.PG_ANON | PhysMem.PG_SWAPBACKED));
        }
        long head = phys.folioHead(pfn);
        int n = phys.folioNrPages(head);
        // A large cached folio: map all of it if its whole range holds its swap entries in order.
        int nr = 1;
        long start = page;
        int first = i;
        long firstPfn = pfn;
        if (n > 1) {
            long idx = pfn - head;
            long s = page - (idx << Arch.PAGE_SHIFT);
            int fi = i - (int) idx;
            if ((s & ((Arch.PAGE_SIZE << phys.folioOrder(head)) - 1)) == 0 && s >= v.start
                    && s + ((long) n << Arch.PAGE_SHIFT) <= v.end && fi >= 0 && fi + n <= Arch.PTRS_PER_TABLE
                    && swapRun(env, t, fi, orig, idx, n)) {
                nr = n;
                start = s;
                first = fi;
                firstPfn = head;
            }
        }
        long off0 = off - (pfn - firstPfn);
        boolean exclusive = arch.swpExclusive(orig);
        sc.put(off0, nr);
        // Map: the new folio's allocation reference becomes the mapping's; a cached folio takes new ones.
        if (fresh) {
            phys.mapcountAdd(firstPfn, nr, 1);
        } else {
            phys.mapcountAdd(firstPfn, nr, 1);
            phys.refAdd(head, nr);
        }
        if (dev.full() || v.has(VmFlags.VM_LOCKED) || (write && phys.refcount(head) == n + nr)) sc.freeSwapIfUnused(head);
        boolean cached = phys.folioTest(head, PhysMem.PG_SWAPCACHE);
        boolean onlyUs = !cached && phys.refcount(head) == nr;
        long pte = arch.pteMkyoung(arch.mkPte(firstPfn, v.prot(), v.isShared(), v.pkey()));
        if (arch.swpSoftDirty(orig)) pte = arch.pteMksoftDirty(pte);
        boolean excl = exclusive || onlyUs;
        if (excl) {
            for (long p = firstPfn; p < firstPfn + nr; p++) phys.setPageAnonExclusive(p, true);
            if (v.has(VmFlags.VM_WRITE)) {
                pte = arch.pteMkwrite(pte);
                if (write) pte = arch.pteMkdirty(pte);
            }
        }
        if (phys.folioMapping(head) == null) {
            // folio_add_new_anon_rmap: an exclusive folio belongs to this VMA's anon_vma, a shared one to the root.
            AnonVma owner = v.anonVma;
            if (!excl) while (owner.parent() != null) owner = owner.parent();
            phys.setFolioMapping(head, owner, v.pgoffOf(start) - (firstPfn - head));
        }
        env.pte.setPtes(t, first, start, pte, nr);
        mm.anonRss += nr;
        mm.swapEnts -= nr;
        if (write && !arch.pteWrite(pte)) {
            long cur = env.pte.ptepGet(t, i);
            return Fault.doWpPage(mm, v, t, i, addr, cur);
        }
        return Fault.OK;
    }

    /**
     * The SWP_SYNCHRONOUS_IO path (zram, swap count 1): the page is read straight into a new folio that skips the
     * swap cache (alloc_swap_folio), which is large when an enabled mTHP order fits: its aligned range lies in the
     * VMA, the swap offset is aligned like the address, and every PTE of the range is the same swap entry moved by
     * its index with no slot cached and the same zero mark (can_swapin_thp). The folio is certainly exclusive; its
     * slots are freed.
     */
    private static int swapInDirect(Mm mm, Vma v, long[] t, int i, long page, long orig, boolean write) {
        MmEnv env = mm.env;
        Arch arch = env.arch;
        PhysMem phys = env.phys;
        SwapCache sc = env.swap;
        long off = arch.swpOffset(orig);
        int order = 0;
        for (int o = Arch.PMD_ORDER - 1; o >= 2; o--) {
            if (!Thp.orderAllowed(env.tunables, v, o) || !Thp.suitable(v, page, o)) continue;
            int n = 1 << o;
            long idx = (page >>> Arch.PAGE_SHIFT) & (n - 1);
            if ((off & (n - 1)) != idx) continue;
            if (canSwapinThp(env, t, i - (int) idx, orig, idx, n)) {
                order = o;
                break;
            }
        }
        long head = order > 0 ? phys.allocFolio(order) : -1;
        if (head < 0) {
            if (order > 0) env.counters.inc(Event.MTHP_FALLBACK);
            order = 0;
            head = phys.allocFolio(0);
            if (head < 0) return Fault.OOM;
        }
        int nr = 1 << order;
        long idx = (page >>> Arch.PAGE_SHIFT) & (nr - 1);
        long start = page - (idx << Arch.PAGE_SHIFT);
        int first = i - (int) idx;
        long off0 = off - idx;
        sc.readDirect(off0, head, nr);
        phys.folioSet(head, (short) (PhysMem.PG_ANON | PhysMem.PG_SWAPBACKED));
        for (long p = head; p < head + nr; p++) phys.setPageAnonExclusive(p, true);
        phys.mapcountAdd(head, nr, 1);
        phys.refAdd(head, nr - 1);
        phys.setFolioMapping(head, v.anonVma, v.pgoffOf(start));
        sc.put(off0, nr);
        long pte = arch.pteMkyoung(arch.mkPte(head, v.prot(), v.isShared(), v.pkey()));
        if (arch.swpSoftDirty(orig)) pte = arch.pteMksoftDirty(pte);
        if (v.has(VmFlags.VM_WRITE)) {
            pte = arch.pteMkwrite(pte);
            if (write) pte = arch.pteMkdirty(pte);
        }
        env.pte.setPtes(t, first, start, pte, nr);
        mm.anonRss += nr;
        mm.swapEnts -= nr;
        return Fault.OK;
    }

    /** can_swapin_thp: the n PTEs from index fi are orig moved by -idx..n-idx, none cached, zero marks alike. */
    private static boolean canSwapinThp(MmEnv env, long[] t, int fi, long orig, long idx, int n) {
        Arch arch = env.arch;
        SwapDevice dev = env.swap.device();
        long first = arch.pteMoveSwpOffset(orig, -idx);
        long off0 = arch.swpOffset(first);
        for (int j = 0; j < n; j++) {
            if (env.pte.ptepGetRaw(t, fi + j) != arch.pteMoveSwpOffset(first, j)) return false;
            if (dev.hasCache(off0 + j) || dev.zeroMarked(off0 + j) != dev.zeroMarked(off0)) return false;
        }
        return true;
    }

    /**
     * pte_same + swap_pte_batch: the n entries from table index fi are {@code orig} moved to the folio's first page
     * and then by one slot each, every other swap bit equal.
     */
    private static boolean swapRun(MmEnv env, long[] t, int fi, long orig, long idx, int n) {
        Arch arch = env.arch;
        long first = arch.pteMoveSwpOffset(orig, -idx);
        for (int j = 0; j < n; j++) {
            if (env.pte.ptepGetRaw(t, fi + j) != arch.pteMoveSwpOffset(first, j)) return false;
        }
        return true;
    }
}
