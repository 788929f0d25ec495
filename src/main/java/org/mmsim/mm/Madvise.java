package org.mmsim.mm;

import static org.mmsim.mm.Errno.EAGAIN;
import static org.mmsim.mm.Errno.EFAULT;
import static org.mmsim.mm.Errno.EINVAL;
import static org.mmsim.mm.Errno.ENOMEM;

import java.util.function.LongSupplier;

import org.mmsim.arch.Arch;
import org.mmsim.arch.Event;
import org.mmsim.pgtable.PageTables;
import org.mmsim.pgtable.PteOps;
import org.mmsim.pgtable.TlbGather;
import org.mmsim.phys.PhysMem;

/**
 * madvise(2) (mm/madvise.c; KERNEL_FACTS §5.1, §7.6, §8.2).
 *
 * <p>Argument checks come first (unknown advice, alignment, length); MADV_POPULATE_* fault the range in and stop at
 * the first hole (ENOMEM) or unsuitable VMA (EINVAL); every other advice walks the VMAs of the range, remembering
 * ENOMEM for holes and going on. Flag-changing advice goes through {@link Mm#modifyFlags} (split or merge; an
 * ENOMEM there is reported as EAGAIN); a VMA split inside a PMD-mapped THP splits that mapping (§7.6).
 *
 * <p>MADV_PAGEOUT reclaims through {@link Vmscan} (swap-out, or discard of clean lazy-free folios); MADV_FREE
 * marks folios lazy-free and drops swap entries in the range. Not modelled: memory pressure (MADV_FREE'd pages
 * stay readable until MADV_PAGEOUT reclaims them), shmem swap-out (PAGEOUT only unmaps shmem pages), KSM merging (MERGEABLE/UNMERGEABLE only change the flag), MADV_COLLAPSE, guard regions and memory-failure
 * injection (these throw {@link UnsupportedOperationException}).
 */
public final class Madvise {
    private Madvise() {}

    private static final long PAGE = Arch.PAGE_SIZE;

    /** madvise_behavior_valid (x86-64/arm64 with THP, KSM, memory failure). */
    static boolean validAdvice(int advice) {
        return switch (advice) {
            case Uapi.MADV_NORMAL, Uapi.MADV_RANDOM, Uapi.MADV_SEQUENTIAL, Uapi.MADV_WILLNEED, Uapi.MADV_DONTNEED,
                    Uapi.MADV_DONTNEED_LOCKED, Uapi.MADV_FREE, Uapi.MADV_REMOVE, Uapi.MADV_DONTFORK, Uapi.MADV_DOFORK,
                    Uapi.MADV_MERGEABLE, Uapi.MADV_UNMERGEABLE, Uapi.MADV_HUGEPAGE, Uapi.MADV_NOHUGEPAGE,
                    Uapi.MADV_DONTDUMP, Uapi.MADV_DODUMP, Uapi.MADV_WIPEONFORK, Uapi.MADV_KEEPONFORK, Uapi.MADV_COLD,
                    Uapi.MADV_PAGEOUT, Uapi.MADV_POPULATE_READ, Uapi.MADV_POPULATE_WRITE, Uapi.MADV_COLLAPSE,
                    Uapi.MADV_HWPOISON, Uapi.MADV_SOFT_OFFLINE, Uapi.MADV_GUARD_INSTALL, Uapi.MADV_GUARD_REMOVE -> true;
            default -> false;
        };
    }

    /** madvise(2): 0 or a negative errno. */
    public static int madvise(Mm mm, long addr, long len, int advice) {
        mm.env.counters.inc(Event.SYSCALL);
        if (!validAdvice(advice)) return -EINVAL;
        if ((addr & (PAGE - 1)) != 0) return -EINVAL;
        long alen = Mmap.pageAlign(len);
        if (len != 0 && alen == 0) return -EINVAL;
        long end = addr + alen;
        if (Long.compareUnsigned(end, addr) < 0) return -EINVAL;
        if (end == addr) return 0;
        mm.touch(addr, end);
        switch (advice) {
            case Uapi.MADV_COLLAPSE, Uapi.MADV_HWPOISON, Uapi.MADV_SOFT_OFFLINE, Uapi.MADV_GUARD_INSTALL,
                    Uapi.MADV_GUARD_REMOVE ->
                throw new UnsupportedOperationException("madvise advice " + advice + " is not modelled");
            case Uapi.MADV_POPULATE_READ, Uapi.MADV_POPULATE_WRITE -> {
                return populate(mm, addr, end, advice == Uapi.MADV_POPULATE_WRITE);
            }
            default -> {
                return walkVmas(mm, addr, end, advice);
            }
        }
    }

