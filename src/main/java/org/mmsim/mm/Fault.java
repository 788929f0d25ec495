package org.mmsim.mm;

import org.mmsim.arch.Arch;
import org.mmsim.arch.Event;
import org.mmsim.pgtable.PageTables;
import org.mmsim.phys.PhysMem;

/**
 * The anonymous page-fault path (mm/memory.c, mm/huge_memory.c; KERNEL_FACTS §7): zero-page read faults,
 * mTHP order choice and allocation, PMD THP faults, write-protect faults (reuse or copy) and spurious faults.
 */
public final class Fault {
    private Fault() {}

    /** Fault handled; retry the access. */
    public static final int OK = 0;
    /** The access is not allowed: SIGSEGV. */
    public static final int SIGSEGV = 1;
    /** No memory: the process would be OOM-killed. */
    public static final int OOM = 2;
    /** A shared mapping's page beyond the end of its object (shmem_get_folio's i_size check): SIGBUS. */
    public static final int SIGBUS = 3;

    /** handle_mm_fault for a user access at addr. */
    public static int handle(Mm mm, long addr, boolean write) {
        mm.touch(addr, addr + 1);
        Vma v = mm.vmaLookup(addr);
        if (v == null) return SIGSEGV;
        if (write ? !v.has(VmFlags.VM_WRITE) : !v.has(VmFlags.VM_ACCESS_FLAGS)) return SIGSEGV;
        // access_error: PKRU denies data access through the VMA's key (the execute-only one)
        if (!Pkeys.dataAccessPermitted(v)) return SIGSEGV;
        if (v.shmem != null) return Shmem.fault(mm, v, addr, write);
        MmEnv env = mm.env;
        long haddr = addr & ~(Arch.PMD_SIZE - 1);
        long[] m = mm.pt.pmdTable(addr, true);
        int mi = PageTables.pmdIndex(addr);
        if (m[mi] == 0 && Thp.orderAllowed(env.tunables, v, Arch.PMD_ORDER) && Thp.suitable(v, addr, Arch.PMD_ORDER)) {
            int r = hugePmdAnonymous(mm, v, m, mi, haddr, write);
            if (r != -1) return r;
        } else if (env.arch.entryIsLeaf(m[mi])) {
            int r = hugePmdFault(mm, v, m, mi, haddr, write);
            if (r != -1) return r;
        }
        long[] t = mm.pt.pteTable(m, mi, true);
        int i = PageTables.pteIndex(addr);
        env.counters.inc(Event.PTL_LOCK);
        long pte = env.pte.ptepGet(t, i);
        if (pte == 0) return doAnonymousPage(mm, v, t, i, addr, write);
        if (!env.arch.ptePresent(pte)) return SwapIn.doSwapPage(mm, v, t, i, addr, pte, write);
        if (env.arch.pteProtnone(pte)) return NumaHint.doNumaPage(mm, v, t, i, addr, pte);
        if (write && !env.arch.pteWrite(pte)) return doWpPage(mm, v, t, i, addr, pte);
        long entry = env.arch.pteMkyoung(pte);
        if (write) entry = env.arch.pteMkdirty(entry);
        env.counters.inc(Event.FAULT_SPURIOUS);
        if (entry != pte) env.pte.ptepSetAccessFlags(t, i, addr, entry);
        return OK;
    }

    /** do_huge_pmd_anonymous_page; returns -1 for VM_FAULT_FALLBACK. */
    private static int hugePmdAnonymous(Mm mm, Vma v, long[] m, int mi, long haddr, boolean write) {
        MmEnv env = mm.env;
        Arch arch = env.arch;
        ensureAnonVma(mm, v);
        if (!write && env.tunables.useZeroPage) {
            long z = arch.pteMkspecial(arch.mkPte(PhysMem.HUGE_ZERO_PFN, v.prot(), v.isShared(), v.pkey()));
            m[mi] = arch.pteToHugePmd(z);
            env.counters.inc(Event.FAULT_HUGE_ZERO);
            return OK;
        }
        long head = env.phys.allocFolio(Arch.PMD_ORDER);
        if (head < 0) {
            env.counters.inc(Event.MTHP_FALLBACK);
            return -1;
        }
        mapNewAnonThp(mm, v, m, mi, haddr, head);
        return OK;
    }

