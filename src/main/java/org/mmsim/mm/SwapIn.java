package org.mmsim.mm;

import org.mmsim.arch.Arch;
import org.mmsim.arch.Event;
import org.mmsim.pgtable.PageTables;
import org.mmsim.phys.PhysMem;
import org.mmsim.swap.SwapCache;
import org.mmsim.swap.SwapDevice;

/**
 * do_swap_page (mm/memory.c): a fault on a swap PTE maps the page back from the swap cache, or reads it from the
 * device into a new order-0 folio that enters the swap cache (the device is a swap file, not a
 * SWP_SYNCHRONOUS_IO device, so 6.18 swaps in through swapin_readahead at order 0; read-ahead itself, which only
 * fills the swap cache, is not modelled). A large folio still in the swap cache is mapped whole when every PTE of
 * its range names its slots in order, else the one page.
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
            if (s >= v.start && s + ((long) n << Arch.PAGE_SHIFT) <= v.end && fi >= 0 && fi + n <= Arch.PTRS_PER_TABLE
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
        long pte = arch.pteMkyoung(arch.mkPte(firstPfn, v.prot(), v.isShared()));
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

    /** True if the n entries from table index fi are the swap entries of a folio whose page idx is named by orig. */
    private static boolean swapRun(MmEnv env, long[] t, int fi, long orig, long idx, int n) {
        Arch arch = env.arch;
        long expect = arch.pteMoveSwpOffset(orig, -idx);
        for (int j = 0; j < n; j++) {
            long e = env.pte.ptepGetRaw(t, fi + j);
            if (!arch.pteIsSwap(e)) return false;
            long want = arch.pteMoveSwpOffset(expect, j);
            // Type and offset must follow; exclusivity and soft-dirty may differ per page.
            if (arch.swpType(e) != arch.swpType(want) || arch.swpOffset(e) != arch.swpOffset(want)) return false;
            if (arch.swpExclusive(e) != arch.swpExclusive(orig)) return false;
        }
        return true;
    }
}