    /**
     * Bench-only (the swap-out unmap step row of {@code mmsim bench} and PageoutTimingTest): madvise(addr, len,
     * MADV_PAGEOUT) of private anonymous memory inside one VMA, with each PTE table's reclaim in phases so that the
     * unmap step alone can be timed ({@link Vmscan#pageoutTimingUnmap}): the same events, page tables, swap state and
     * frames as the call. Returns the {@code clock}'s differences over the unmaps, summed (two reads per PTE table).
     * IllegalArgumentException for a range that is not page-aligned, not inside one VMA or one MADV_PAGEOUT refuses.
     */
    public static long pageoutTimingUnmap(Mm mm, long addr, long len, LongSupplier clock) {
        long end = addr + len;
        if ((addr & (PAGE - 1)) != 0 || (len & (PAGE - 1)) != 0 || len <= 0 || end < addr) {
            throw new IllegalArgumentException("not a page-aligned range");
        }
        mm.env.counters.inc(Event.SYSCALL);
        mm.touch(addr, end);
        Vma v = mm.findVma(addr);
        if (v == null || addr < v.start || end > v.end) throw new IllegalArgumentException("not inside one VMA");
        if ((v.flags & (VmFlags.VM_LOCKED | VmFlags.VM_PFNMAP | VmFlags.VM_HUGETLB)) != 0) {
            throw new IllegalArgumentException("MADV_PAGEOUT refuses this VMA");
        }
        return Vmscan.pageoutTimingUnmap(mm, v, addr, end, clock);
    }

    /**
     * madvise_walk_vmas: visit every VMA part of [start, end); a gap is remembered as ENOMEM and the walk goes on;
     * a per-VMA error ends the walk (earlier VMAs stay advised).
     */
    private static int walkVmas(Mm mm, long start, long end, int advice) {
        Vma vma = mm.findVma(start);
        Vma prev = null;
        int unmapped = 0;
        while (true) {
            if (vma == null) return -ENOMEM;
            if (start < vma.start) {
                unmapped = -ENOMEM;
                start = vma.start;
                if (Long.compareUnsigned(start, end) >= 0) break;
            }
            long tmp = Math.min(vma.end, end);
            Vma[] out = {vma};
            int err = visit(mm, vma, start, tmp, advice, out);
            if (err != 0) return err;
            prev = out[0];
            start = tmp;
            if (prev != null && start < prev.end) start = prev.end;
            if (Long.compareUnsigned(start, end) >= 0) break;
            vma = mm.findVma(prev != null ? prev.end : start);
        }
        return unmapped;
    }