    /** Zeroes a new PMD-order folio and maps it with one PMD entry (the tail of __do_huge_pmd_anonymous_page). */
    private static void mapNewAnonThp(Mm mm, Vma v, long[] m, int mi, long haddr, long head) {
        MmEnv env = mm.env;
        Arch arch = env.arch;
        zeroFolio(env, head, 512);
        long pte = arch.pteMkyoung(arch.mkPte(head, v.prot(), v.isShared(), v.pkey()));
        if (v.has(VmFlags.VM_WRITE)) pte = arch.pteMkwrite(arch.pteMkdirty(pte));
        Rmap.addNewAnonPmd(env.phys, head);
        env.phys.setFolioMapping(head, v.anonVma, v.pgoffOf(haddr));
        m[mi] = arch.pteToHugePmd(pte);
        env.counters.inc(Event.PTE_WRITE);
        mm.anonRss += 512;
        env.counters.inc(Event.FAULT_PMD_THP);
    }

    /** A fault on an existing PMD leaf: write to the huge zero page or to a read-only THP, or an access-bit fault. */
    private static int hugePmdFault(Mm mm, Vma v, long[] m, int mi, long haddr, boolean write) {
        MmEnv env = mm.env;
        Arch arch = env.arch;
        long pte = arch.hugePmdToPte(m[mi]);
        long head = arch.ptePfn(pte);
        if (arch.pteProtnone(pte)) {
            // NUMA-hinted PMD (do_huge_pmd_numa_page is not modelled): split and take the PTE-level NUMA fault.
            Thp.splitHugePmd(mm, m, mi, haddr);
            return -1;
        }
        if (write && head == PhysMem.HUGE_ZERO_PFN && v.has(VmFlags.VM_WRITE)) {
            // do_huge_zero_wp_pmd: a write to the huge zero page gets a new zeroed THP (live 6.18 kernel does
            // this, docs/kernel-oracle.md); only when that allocation fails is the PMD split.
            long fresh = env.phys.allocFolio(Arch.PMD_ORDER);
            if (fresh >= 0) {
                arch.flushTlbRange(env.counters, haddr, haddr + Arch.PMD_SIZE);
                mapNewAnonThp(mm, v, m, mi, haddr, fresh);
                return OK;
            }
            env.counters.inc(Event.MTHP_FALLBACK);
        }
        if (write && !arch.pteWrite(pte)) {
            // do_huge_pmd_wp_page: reuse an exclusive anon THP at PMD level, or one whose only reference is this
            // PMD mapping (the other mappers went: folio_move_anon_rmap); otherwise split and fall back.
            PhysMem phys = env.phys;
            if (head != PhysMem.HUGE_ZERO_PFN && !phys.pageAnonExclusive(head) && phys.refcount(head) == 1
                    && phys.entireMapcount(head) == 1) {
                for (long p = head; p < head + 512; p++) phys.setPageAnonExclusive(p, true);
                phys.setFolioMapping(head, v.anonVma, phys.folioMapping(head).index());
            }
            if (head != PhysMem.HUGE_ZERO_PFN && env.phys.pageAnonExclusive(head)) {
                m[mi] = arch.pteToHugePmd(arch.pteMkwrite(arch.pteMkdirty(arch.pteMkyoung(pte))));
                env.counters.inc(Event.PTE_WRITE);
                env.counters.inc(Event.FAULT_WP_REUSE);
                return OK;
            }
            Thp.splitHugePmd(mm, m, mi, haddr);
            return -1;
        }
        if (arch.pteProtnone(pte)) {
            Thp.splitHugePmd(mm, m, mi, haddr);
            return -1;
        }
        long e = arch.pteMkyoung(pte);
        if (write) e = arch.pteMkdirty(e);
        m[mi] = arch.pteToHugePmd(e);
        env.counters.inc(Event.FAULT_SPURIOUS);
        return OK;
    }

    /**
     * anon_vma_prepare: give the VMA an anon_vma, reusing a neighbour's as find_mergeable_anon_vma does: the next
     * VMA is tried first, then the previous one.
     */
    static void ensureAnonVma(Mm mm, Vma v) {
        if (v.anonVma != null) return;
        Vma prev = mm.prev(v);
        Vma next = mm.next(v);
        AnonVma reuse = next != null ? reusableAnonVma(next, v, next) : null;
        if (reuse == null && prev != null) reuse = reusableAnonVma(prev, prev, v);
        mm.setAnonVma(v, reuse != null ? reuse : new AnonVma(null));
    }

