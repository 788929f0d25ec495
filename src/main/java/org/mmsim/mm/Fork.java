package org.mmsim.mm;

import java.util.ArrayList;
import java.util.List;

import org.mmsim.arch.Arch;
import org.mmsim.arch.Event;
import org.mmsim.pgtable.PageTables;
import org.mmsim.pgtable.PteOps;
import org.mmsim.pgtable.TlbGather;
import org.mmsim.phys.PhysMem;

/**
 * Process creation and teardown of address spaces (kernel/fork.c dup_mmap, mm/memory.c copy_page_range;
 * mm/mmap.c exit_mmap).
 *
 * <p>fork copies every VMA except VM_DONTCOPY ones; a VM_WIPEONFORK VMA is copied empty. A VMA with an anon_vma
 * gets a child anon_vma (anon_vma_fork) and its page tables copied: anonymous pages become shared
 * copy-on-write (both sides write-protected, PageAnonExclusive cleared, one more mapping and reference), large
 * folios stay large and are mapped by both processes, a PMD-mapped THP is shared at PMD level. As in Linux 6.18
 * copy_present_ptes, the PTEs of one large folio are copied as one batch (folio_pte_batch with FPB_MERGE_WRITE,
 * respecting dirty for private VMAs): one wrprotect_ptes on the parent and one set_ptes in the child per batch.
 * VMAs without an anon_vma (nothing anonymous faulted yet; shmem mappings) copy no page tables: the child
 * faults them in. At the end the parent's TLB is flushed (flush_tlb_mm).
 */
public final class Fork {
    private Fork() {}

    /** dup_mmap: a new address space in the parent's machine, a copy of {@code parent}. */
    public static Mm fork(Mm parent) {
        MmEnv env = parent.env;
        env.counters.inc(Event.SYSCALL);
        env.counters.inc(Event.FORK);
        parent.touch(0, env.arch.taskSize());
        Mm child = new Mm(env);
        List<Vma> src = new ArrayList<>(parent.vmas());
        for (Vma v : src) {
            if (v.has(VmFlags.VM_DONTCOPY)) continue;
            Vma c = v.copy();
            // mlock is not inherited (VM_LOCKED_MASK cleared in the child).
            c.flags &= ~(VmFlags.VM_LOCKED | VmFlags.VM_LOCKONFAULT);
            if (v.has(VmFlags.VM_WIPEONFORK)) {
                c.anonVma = null;
                c.forkChild = false;
            } else if (v.anonVma != null) {
                c.anonVma = new AnonVma(v.anonVma);
                c.forkChild = true;
            }
            child.insert(c);
            if (!v.has(VmFlags.VM_WIPEONFORK) && v.anonVma != null) copyPageRange(parent, child, v);
        }
        env.counters.inc(Event.TLB_FLUSH_ALL);
        return child;
    }

    /** copy_page_range over one VMA: huge PMDs by copy_huge_pmd, PTE tables by copy_pte_range. */
    private static void copyPageRange(Mm parent, Mm child, Vma v) {
        MmEnv env = parent.env;
        Arch arch = env.arch;
        for (long addr = v.start; addr < v.end; ) {
            long next = Math.min((addr & ~(Arch.PMD_SIZE - 1)) + Arch.PMD_SIZE, v.end);
            long[] m = parent.pt.pmdTable(addr, false);
            if (m == null) {
                addr = next;
                continue;
            }
            int mi = PageTables.pmdIndex(addr);
            if (arch.entryIsLeaf(m[mi])) {
                copyHugePmd(parent, child, v, m, mi, addr & ~(Arch.PMD_SIZE - 1));
            } else if (m[mi] != 0) {
                copyPteRange(parent, child, v, env.tables.get(arch.entryTableId(m[mi])), addr, next);
            }
            addr = next;
        }
    }

    /** copy_huge_pmd: share the THP (or the huge zero page) at PMD level, write-protecting the parent's entry. */
    private static void copyHugePmd(Mm parent, Mm child, Vma v, long[] m, int mi, long haddr) {
        MmEnv env = parent.env;
        Arch arch = env.arch;
        long[] cm = child.pt.pmdTable(haddr, true);
        env.counters.add(Event.PTL_LOCK, 2);
        long pte = arch.hugePmdToPte(m[mi]);
        long head = arch.ptePfn(pte);
        if (head != PhysMem.HUGE_ZERO_PFN) {
            Rmap.dupAnonPmd(env.phys, head);
            child.anonRss += 512;
            if (arch.pteWrite(pte)) {
                pte = arch.pteWrprotect(pte);
                m[mi] = arch.pteToHugePmd(pte);
                env.counters.inc(Event.PTE_WRITE);
            }
        }
        cm[PageTables.pmdIndex(haddr)] = arch.pteToHugePmd(arch.pteMkold(pte));
        env.counters.inc(Event.PTE_WRITE);
    }