    /** madvise_vma_behavior for [start, end) inside v; out[0] receives the VMA now covering the part. */
    private static int visit(Mm mm, Vma v, long start, long end, int advice, Vma[] out) {
        long f = v.flags;
        switch (advice) {
            case Uapi.MADV_WILLNEED -> { return 0; } // anonymous memory: swap-in readahead only
            case Uapi.MADV_COLD -> {
                // can_madv_lru_vma
                if ((f & (VmFlags.VM_LOCKED | VmFlags.VM_PFNMAP | VmFlags.VM_HUGETLB)) != 0) return -EINVAL;
                Vmscan.cold(mm, v, start, end);
                return 0;
            }
            case Uapi.MADV_PAGEOUT -> {
                if ((f & (VmFlags.VM_LOCKED | VmFlags.VM_PFNMAP | VmFlags.VM_HUGETLB)) != 0) return -EINVAL;
                Vmscan.pageout(mm, v, start, end);
                return 0;
            }
            case Uapi.MADV_DONTNEED, Uapi.MADV_DONTNEED_LOCKED -> {
                if (!dontneedFreeValid(v, advice)) return -EINVAL;
                TlbGather tlb = new TlbGather(mm.env.arch, mm.env.counters);
                Zap.zapRange(mm, v, start, end, tlb);
                tlb.finish();
                reclaimEmptyPteTables(mm, start, end);
                return 0;
            }
            case Uapi.MADV_FREE -> {
                if (!dontneedFreeValid(v, advice)) return -EINVAL;
                lazyFree(mm, v, start, end);
                return 0;
            }
            case Uapi.MADV_REMOVE -> {
                // madvise_remove: only file (shmem) mappings can punch holes.
                if ((f & VmFlags.VM_LOCKED) != 0) return -EINVAL;
                if ((f & VmFlags.VM_SHARED) == 0) return -EINVAL;
                Shmem.punchHole(mm.env, v.shmem, v.pgoffOf(start), v.pgoffOf(end));
                return 0;
            }
            default -> { }
        }
        long nf = f;
        switch (advice) {
            case Uapi.MADV_NORMAL -> nf &= ~(VmFlags.VM_RAND_READ | VmFlags.VM_SEQ_READ);
            case Uapi.MADV_SEQUENTIAL -> nf = (nf & ~VmFlags.VM_RAND_READ) | VmFlags.VM_SEQ_READ;
            case Uapi.MADV_RANDOM -> nf = (nf & ~VmFlags.VM_SEQ_READ) | VmFlags.VM_RAND_READ;
            case Uapi.MADV_DONTFORK -> nf |= VmFlags.VM_DONTCOPY;
            case Uapi.MADV_DOFORK -> {
                if ((f & VmFlags.VM_IO) != 0) return -EINVAL;
                nf &= ~VmFlags.VM_DONTCOPY;
            }
            case Uapi.MADV_WIPEONFORK -> {
                if ((f & VmFlags.VM_SHARED) != 0) return -EINVAL; // also file mappings, which the model has not
                nf |= VmFlags.VM_WIPEONFORK;
            }
            case Uapi.MADV_KEEPONFORK -> nf &= ~VmFlags.VM_WIPEONFORK;
            case Uapi.MADV_DONTDUMP -> nf |= VmFlags.VM_DONTDUMP;
            case Uapi.MADV_DODUMP -> {
                if ((f & VmFlags.VM_HUGETLB) == 0 && (f & VmFlags.VM_SPECIAL) != 0) return -EINVAL;
                nf &= ~VmFlags.VM_DONTDUMP;
            }
            case Uapi.MADV_HUGEPAGE -> nf = (nf & ~VmFlags.VM_NOHUGEPAGE) | VmFlags.VM_HUGEPAGE;
            case Uapi.MADV_NOHUGEPAGE -> nf = (nf & ~VmFlags.VM_HUGEPAGE) | VmFlags.VM_NOHUGEPAGE;
            case Uapi.MADV_MERGEABLE -> {
                // ksm_madvise: VMAs KSM cannot handle are left alone without an error.
                if ((f & (VmFlags.VM_SPECIAL | VmFlags.VM_HUGETLB | VmFlags.VM_SHARED | VmFlags.VM_MAYSHARE)) == 0) {
                    nf |= VmFlags.VM_MERGEABLE;
                }
            }
            case Uapi.MADV_UNMERGEABLE -> nf &= ~VmFlags.VM_MERGEABLE;
            default -> throw new IllegalStateException("advice " + advice);
        }
        return updateVma(mm, v, start, end, nf, out);
    }

    /** madvise_update_vma: unchanged flags touch nothing; otherwise split/merge (ENOMEM becomes EAGAIN). */
    private static int updateVma(Mm mm, Vma v, long start, long end, long newFlags, Vma[] out) {
        if (newFlags == v.flags) {
            out[0] = v;
            return 0;
        }
        Vma nv = mm.modifyFlags(v, start, end, newFlags);
        if (nv == null) return -EAGAIN;
        nv.flags = newFlags;
        out[0] = nv;
        return 0;
    }

    /**
     * CONFIG_PT_RECLAIM (x86-64 and arm64, 6.14+): MADV_DONTNEED frees the PTE table of every PMD range it zapped
     * whole (reclaim_pt_is_enabled: the zap of that table spans PMD_SIZE) once all its entries are none. The PMD is
     * then empty again, so the next fault there may install a PMD THP. Found by difftest (docs/difftest.md).
     */
    static void reclaimEmptyPteTables(Mm mm, long start, long end) {
        for (long a = (start + Arch.PMD_SIZE - 1) & ~(Arch.PMD_SIZE - 1); a + Arch.PMD_SIZE <= end; a += Arch.PMD_SIZE) {
            mm.pt.freePteTableIfEmpty(a);
        }
    }

    /** madvise_dontneed_free_valid_vma: no PFN mappings; no locked VMAs unless MADV_DONTNEED_LOCKED. */
    private static boolean dontneedFreeValid(Vma v, int advice) {
        long forbidden = VmFlags.VM_PFNMAP;
        if (advice != Uapi.MADV_DONTNEED_LOCKED) forbidden |= VmFlags.VM_LOCKED;
        if ((v.flags & forbidden) != 0) return false;
        // MADV_FREE works on anonymous (private) memory only.
        return advice != Uapi.MADV_FREE || !v.isShared();
    }

