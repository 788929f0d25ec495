package org.mmsim.mm;

import static org.mmsim.mm.Errno.EBADF;
import static org.mmsim.mm.Errno.EEXIST;
import static org.mmsim.mm.Errno.EINVAL;
import static org.mmsim.mm.Errno.ENOMEM;
import static org.mmsim.mm.Errno.EOVERFLOW;
import static org.mmsim.mm.Errno.EPERM;

import java.util.List;

import org.mmsim.arch.Arch;
import org.mmsim.arch.Event;
import org.mmsim.pgtable.TlbGather;

/**
 * mmap and munmap (mm/mmap.c, mm/vma.c; KERNEL_FACTS §8.3, §8.4): argument checks with Linux's errno, address
 * placement (top-down, hint, MAP_FIXED, MAP_FIXED_NOREPLACE, THP alignment of PMD-multiple lengths), VMA creation
 * with merging, population, and unmapping of any sub-range with zap and page-table freeing.
 * Results are kernel style: an address, or a negative errno. Address limits follow the reference host: hints are
 * raised to max(vm.mmap_min_addr, CONFIG_LSM_MMAP_MIN_ADDR), MAP_FIXED below vm.mmap_min_addr needs
 * CAP_SYS_RAWIO ({@link Tunables#capSysRawio}); an accounted mapping is charged with the overcommit heuristic.
 */
public final class Mmap {
    private Mmap() {}

    private static final long PAGE = Arch.PAGE_SIZE;
    /** Stack guard gap before a VM_GROWSDOWN VMA (stack_guard_gap, 256 pages). */
    private static final long STACK_GUARD_GAP = 256 * PAGE;

    static long pageAlign(long len) { return (len + PAGE - 1) & ~(PAGE - 1); }

    /** mmap(2). */
    public static long mmap(Mm mm, long addr, long len, int prot, int flags, int fd, long off) {
        MmEnv env = mm.env;
        env.counters.inc(Event.SYSCALL);
        // ksys_mmap_pgoff / the x86-64 and arm64 sys_mmap wrappers
        if ((off & (PAGE - 1)) != 0) return -EINVAL;
        if ((flags & Uapi.MAP_ANONYMOUS) == 0) return -EBADF;
        if ((flags & Uapi.MAP_HUGETLB) != 0) return -EINVAL;
        long pgoffArg = off >>> Arch.PAGE_SHIFT;
        // do_mmap
        if (len == 0) return -EINVAL;
        if ((flags & Uapi.MAP_FIXED_NOREPLACE) != 0) flags |= Uapi.MAP_FIXED;
        if ((flags & Uapi.MAP_FIXED) == 0) addr = roundHintToMin(env, addr);
        long alen = pageAlign(len);
        if (alen == 0 || Long.compareUnsigned(len, alen) > 0) return -ENOMEM;
        if (pgoffArg + (alen >>> Arch.PAGE_SHIFT) < pgoffArg) return -EOVERFLOW;
        if (mm.mapCount() > env.tunables.maxMapCount) return -ENOMEM;
        // The anonymous path of do_mmap accepts only MAP_SHARED and MAP_PRIVATE (and MAP_DROPPABLE) types;
        // MAP_SHARED_VALIDATE is validated (EOPNOTSUPP) only for files and is EINVAL here (docs/kernel-oracle.md).
        // That switch comes after placement and the MAP_FIXED_NOREPLACE check (EEXIST wins; docs/difftest.md).
        int type = flags & Uapi.MAP_TYPE;
        boolean shared = type == Uapi.MAP_SHARED;
        boolean badType = !shared && type != Uapi.MAP_PRIVATE;
        long vmFlags = VmFlags.fromProt(prot) | VmFlags.VM_MAYREAD | VmFlags.VM_MAYWRITE | VmFlags.VM_MAYEXEC;
        vmFlags = Pkeys.withKey(vmFlags, Pkeys.forMmap(env, prot));
        if ((flags & Uapi.MAP_GROWSDOWN) != 0) vmFlags |= VmFlags.VM_GROWSDOWN;
        if ((flags & Uapi.MAP_LOCKED) != 0) vmFlags |= VmFlags.VM_LOCKED;
        if ((flags & Uapi.MAP_NORESERVE) != 0) vmFlags |= VmFlags.VM_NORESERVE;
        if ((flags & Uapi.MAP_STACK) != 0) vmFlags |= VmFlags.VM_NOHUGEPAGE;
        if (shared) {
            badType = (vmFlags & VmFlags.VM_GROWSDOWN) != 0;
            vmFlags |= VmFlags.VM_SHARED | VmFlags.VM_MAYSHARE;
        }
        long a = getUnmappedArea(mm, addr, alen, flags, shared);
        if (a < 0) return a;
        if ((flags & Uapi.MAP_FIXED_NOREPLACE) != 0 && mm.anyIntersecting(a, a + alen)) return -EEXIST;
        if (badType) return -EINVAL;
        if (!shared && (vmFlags & (VmFlags.VM_NORESERVE | VmFlags.VM_WRITE)) == VmFlags.VM_WRITE) vmFlags |= VmFlags.VM_ACCOUNT;
        // mmap_region -> accountable_mapping: an accounted mapping is charged its pages.
        if ((vmFlags & VmFlags.VM_ACCOUNT) != 0 && !vmEnoughMemory(env, alen >>> Arch.PAGE_SHIFT)) return -ENOMEM;
        long pgoff = shared ? 0 : a >>> Arch.PAGE_SHIFT;
        mm.touch(a, a + alen);
        long r = mmapRegion(mm, a, alen, vmFlags, pgoff, shared ? new Shmem(alen >>> Arch.PAGE_SHIFT) : null);
        if (r < 0) return r;
        if ((flags & Uapi.MAP_POPULATE) != 0 && (flags & Uapi.MAP_NONBLOCK) == 0 || (vmFlags & VmFlags.VM_LOCKED) != 0) {
            populateRange(mm, a, a + alen);
        }
        return a;
    }

