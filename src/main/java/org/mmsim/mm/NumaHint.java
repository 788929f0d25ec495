package org.mmsim.mm;

import org.mmsim.arch.Arch;
import org.mmsim.arch.Event;
import org.mmsim.pgtable.TlbGather;
import org.mmsim.phys.PhysMem;

/**
 * NUMA hinting (mm/mprotect.c change_prot_numa, mm/memory.c do_numa_page): the scanner makes the present entries
 * of a range PROT_NONE so that the next access faults and tells the kernel where the page is used; the fault
 * restores the VMA's protection. A model-level operation (the kernel runs it from task_numa_work).
 *
 * <p>The model has one node and no migration: every normal, not-shared folio is hinted, and the fault only
 * restores the entry (it never migrates).
 */
public final class NumaHint {
    private NumaHint() {}

    /**
     * change_prot_numa over every accessible VMA part of [addr, addr+len): returns the number of entries made
     * PROT_NONE (-EINVAL for an unaligned address or a range that wraps or leaves the address space; holes are
     * skipped as task_numa_work skips them).
     */
    public static int numaHint(Mm mm, long addr, long len) {
        if ((addr & (Arch.PAGE_SIZE - 1)) != 0) return -Errno.EINVAL;
        long alen = Mmap.pageAlign(len);
        long end = addr + alen;
        if ((len != 0 && alen == 0) || Long.compareUnsigned(end, addr) < 0
                || Long.compareUnsigned(end, mm.env.arch.taskSize()) > 0) return -Errno.EINVAL;
        mm.touch(addr, end);
        long pages = 0;
        for (Vma v : mm.intersecting(addr, end)) {
            // task_numa_work skips VMAs it cannot migrate or that are not accessible.
            if ((v.flags & VmFlags.VM_ACCESS_FLAGS) == 0 || v.has(VmFlags.VM_HUGETLB)
                    || v.has(VmFlags.VM_MIXEDMAP) || v.has(VmFlags.VM_PFNMAP)) continue;
            long s = Math.max(addr, v.start);
            long e = Math.min(end, v.end);
            TlbGather tlb = new TlbGather(mm.env.arch, mm.env.counters);
            pages += Mprotect.changeProtection(mm, tlb, v, s, e, Mprotect.MM_CP_PROT_NUMA);
            tlb.finish();
        }
        return (int) Math.min(pages, Integer.MAX_VALUE);
    }

    /**
     * do_numa_page for a PROT_NONE entry of an accessible VMA: restore the VMA's protection (young; writable again
     * when the VMA is writable and the page is an exclusive anonymous page, as can_change_pte_writable allows).
     */
    static int doNumaPage(Mm mm, Vma v, long[] t, int i, long addr, long pte) {
        MmEnv env = mm.env;
        Arch arch = env.arch;
        PhysMem phys = env.phys;
        long page = addr & ~(Arch.PAGE_SIZE - 1);
        env.counters.inc(Event.NUMA_HINT_FAULT);
        env.counters.inc(Event.FOLIO_LOOKUP);
        long old = env.pte.modifyProtStartPtes(t, i, page, 1);
        long ent = arch.pteMkyoung(arch.pteModify(old, v.prot(), v.isShared(), v.pkey()));
        if (!arch.pteWrite(ent) && v.has(VmFlags.VM_WRITE)) {
            long pfn = arch.ptePfn(ent);
            boolean w = v.isShared() ? arch.pteDirty(ent)
                    : !arch.pteSpecial(ent) && phys.folioTest(phys.folioHead(pfn), PhysMem.PG_ANON) && phys.pageAnonExclusive(pfn);
            if (w) ent = arch.pteMkwrite(ent);
        }
        env.pte.modifyProtCommitPtes(t, i, page, ent, 1);
        return Fault.OK;
    }
}