    /**
     * reusable_anon_vma: {@code old}'s anon_vma when it is its only one (not inherited by fork) and a, b (adjacent,
     * in address order) are anon_vma_compatible: contiguous in pgoff, with the same backing object and equal flags apart from the access
     * flags (read, write, exec) and VM_SOFTDIRTY, so neighbours that differ only in protection share one anon_vma.
     */
    private static AnonVma reusableAnonVma(Vma old, Vma a, Vma b) {
        if (a.end != b.start || a.shmem != b.shmem
                || ((a.flags ^ b.flags) & ~(VmFlags.VM_ACCESS_FLAGS | VmFlags.VM_IGNORE_MERGE)) != 0) return null;
        if (b.pgoff != a.pgoff + ((b.start - a.start) >>> Arch.PAGE_SHIFT)) return null;
        return old.forkChild ? null : old.anonVma;
    }

    /** The entry that maps the shared zero page read-only in v (special: no folio behind it to count). */
    static long zeroPagePte(Arch arch, Vma v) {
        return arch.pteMkspecial(arch.mkPte(PhysMem.ZERO_PFN, v.prot(), v.isShared(), v.pkey()));
    }

    /** do_anonymous_page (KERNEL_FACTS §7.2). */
    private static int doAnonymousPage(Mm mm, Vma v, long[] t, int i, long addr, boolean write) {
        MmEnv env = mm.env;
        Arch arch = env.arch;
        if (!write) {
            env.pte.setPtes(t, i, addr & ~(Arch.PAGE_SIZE - 1), zeroPagePte(arch, v), 1);
            env.counters.inc(Event.FAULT_ZERO_PAGE);
            return OK;
        }
        ensureAnonVma(mm, v);
        int allowed = Thp.allowedOrders(env.tunables, v, ANON_MTHP_ORDERS);
        int order = chooseAnonOrder(env, allowed, v, t, addr);
        long head = -1;
        for (; order > 0; order = nextLowerAllowed(allowed, v, addr, order)) {
            head = env.phys.allocFolio(order);
            if (head >= 0) break;
            env.counters.inc(Event.MTHP_FALLBACK);
        }
        if (head < 0) {
            order = 0;
            head = env.phys.allocFolio(0);
            if (head < 0) return OOM;
        }
        int nr = 1 << order;
        zeroFolio(env, head, nr);
        long start = addr & ~((Arch.PAGE_SIZE << order) - 1);
        int first = PageTables.pteIndex(start);
        long pte = arch.mkPte(head, v.prot(), v.isShared(), v.pkey());
        pte = arch.pteMkyoung(pte);
        if (v.has(VmFlags.VM_WRITE)) pte = arch.pteMkwrite(arch.pteMkdirty(pte));
        Rmap.addNewAnonPtes(env.phys, head, nr);
        env.phys.setFolioMapping(head, v.anonVma, v.pgoffOf(start));
        env.pte.setPtes(t, first, start, pte, nr);
        mm.anonRss += nr;
        env.counters.inc(order > 0 ? Event.FAULT_ANON_MTHP : Event.FAULT_ANON);
        return OK;
    }

    /** The mTHP orders a PTE-mapped anonymous folio may have (bit n for order n): 2 to PMD_ORDER - 1. */
    private static final int ANON_MTHP_ORDERS = (1 << Arch.PMD_ORDER) - 4;

    /**
     * alloc_anon_folio's order choice: the highest order of {@code allowed} (below PMD) whose aligned range lies in
     * the VMA and whose PTEs are all none (pte_range_none reads them).
     */
    private static int chooseAnonOrder(MmEnv env, int allowed, Vma v, long[] t, long addr) {
        for (int order = Arch.PMD_ORDER - 1; order >= 2; order--) {
            if ((allowed & 1 << order) == 0 || !Thp.suitable(v, addr, order)) continue;
            int nr = 1 << order;
            int base = PageTables.pteIndex(addr) & ~(nr - 1);
            boolean none = true;
            for (int j = base; j < base + nr; j++) {
                if (env.pte.ptepGetRaw(t, j) != 0) {
                    none = false;
                    break;
                }
            }
            if (none) return order;
        }
        return 0;
    }

    /** The next lower order of {@code allowed} suitable at addr (all lower orders of a none range are none), or 0. */
    private static int nextLowerAllowed(int allowed, Vma v, long addr, int order) {
        for (int o = order - 1; o >= 2; o--) {
            if ((allowed & 1 << o) != 0 && Thp.suitable(v, addr, o)) return o;
        }
        return 0;
    }