    /**
     * __vm_enough_memory with vm.overcommit_memory = 0 (OVERCOMMIT_GUESS, the default and the reference host's
     * setting): a single charge larger than all RAM plus swap is refused; anything smaller is granted. The model
     * has no swap device, so the bound is the simulated RAM.
     */
    static boolean vmEnoughMemory(MmEnv env, long pages) {
        return Long.compareUnsigned(pages, env.phys.bytes() >>> Arch.PAGE_SHIFT) <= 0;
    }

    /**
     * round_hint_to_min: the hint is masked to a page (so a hint below 4096 means no hint), then one below the
     * effective mmap_min_addr is raised to it (0x1000 becomes 0x10000 with CONFIG_LSM_MMAP_MIN_ADDR = 64K).
     */
    private static long roundHintToMin(MmEnv env, long hint) {
        hint &= ~(PAGE - 1);
        long min = env.tunables.effectiveMmapMinAddr();
        if (hint != 0 && Long.compareUnsigned(hint, min) < 0) return pageAlign(min);
        return hint;
    }

    /**
     * security_mmap_addr at the end of __get_unmapped_area: cap_mmap_addr refuses an address below
     * vm.mmap_min_addr with EPERM unless the caller has CAP_SYS_RAWIO (root maps even address 0). SELinux's
     * own check against CONFIG_LSM_MMAP_MIN_ADDR is not modelled (the reference host does not run SELinux).
     */
    private static long securityMmapAddr(MmEnv env, long addr) {
        if (Long.compareUnsigned(addr, env.tunables.mmapMinAddr) < 0 && !env.tunables.capSysRawio) return -EPERM;
        return addr;
    }

    /**
     * __get_unmapped_area: MAP_FIXED takes addr as is (checked); a usable hint is taken verbatim; else a top-down
     * search below mmap_base, PMD-aligned for anonymous private lengths that are a multiple of PMD_SIZE and no hint.
     */
    static long getUnmappedArea(Mm mm, long addr, long len, int flags, boolean shared) {
        MmEnv env = mm.env;
        long taskSize = env.arch.taskSize();
        long minAddr = env.tunables.effectiveMmapMinAddr();
        if (Long.compareUnsigned(len, taskSize) > 0) return -ENOMEM;
        long r;
        if ((flags & Uapi.MAP_FIXED) != 0) {
            r = addr;
        } else if (!shared && addr == 0 && (len & (Arch.PMD_SIZE - 1)) == 0) {
            r = thpAligned(mm, len);
            if (r < 0) r = searchTopDown(mm, len);
        } else {
            if (len > taskSize - minAddr) return -ENOMEM;
            r = -1;
            if (addr != 0 && Long.compareUnsigned(addr, taskSize - len) <= 0 && addr >= minAddr && gapFits(mm, addr, len)) r = addr;
            if (r < 0) r = searchTopDown(mm, len);
        }
        if (r < 0) return r;
        if (Long.compareUnsigned(r, taskSize - len) > 0) return -ENOMEM;
        if ((r & (PAGE - 1)) != 0) return -EINVAL;
        return securityMmapAddr(env, r);
    }