    /**
     * madvise_free_single_vma: folios wholly inside the range and mapped only here are marked lazy-free (PTE young
     * and dirty cleared, the folio no longer swap-backed). A large folio only partly covered would be split by the
     * kernel first; the model leaves it as a failed split (trylock) would. Without reclaim the data stays
     * readable.
     */
    private static void lazyFree(Mm mm, Vma v, long start, long end) {
        MmEnv env = mm.env;
        Arch arch = env.arch;
        PteOps ops = env.pte;
        PhysMem phys = env.phys;
        TlbGather tlb = new TlbGather(arch, env.counters);
        PmdWalk.walk(mm, start, end, new PmdWalk.Visitor() {
            @Override public boolean leaf(long[] m, int mi, long a, long next, boolean whole) {
                long pte = arch.hugePmdToPte(m[mi]);
                long head = arch.ptePfn(pte);
                if (whole && head != PhysMem.HUGE_ZERO_PFN && phys.largeMapcount(head) == 512) {
                    env.counters.inc(Event.PTE_WRITE);
                    m[mi] = arch.pteToHugePmd(arch.pteMkold(arch.pteMkclean(pte)));
                    markLazyFree(phys, head);
                    tlb.add(a, Arch.PMD_SIZE);
                }
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
                    if (arch.pteIsSwap(pte)) {
                        // madvise_free_pte_range: swapped-out pages are dropped with their swap entries.
                        nr = Zap.zapSwapPtes(mm, t, i, last - i, pte);
                    } else if (arch.ptePresent(pte) && !arch.pteSpecial(pte)) {
                        env.counters.inc(Event.FOLIO_LOOKUP);
                        long pfn = arch.ptePfn(pte);
                        long head = phys.folioHead(pfn);
                        int n = phys.folioNrPages(head);
                        if (n > 1) nr = ops.folioPteBatch(head, t, i, pte, last - i, PteOps.FPB_MERGE_YOUNG_DIRTY);
                        boolean whole = n == 1 || (pfn == head && nr == n);
                        boolean mine = n == 1 ? phys.mapcount(pfn) == 1 : phys.largeMapcount(head) == n;
                        if (whole && mine && phys.folioTest(head, PhysMem.PG_ANON)
                                && (!phys.folioTest(head, PhysMem.PG_SWAPCACHE) || env.swap.freeSwapIfUnused(head))) {
                            ops.clearYoungDirtyPtes(t, i, nr);
                            markLazyFree(phys, head);
                            tlb.add(addr, (long) nr << Arch.PAGE_SHIFT);
                        }
                    }
                    i += nr;
                    addr += (long) nr << Arch.PAGE_SHIFT;
                }
            }
        });
        tlb.finish();
    }

    /** folio_mark_lazyfree: an anonymous, swap-backed folio not in the swap cache becomes lazy-free (clean). */
    private static void markLazyFree(PhysMem phys, long head) {
        if (phys.folioTest(head, PhysMem.PG_SWAPBACKED) && !phys.folioTest(head, PhysMem.PG_SWAPCACHE)) {
            phys.folioClear(head, PhysMem.PG_SWAPBACKED);
            phys.folioClear(head, PhysMem.PG_DIRTY);
        }
    }

    /**
     * madvise_populate: fault in [start, end) page by page as get_user_pages would (write faults for
     * POPULATE_WRITE, which breaks COW; read faults otherwise). A hole ends it with ENOMEM, a VMA that does not
     * allow the access (or is VM_IO/VM_PFNMAP) with EINVAL, a fault that fails with EFAULT (SIGSEGV) or ENOMEM.
     */
    private static int populate(Mm mm, long start, long end, boolean write) {
        for (long a = start; a < end; ) {
            Vma v = mm.vmaLookup(a);
            if (v == null) return -ENOMEM;
            if (!populateAllowed(v, write)) return -EINVAL;
            long e = Math.min(end, v.end);
            for (; a < e; a += PAGE) {
                int r = Fault.populate(mm, a, write);
                if (r == Fault.OOM) return -ENOMEM;
                if (r != Fault.OK) return -EFAULT;
            }
        }
        return 0;
    }

    /** check_vma_flags for FOLL_MADV_POPULATE (without FOLL_FORCE). */
    private static boolean populateAllowed(Vma v, boolean write) {
        if ((v.flags & (VmFlags.VM_IO | VmFlags.VM_PFNMAP)) != 0) return false;
        return write ? v.has(VmFlags.VM_WRITE) : v.has(VmFlags.VM_READ);
    }
}