    /** copy_pte_range over [start, end) inside one PTE table: copy_present_ptes per folio batch. */
    private static void copyPteRange(Mm parent, Mm child, Vma v, long[] t, long start, long end) {
        MmEnv env = parent.env;
        Arch arch = env.arch;
        PteOps ops = env.pte;
        PhysMem phys = env.phys;
        long[] ct = child.pt.pteTable(start, true);
        env.counters.add(Event.PTL_LOCK, 2);
        boolean cow = (v.flags & (VmFlags.VM_SHARED | VmFlags.VM_MAYWRITE)) == VmFlags.VM_MAYWRITE;
        int i = PageTables.pteIndex(start);
        int last = i + (int) ((end - start) >>> Arch.PAGE_SHIFT);
        long addr = start;
        while (i < last) {
            long pte = ops.ptepGet(t, i);
            int nr = 1;
            if (pte != 0) {
                if (!arch.ptePresent(pte)) {
                    copySwapPte(parent, child, t, ct, i, addr, pte);
                    i++;
                    addr += Arch.PAGE_SIZE;
                    continue;
                }
                if (!arch.pteSpecial(pte)) {
                    long pfn = arch.ptePfn(pte);
                    env.counters.inc(Event.FOLIO_LOOKUP);
                    long head = phys.folioHead(pfn);
                    if (phys.folioOrder(head) > 0 && last - i != 1) {
                        int flags = PteOps.FPB_MERGE_WRITE | (v.isShared() ? 0 : PteOps.FPB_RESPECT_DIRTY);
                        nr = ops.folioPteBatch(head, t, i, pte, last - i, flags);
                        pte = ops.batchPte();
                    }
                    if (phys.folioTest(head, PhysMem.PG_ANON)) {
                        Rmap.dupAnonPtes(phys, pfn, nr);
                        child.anonRss += nr;
                    } else {
                        Rmap.addAnonPtes(phys, pfn, nr);
                        child.shmemRss += nr;
                    }
                }
                // __copy_present_ptes
                if (cow && arch.pteWrite(pte)) {
                    ops.wrprotectPtes(t, i, addr, nr);
                    pte = arch.pteWrprotect(pte);
                }
                if (v.isShared()) pte = arch.pteMkclean(pte);
                pte = arch.pteMkold(pte);
                ops.setPtes(ct, i, addr, pte, nr);
            }
            i += nr;
            addr += (long) nr << Arch.PAGE_SHIFT;
        }
    }

    /**
     * copy_nonpresent_pte for a swap entry: one more swap reference (swap_duplicate) for the child's copy, and the
     * page is shared from now on, so the parent's entry loses its exclusive bit too.
     */
    private static void copySwapPte(Mm parent, Mm child, long[] t, long[] ct, int i, long addr, long pte) {
        MmEnv env = parent.env;
        Arch arch = env.arch;
        env.swap.dup(arch.swpOffset(pte), 1);
        if (arch.swpExclusive(pte)) {
            long shared = arch.swpEntryPte(arch.swpType(pte), arch.swpOffset(pte));
            if (arch.swpSoftDirty(pte)) shared = arch.swpMksoftDirty(shared);
            env.pte.setSwapPte(t, i, addr, shared);
            pte = shared;
        }
        env.pte.setSwapPte(ct, i, addr, pte);
        child.swapEnts++;
    }

    /**
     * exit_mmap: the address space goes away exactly like munmap of everything: every VMA is zapped (one TLB
     * gather for the whole mm), all page tables are freed, shmem objects no other VMA maps are released, and the
     * mm leaves the machine.
     */
    public static void exit(Mm mm) {
        MmEnv env = mm.env;
        env.counters.inc(Event.PROCESS_EXIT);
        mm.touch(0, env.arch.taskSize());
        List<Vma> all = new ArrayList<>(mm.vmas());
        TlbGather tlb = new TlbGather(env.arch, env.counters);
        for (Vma v : all) Zap.zapRange(mm, v, v.start, v.end, tlb);
        tlb.finish();
        for (Vma v : all) mm.remove(v);
        mm.pt.destroy();
        env.mms.remove(mm);
        env.vmasChanged();
        for (Vma v : all) Shmem.releaseIfUnmapped(env, v.shmem);
    }
}