    /** __thp_get_unmapped_area for anonymous memory: search len + PMD_SIZE, then align (top of the padding when aligned). */
    private static long thpAligned(Mm mm, long len) {
        long r = searchTopDown(mm, len + Arch.PMD_SIZE);
        if (r < 0) return r;
        long offSub = (-r) & (Arch.PMD_SIZE - 1);
        if (offSub == 0) return r + Arch.PMD_SIZE;
        return r + offSub;
    }

    /** The hint range is free, including stack guard gaps. */
    private static boolean gapFits(Mm mm, long addr, long len) {
        Vma next = mm.findVma(addr);
        if (next != null && addr + len > startGap(next)) return false;
        Vma prev = mm.vmaBefore(addr);
        return prev == null || addr >= prev.end;
    }

    private static long startGap(Vma v) {
        if (v.has(VmFlags.VM_GROWSDOWN)) return Math.max(0, v.start - STACK_GUARD_GAP);
        return v.start;
    }

    /**
     * vm_unmapped_area top-down below mmap_base: the highest gap that fits, taking each VMA's stack guard gap into
     * account, and not looking below a VMA that starts under the lowest address allowed; failing that, a bottom-up
     * search above TASK_SIZE/3. While no VMA grows down the gap index finds that gap without walking the VMAs whose
     * gaps are too small ({@link #searchTopDownIndexed}); {@link #searchTopDownWalk} is the walk itself.
     */
    static long searchTopDown(Mm mm, long len) {
        if (!mm.gapsExact()) return searchTopDownWalk(mm, len);
        long r = searchTopDownIndexed(mm, len);
        return r != NO_GAP ? r : searchBottomUp(mm, len);
    }

    /** What the top-down part of the search returns when no gap below mmap_base fits. */
    private static final long NO_GAP = Long.MIN_VALUE;

    /**
     * The top-down part of the search with the gap index (no VMA grows down, so a gap runs from a VMA's end to the
     * next VMA's start, and below mmap_base to mmap_base itself): the same answer as the walk, or {@link #NO_GAP}.
     */
    static long searchTopDownIndexed(Mm mm, long len) {
        long low = Math.max(PAGE, mm.env.tunables.effectiveMmapMinAddr());
        long base = mm.mmapBase;
        Vma first = null;
        for (Vma v : mm.vmasBelowDescending(base)) {
            first = v;
            break;
        }
        if (first == null) return base - low >= len ? base - len : NO_GAP;
        // A VMA across mmap_base leaves no gap up there; the walk then looks at the next gap down whatever its top.
        boolean across = first.end > base;
        if (!across && base - first.end >= len) return base - len;
        if (!across && first.start < low) return NO_GAP;
        long at = mm.highestGapBelow(first.start, len);
        if (at >= 0) {
            Vma above = mm.next(mm.vmaAt(at));
            return above.start >= low || across && above == first ? above.start - len : NO_GAP;
        }
        long lowest = mm.vmas().iterator().next().start;
        return lowest - low >= len ? lowest - len : NO_GAP;
    }

    /** The search walking the VMAs from mmap_base down, then {@link #searchBottomUp}. */
    static long searchTopDownWalk(Mm mm, long len) {
        long low = Math.max(PAGE, mm.env.tunables.effectiveMmapMinAddr());
        long top = mm.mmapBase;
        for (Vma v : mm.vmasBelowDescending(top)) {
            if (v.end > top) {
                top = Math.min(top, startGap(v));
                continue;
            }
            if (top - v.end >= len) return top - len;
            top = startGap(v);
            if (top < low) break;
        }
        if (top - low >= len) return top - len;
        return searchBottomUp(mm, len);
    }

    /** The bottom-up fallback of vm_unmapped_area: the lowest gap above TASK_SIZE/3 that fits. */
    private static long searchBottomUp(Mm mm, long len) {
        long base = pageAlign(mm.env.arch.taskSize() / 3);
        long cur = base;
        for (Vma v : mm.vmas()) {
            if (v.end <= cur) continue;
            if (startGap(v) - cur >= len) return cur;
            cur = Math.max(cur, v.end);
        }
        if (mm.env.arch.taskSize() - cur >= len) return cur;
        return -ENOMEM;
    }

