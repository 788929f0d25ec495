package org.mmsim.mm;

import org.mmsim.arch.Arch;
import org.mmsim.arch.Event;
import org.mmsim.pgtable.PageTables;
import org.mmsim.phys.PhysMem;

/**
 * PMD-level transparent huge pages (mm/huge_memory.c): which orders a VMA may use, and splitting a PMD mapping
 * into 512 PTEs (the folio itself stays large: a PTE-mapped THP).
 */
public final class Thp {
    private Thp() {}

    /**
     * thp_vma_allowable_order for an anonymous VMA (KERNEL_FACTS §7.3): {@code always} ∪ ({@code madvise} if
     * VM_HUGEPAGE) ∪ ({@code inherit} if the top level allows); nothing with VM_NOHUGEPAGE.
     */
    static boolean orderAllowed(Tunables t, Vma v, int order) {
        return !refusesHugePages(v) && knobAllows(t, order, v.has(VmFlags.VM_HUGEPAGE));
    }

    /**
     * thp_vma_allowable_orders: the orders among {@code orders} (bit n for order n) that {@link #orderAllowed}
     * allows, with the VMA's own checks made once for all of them.
     */
    static int allowedOrders(Tunables t, Vma v, int orders) {
        if (refusesHugePages(v)) return 0;
        boolean hugepage = v.has(VmFlags.VM_HUGEPAGE);
        int allowed = 0;
        for (int rest = orders; rest != 0; rest &= rest - 1) {
            int order = Integer.numberOfTrailingZeros(rest);
            if (knobAllows(t, order, hugepage)) allowed |= 1 << order;
        }
        return allowed;
    }

    /** A VMA that takes no anonymous huge page of any order (VM_NOHUGEPAGE, hugetlb, special, shared anon). */
    private static boolean refusesHugePages(Vma v) {
        // Shared anonymous memory is shmem: its huge pages follow shmem_enabled (default never), not these knobs.
        return v.has(VmFlags.VM_NOHUGEPAGE) || v.has(VmFlags.VM_HUGETLB) || v.has(VmFlags.VM_SPECIAL) || v.isShared();
    }

    /** The per-size knob of an order ({@code inherit} follows the top-level one) for a VMA with or without VM_HUGEPAGE. */
    private static boolean knobAllows(Tunables t, int order, boolean hugepage) {
        return switch (t.mthp(order)) {
            case ALWAYS -> true;
            case MADVISE -> hugepage;
            case INHERIT -> t.thp == Tunables.Thp.ALWAYS || (t.thp == Tunables.Thp.MADVISE && hugepage);
            case NEVER -> false;
        };
    }

    /** thp_vma_suitable_order: the naturally aligned range of this order around addr lies inside the VMA. */
    static boolean suitable(Vma v, long addr, int order) {
        long size = Arch.PAGE_SIZE << order;
        long a = addr & ~(size - 1);
        return a >= v.start && a + size <= v.end;
    }

    /**
     * vma_adjust_trans_huge / split_huge_pmd_if_needed: a VMA boundary moving to an address that is not
     * PMD-aligned splits a PMD mapping whose 2 MiB block lies inside the VMA.
     */
    static void adjustTransHuge(Mm mm, Vma v, long addr) {
        if ((addr & (Arch.PMD_SIZE - 1)) == 0) return;
        long haddr = addr & ~(Arch.PMD_SIZE - 1);
        if (haddr < v.start || haddr + Arch.PMD_SIZE > v.end) return;
        splitHugePmdAt(mm, haddr);
    }

    /** __split_huge_pmd at a PMD-aligned address if a leaf PMD is there. Returns true if something was split. */
    static boolean splitHugePmdAt(Mm mm, long haddr) {
        long[] m = mm.pt.pmdTable(haddr, false);
        if (m == null) return false;
        int mi = PageTables.pmdIndex(haddr);
        long pmd = m[mi];
        if (!mm.env.arch.entryIsLeaf(pmd)) return false;
        splitHugePmd(mm, m, mi, haddr);
        return true;
    }

    /**
     * __split_huge_pmd_locked: invalidate the PMD (flushing the huge mapping), then map the same pages with one
     * set_ptes of 512 entries carrying the PMD's write, young, dirty and soft-dirty bits. For the huge zero page
     * the PTEs map the small zero page. A shmem (file) folio is not remapped: its PMD mapping is just dropped (the
     * folio stays in the page cache, and the next access faults its pages in again), so the PMD entry is none
     * afterwards.
     */
    static void splitHugePmd(Mm mm, long[] m, int mi, long haddr) {
        mm.touch(haddr, haddr + Arch.PMD_SIZE);
        MmEnv env = mm.env;
        Arch arch = env.arch;
        long pmd = m[mi];
        long pte = arch.hugePmdToPte(pmd);
        long head = arch.ptePfn(pte);
        m[mi] = 0;
        arch.flushTlbRange(env.counters, haddr, haddr + Arch.PMD_SIZE);
        if (head != PhysMem.HUGE_ZERO_PFN && !env.phys.folioTest(head, PhysMem.PG_ANON)) {
            env.counters.inc(Event.THP_SPLIT_PMD);
            env.counters.inc(Event.PTL_LOCK);
            if (arch.pteDirty(pte)) env.phys.folioSet(head, PhysMem.PG_DIRTY);
            Rmap.removePmd(env.phys, head);
            mm.shmemRss -= 512;
            return;
        }
        int tid = env.tables.alloc();
        long[] t = env.tables.get(tid);
        env.counters.inc(Event.THP_SPLIT_PMD);
        env.counters.inc(Event.PTL_LOCK);
        if (head == PhysMem.HUGE_ZERO_PFN) {
            long z = arch.pteMkspecial(arch.pteWithPfn(pte, PhysMem.ZERO_PFN));
            for (int i = 0; i < 512; i++) env.pte.setPtes(t, i, haddr + ((long) i << Arch.PAGE_SHIFT), z, 1);
        } else {
            env.pte.setPtes(t, 0, haddr, pte, 512);
            PhysMem phys = env.phys;
            phys.entireMapcountAdd(head, -1);
            phys.mapcountAdd(head, 512, 1);
            phys.refAdd(head, 511);
        }
        m[mi] = arch.mkTableEntry(tid);
    }
}