    /** Zeroes a new folio (clear_user_highpage per page). */
    private static void zeroFolio(MmEnv env, long head, int nr) {
        for (long p = head; p < head + nr; p++) env.phys.fillPage(p, 0);
        env.counters.add(Event.PAGES_ZEROED, nr);
    }

    /** do_wp_page (KERNEL_FACTS §7.5): reuse an exclusive anonymous page, otherwise copy it to a new order-0 page. */
    static int doWpPage(Mm mm, Vma v, long[] t, int i, long addr, long pte) {
        MmEnv env = mm.env;
        Arch arch = env.arch;
        PhysMem phys = env.phys;
        long page = addr & ~(Arch.PAGE_SIZE - 1);
        long pfn = arch.ptePfn(pte);
        boolean zero = arch.pteSpecial(pte);
        if (!zero && canReuse(mm, phys, pfn)) {
            long head = phys.folioHead(pfn);
            // folio_move_anon_rmap: a small folio reused by this VMA now belongs to its anon_vma.
            if (!phys.pageAnonExclusive(pfn) && phys.folioOrder(head) == 0) {
                phys.setFolioMapping(head, v.anonVma, phys.folioMapping(head).index());
            }
            phys.setPageAnonExclusive(pfn, true);
            env.pte.ptepSetAccessFlags(t, i, page, arch.pteMkwrite(arch.pteMkdirty(arch.pteMkyoung(pte))));
            env.counters.inc(Event.FAULT_WP_REUSE);
            return OK;
        }
        ensureAnonVma(mm, v);
        long fresh = phys.allocFolio(0);
        if (fresh < 0) return OOM;
        if (zero) {
            phys.fillPage(fresh, 0);
            env.counters.inc(Event.PAGES_ZEROED);
        } else {
            phys.copyPage(fresh, pfn);
            env.counters.inc(Event.PAGES_COPIED);
        }
        // ptep_clear_flush, then install the new page.
        env.pte.getAndClearFullPtes(t, i, page, 1);
        arch.flushTlbPage(env.counters);
        long npte = arch.pteMkwrite(arch.pteMkdirty(arch.pteMkyoung(
                arch.mkPte(fresh, v.prot(), v.isShared(), v.pkey()))));
        Rmap.addNewAnonPtes(phys, fresh, 1);
        phys.setFolioMapping(fresh, v.anonVma, v.pgoffOf(page));
        env.pte.setPtes(t, i, page, npte, 1);
        if (zero) {
            mm.anonRss++;
        } else if (!Rmap.removePtes(phys, pfn, 1)) {
            Zap.freeSwapCache(env, phys.folioHead(pfn));
        }
        env.counters.inc(Event.FAULT_WP_COPY);
        return OK;
    }

    /**
     * wp_can_reuse_anon_folio: a small folio is reusable when this is its only reference; a large folio when every
     * reference is a mapping of this mm and more than one page is mapped (__wp_can_reuse_large_anon_folio).
     */
    private static boolean canReuse(Mm mm, PhysMem phys, long pfn) {
        if (phys.pageAnonExclusive(pfn)) return true;
        long head = phys.folioHead(pfn);
        if (!phys.folioTest(head, PhysMem.PG_ANON)) return false;
        int refs = phys.refcount(head);
        if (phys.folioOrder(head) == 0) {
            // wp_can_reuse_anon_folio: a swap-cache page whose slot no swap PTE names leaves the cache first.
            boolean cached = phys.folioTest(head, PhysMem.PG_SWAPCACHE);
            if (refs > 1 + (cached ? 1 : 0)) return false;
            if (cached && !mm.env.swap.freeSwapIfUnused(head)) return false;
            return phys.refcount(head) == 1;
        }
        int mapped = phys.largeMapcount(head);
        if (mapped <= 1) return false;
        // folio_maybe_mapped_shared: another address space still maps part of it.
        return mapped == refs && Rmap.mappedOnlyBy(mm.env, head, mm);
    }

    /** The PTE-level part of populating a page (used by MAP_POPULATE and MADV_POPULATE_*): fault until present. */
    static int populate(Mm mm, long addr, boolean write) {
        for (int tries = 0; tries < 8; tries++) {
            if (UserAccess.resolvePfn(mm, addr, write) >= 0) return OK;
            int r = handle(mm, addr, write);
            if (r != OK) return r;
        }
        throw new IllegalStateException("fault at " + Long.toHexString(addr) + " did not converge");
    }
}