    /**
     * mmap_region for anonymous memory: unmap what [addr, addr+len) covers, then merge with a neighbour or insert a
     * new VMA.
     */
    static long mmapRegion(Mm mm, long addr, long len, long vmFlags, long pgoff, Shmem shmem) {
        long end = addr + len;
        if (mm.anyIntersecting(addr, end)) {
            int err = doMunmap(mm, addr, len);
            if (err < 0) return err;
        }
        Vma merged = mm.mergeNewRange(addr, end, vmFlags, pgoff, null, false, shmem);
        if (merged == null) {
            Vma v = new Vma(addr, end, vmFlags, pgoff);
            v.shmem = shmem;
            mm.insert(v);
        }
        return addr;
    }

    /** populate_vma_page_range over [start, end): write faults for private writable VMAs, read faults otherwise. */
    static int populateRange(Mm mm, long start, long end) {
        for (long a = start; a < end; a += PAGE) {
            Vma v = mm.vmaLookup(a);
            if (v == null) return -ENOMEM;
            if ((v.flags & VmFlags.VM_ACCESS_FLAGS) == 0) continue;
            boolean write = (v.flags & (VmFlags.VM_WRITE | VmFlags.VM_SHARED)) == VmFlags.VM_WRITE;
            int r = Fault.populate(mm, a, write);
            if (r == Fault.OOM) return -ENOMEM;
        }
        return 0;
    }

    /** munmap(2). */
    public static int munmap(Mm mm, long addr, long len) {
        mm.env.counters.inc(Event.SYSCALL);
        long taskSize = mm.env.arch.taskSize();
        if ((addr & (PAGE - 1)) != 0 || Long.compareUnsigned(addr, taskSize) > 0
                || Long.compareUnsigned(len, taskSize - addr) > 0) return -EINVAL;
        long alen = pageAlign(len);
        if (alen == 0) return -EINVAL;
        return doMunmap(mm, addr, alen);
    }

    /**
     * do_vmi_munmap for a checked, aligned range: split the first and last VMA at the edges, zap the range, free
     * page tables no longer covered, remove the VMAs.
     */
    static int doMunmap(Mm mm, long start, long len) {
        long end = start + len;
        mm.touch(start, end);
        Vma first = mm.findVma(start);
        if (first == null || first.start >= end) return 0;
        if (start > first.start) {
            if (end < first.end && mm.mapCount() >= mm.env.tunables.maxMapCount) return -ENOMEM;
            first = mm.splitVmaUnchecked(first, start);
        }
        Vma last = mm.vmaLookup(end - 1);
        if (last != null && end < last.end) mm.splitVmaUnchecked(last, end);
        List<Vma> doomed = mm.intersecting(start, end);
        TlbGather tlb = new TlbGather(mm.env.arch, mm.env.counters);
        for (Vma v : doomed) Zap.zapRange(mm, v, v.start, v.end, tlb);
        tlb.finish();
        for (Vma v : doomed) mm.remove(v);
        freePgtables(mm, start, end);
        for (Vma v : doomed) Shmem.releaseIfUnmapped(mm.env, v.shmem);
        return 0;
    }

    /** free_pgtables: frees tables of [start, end) that no remaining VMA needs (floor/ceiling = the neighbours). */
    static void freePgtables(Mm mm, long start, long end) {
        Vma prev = mm.vmaBefore(start);
        Vma next = mm.findVma(end);
        long floor = prev == null ? 0 : prev.end;
        // USER_PGTABLES_CEILING: with nothing above, tables may be freed up to the top of the address space.
        long ceiling = next == null ? 1L << 56 : next.start;
        floor = (floor + Arch.PMD_SIZE - 1) & ~(Arch.PMD_SIZE - 1);
        if (prev != null && (prev.end & (Arch.PMD_SIZE - 1)) != 0) floor = (prev.end & ~(Arch.PMD_SIZE - 1)) + Arch.PMD_SIZE;
        ceiling &= ~(Arch.PMD_SIZE - 1);
        if (ceiling <= floor) return;
        mm.pt.freeTables(Math.max(start & ~(Arch.PMD_SIZE - 1), floor), Math.min(pageAlignUp(end, Arch.PMD_SIZE), ceiling), floor, ceiling);
    }

    private static long pageAlignUp(long v, long a) { return (v + a - 1) & ~(a - 1); }
}
