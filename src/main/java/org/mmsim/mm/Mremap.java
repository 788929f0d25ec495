package org.mmsim.mm;

import static org.mmsim.mm.Errno.EFAULT;
import static org.mmsim.mm.Errno.EINVAL;
import static org.mmsim.mm.Errno.ENOMEM;

import java.util.ArrayList;
import java.util.List;

import org.mmsim.arch.Arch;
import org.mmsim.arch.Counters;
import org.mmsim.arch.Event;
import org.mmsim.pgtable.PageTables;
import org.mmsim.pgtable.PteOps;
import org.mmsim.phys.PhysMem;

/**
 * mremap(2) (mm/mremap.c, Linux 6.17+; KERNEL_FACTS §2): argument checks with Linux's errno, in-place shrink and
 * growth, relocation (MREMAP_MAYMOVE), MREMAP_FIXED, MREMAP_DONTUNMAP and the multi-VMA pure move, and the
 * page-table move itself ({@link #movePageTables}): whole PUD/PMD entries when aligned ({@code move-pud},
 * {@code move-pmd}, seed 003), PMD-mapped THPs as one entry, and PTEs in {@link #movePtes}, batched per large folio
 * with {@code mremap-pte-batch} (seed 000), the folio look-up gated by the batch hint with {@code mremap-batch-hint}
 * (seed 002). Swap entries move one by one, as move_ptes moves them.
 *
 * <p>Not modelled (no such state in the model): mseal (EPERM), hugetlb, userfaultfd, RLIMIT_AS / RLIMIT_MEMLOCK
 * (ENOMEM / EAGAIN from may_expand_vm / mlock_future_ok), a killed task (EINTR), KSM, migration entries,
 * page-table allocation failure (so the move-back path of copy_vma_and_data never runs). The VM_ACCOUNT charge is
 * checked with the overcommit heuristic ({@link Mmap#vmEnoughMemory}) but not tracked.
 */
public final class Mremap {
    private Mremap() {}

    private static final long PAGE = Arch.PAGE_SIZE;
    private static final int KNOWN_FLAGS = Uapi.MREMAP_MAYMOVE | Uapi.MREMAP_FIXED | Uapi.MREMAP_DONTUNMAP;

    private enum RemapType { NO_RESIZE, SHRINK, EXPAND }

    /** vma_remap_struct: the state of one remap, rewritten as the operation goes (as in the kernel). */
    private static final class Vrm {
        final Mm mm;
        final int flags;
        long addr;
        long oldLen;
        long newLen;
        long newAddr;
        long delta;
        RemapType type;
        boolean populateExpand;

        Vrm(Mm mm, long addr, long oldLen, long newLen, int flags, long newAddr) {
            this.mm = mm;
            this.addr = addr;
            this.oldLen = oldLen;
            this.newLen = newLen;
            this.flags = flags;
            this.newAddr = newAddr;
        }

        boolean has(int f) { return (flags & f) != 0; }

        /** vrm_implies_new_addr: FIXED or DONTUNMAP. */
        boolean impliesNewAddr() { return has(Uapi.MREMAP_FIXED | Uapi.MREMAP_DONTUNMAP); }
    }

    /** mremap(2): returns the new address or a negative errno. */
    public static long mremap(Mm mm, long addr, long oldLen, long newLen, int flags, long newAddr) {
        MmEnv env = mm.env;
        env.counters.inc(Event.SYSCALL);
        // do_mremap: lengths are page-aligned (wrapping as unsigned C arithmetic does) before any check.
        Vrm vrm = new Vrm(mm, addr, pageAlign(oldLen), pageAlign(newLen), flags, newAddr);
        long res = checkMremapParams(vrm);
        if (res != 0) return res;
        mm.touch(vrm.addr, vrm.addr + Math.max(vrm.oldLen, vrm.newLen));
        if (vrm.has(Uapi.MREMAP_FIXED) && vrm.oldLen == vrm.newLen) {
            res = remapMove(vrm);
        } else {
            Vma vma = mm.vmaLookup(vrm.addr);
            res = checkPrepVma(vrm, vma);
            if (res != 0) return res;
            res = vrm.impliesNewAddr() ? mremapTo(vrm, vma) : mremapAt(vrm, vma);
        }
        // mlocked VMA that grew: fault in the new tail after the lock is dropped (mm_populate).
        if (!Errno.isError(res) && vrm.populateExpand) {
            Mmap.populateRange(mm, vrm.newAddr + vrm.oldLen, vrm.newAddr + vrm.oldLen + vrm.delta);
        }
        return res;
    }

    private static long pageAlign(long len) { return (len + PAGE - 1) & ~(PAGE - 1); }

    private static boolean ugt(long a, long b) { return Long.compareUnsigned(a, b) > 0; }

    /** check_mremap_params (KERNEL_FACTS §2.1): checks before taking the mmap lock. */
    private static long checkMremapParams(Vrm vrm) {
        long taskSize = vrm.mm.env.arch.taskSize();
        if ((vrm.flags & ~KNOWN_FLAGS) != 0) return -EINVAL;
        if ((vrm.addr & (PAGE - 1)) != 0) return -EINVAL;
        if (vrm.newLen == 0) return -EINVAL;
        if (ugt(vrm.newLen, taskSize)) return -EINVAL;
        if (!vrm.impliesNewAddr()) return 0;
        if (ugt(vrm.newAddr, taskSize - vrm.newLen)) return -EINVAL;
        if ((vrm.newAddr & (PAGE - 1)) != 0) return -EINVAL;
        if (!vrm.has(Uapi.MREMAP_MAYMOVE)) return -EINVAL;
        if (vrm.has(Uapi.MREMAP_DONTUNMAP) && vrm.oldLen != vrm.newLen) return -EINVAL;
        if (overlaps(vrm)) return -EINVAL;
        // Linux 6.18 (the v6.16 arithmetic, confirmed on the live kernel, docs/kernel-oracle.md): a move to a new
        // address may split the source and the destination before move_vma, which itself wants 4 maps of
        // headroom, so refuse up front unless map_count + 2 stays 4 below the limit (max - map_count >= 6). Later
        // kernels replaced this with check_map_count_against_split_early (map_count + 4 <= max, on every call).
        if (vrm.mm.mapCount() + 2 >= vrm.mm.env.tunables.maxMapCount - 3) return -ENOMEM;
        return 0;
    }

    /** vrm_overlaps: [addr, addr+old_len) and [new_addr, new_addr+new_len) intersect (unsigned arithmetic). */
    private static boolean overlaps(Vrm vrm) {
        long endOld = vrm.addr + vrm.oldLen;
        long endNew = vrm.newAddr + vrm.newLen;
        return ugt(endOld, vrm.newAddr) && ugt(endNew, vrm.addr);
    }

    /** check_prep_vma (KERNEL_FACTS §2.2): per-VMA checks; sets delta, type and, without a new address, new_addr. */
    private static long checkPrepVma(Vrm vrm, Vma vma) {
        if (vma == null) return -EFAULT;
        vrm.delta = ugt(vrm.oldLen, vrm.newLen) ? vrm.oldLen - vrm.newLen : vrm.newLen - vrm.oldLen;
        vrm.type = vrm.oldLen == vrm.newLen ? RemapType.NO_RESIZE
                : ugt(vrm.oldLen, vrm.newLen) ? RemapType.SHRINK : RemapType.EXPAND;
        if (!vrm.impliesNewAddr()) vrm.newAddr = vrm.addr;
        // Only an expansion or a move maps something new; a plain shrink or no-op needs nothing more.
        if (vrm.type != RemapType.EXPAND && !vrm.impliesNewAddr()) return 0;
        long oldLen = vrm.oldLen;
        long newLen = vrm.newLen;
        if (oldLen == 0 && !vma.has(VmFlags.VM_SHARED | VmFlags.VM_MAYSHARE)) return -EINVAL;
        // old_len 0 on a shared mapping: move_vma with nothing to move or unmap, i.e. a second mapping of the
        // same shmem pages at the new address.
        if (vrm.has(Uapi.MREMAP_DONTUNMAP) && vma.has(VmFlags.VM_DONTEXPAND | VmFlags.VM_PFNMAP)) return -EINVAL;
        // A shrink may unmap across VMA ends; only the kept prefix has to lie in this VMA.
        if (vrm.type == RemapType.SHRINK) oldLen = newLen;
        if (ugt(oldLen, vma.end - vrm.addr)) return -EFAULT;
        if (newLen == oldLen) return 0;
        if (vma.has(VmFlags.VM_LOCKED)) vrm.populateExpand = true;
        long pgoff = vma.pgoffOf(vrm.addr);
        if (Long.compareUnsigned(pgoff + (newLen >>> Arch.PAGE_SHIFT), pgoff) < 0) return -EINVAL;
        if (vma.has(VmFlags.VM_DONTEXPAND | VmFlags.VM_PFNMAP)) return -EFAULT;
        return 0;
    }

    /**
     * remap_move (Linux 6.17+): MREMAP_FIXED with old_len == new_len moves every VMA in [addr, addr+old_len),
     * splitting at the ends, keeping the gaps between them at the destination. A gap at the start is EFAULT.
     * Returns the destination of the first piece.
     */
    private static long remapMove(Vrm vrm) {
        Mm mm = vrm.mm;
        long start = vrm.addr;
        long end = start + vrm.oldLen;
        // The source pieces do not change under the sub-moves: every destination lies outside [start, end).
        List<long[]> pieces = new ArrayList<>();
        for (Vma v : mm.intersecting(start, end)) pieces.add(new long[] {v.start, v.end});
        long res = -EFAULT;
        long target = vrm.newAddr;
        long lastEnd = 0;
        boolean seen = false;
        for (long[] p : pieces) {
            long a = Math.max(p[0], start);
            long len = Math.min(end, p[1]) - a;
            if (!seen && start < p[0]) return -EFAULT;
            long offset = seen ? p[0] - lastEnd : 0;
            lastEnd = p[1];
            Vrm sub = new Vrm(mm, a, len, len, vrm.flags, target + offset);
            Vma vma = mm.vmaLookup(a);
            long r = checkPrepVma(sub, vma);
            if (r == 0) r = mremapTo(sub, vma);
            if (Errno.isError(r)) return r;
            if (!seen) res = r;
            seen = true;
            target = r + len;
        }
        return res;
    }

    /** mremap_at: no new address implied; resize in place, or move (expansion with MAYMOVE). */
    private static long mremapAt(Vrm vrm, Vma vma) {
        return switch (vrm.type) {
            case NO_RESIZE -> vrm.addr;
            case SHRINK -> {
                int r = vmiMunmap(vrm.mm, vrm.addr + vrm.newLen, vrm.delta);
                yield r < 0 ? r : vrm.addr;
            }
            case EXPAND -> expandVma(vrm, vma);
        };
    }

    /** expand_vma: in place when the range ends at vm_end and the space after it is free, else move if allowed. */
    private static long expandVma(Vrm vrm, Vma vma) {
        if (vma.end - vrm.addr == vrm.oldLen && vmaExpandable(vrm.mm, vma, vrm.delta)) {
            // expand_vma_in_place: vrm_calc_charge, then vma_merge_extend merges a new range [vm_end, vm_end+delta)
            // into vma (and the next VMA if compatible).
            if (!calcCharge(vrm, vma)) return -ENOMEM;
            Vma merged = vrm.mm.mergeNewRange(vma.end, vma.end + vrm.delta, vma.flags, vma.pgoffOf(vma.end),
                    vma.anonVma, vma.forkChild, vma.shmem);
            if (merged == null) return -ENOMEM;
            return vrm.addr;
        }
        if (!vrm.has(Uapi.MREMAP_MAYMOVE)) return -ENOMEM;
        long r = setNewAddr(vrm, vma);
        if (r < 0) return r;
        return moveVma(vrm, vma);
    }

    /** vma_expandable: no VMA in [vm_end, vm_end+delta) and get_unmapped_area(MAP_FIXED) accepts the grown VMA. */
    private static boolean vmaExpandable(Mm mm, Vma vma, long delta) {
        long end = vma.end + delta;
        if (Long.compareUnsigned(end, vma.end) < 0) return false;
        if (mm.anyIntersecting(vma.end, end)) return false;
        return Mmap.getUnmappedArea(mm, vma.start, end - vma.start, Uapi.MAP_FIXED, false) >= 0;
    }

    /** mremap_to: FIXED unmaps the destination first; a shrink unmaps the tail; then choose the address and move. */
    private static long mremapTo(Vrm vrm, Vma vma) {
        Mm mm = vrm.mm;
        if (vrm.has(Uapi.MREMAP_FIXED)) {
            int r = Mmap.doMunmap(mm, vrm.newAddr, vrm.newLen);
            if (r < 0) return r;
            vma = mm.vmaLookup(vrm.addr);
            if (vma == null) return -EFAULT;
        }
        if (vrm.type == RemapType.SHRINK) {
            int r = vmiMunmap(mm, vrm.addr + vrm.newLen, vrm.delta);
            if (r < 0) return r;
            vma = mm.vmaLookup(vrm.addr);
            if (vma == null) return -EFAULT;
            vrm.oldLen = vrm.newLen;
        }
        long r = setNewAddr(vrm, vma);
        if (r < 0) return r;
        return moveVma(vrm, vma);
    }

    /**
     * vrm_set_new_addr: get_unmapped_area with MAP_FIXED for FIXED, the new address as a hint for DONTUNMAP alone,
     * no hint otherwise (so PMD-multiple lengths get a PMD-aligned address). Its security_mmap_addr makes a FIXED
     * destination below vm.mmap_min_addr EPERM for a caller without CAP_SYS_RAWIO.
     */
    private static long setNewAddr(Vrm vrm, Vma vma) {
        Mm mm = vrm.mm;
        long hint = vrm.impliesNewAddr() ? vrm.newAddr : 0;
        int mapFlags = vrm.has(Uapi.MREMAP_FIXED) ? Uapi.MAP_FIXED : 0;
        long r = Mmap.getUnmappedArea(mm, hint, vrm.newLen, mapFlags, vma.has(VmFlags.VM_MAYSHARE));
        if (r < 0) return r;
        vrm.newAddr = r;
        return 0;
    }

    /**
     * vrm_calc_charge: an accounted VMA is charged the growth (delta), or the whole new length for DONTUNMAP, whose
     * source stays; security_vm_enough_memory_mm may refuse (ENOMEM). The live kernel refuses a 64 TiB growth.
     */
    private static boolean calcCharge(Vrm vrm, Vma vma) {
        if (!vma.has(VmFlags.VM_ACCOUNT)) return true;
        long bytes = vrm.has(Uapi.MREMAP_DONTUNMAP) ? vrm.newLen : vrm.delta;
        return Mmap.vmEnoughMemory(vrm.mm.env, bytes >>> Arch.PAGE_SHIFT);
    }

    /** do_vmi_munmap with its own argument checks (a shrink's tail may run past TASK_SIZE). */
    private static int vmiMunmap(Mm mm, long start, long len) {
        long taskSize = mm.env.arch.taskSize();
        if ((start & (PAGE - 1)) != 0 || ugt(start, taskSize) || ugt(len, taskSize - start)) return -EINVAL;
        return Mmap.doMunmap(mm, start, len);
    }

    /**
     * move_vma: copy the VMA to the destination (copy_vma, which may merge), move the page tables, then unmap the
     * source range through the normal munmap path (which frees the emptied tables) or, with DONTUNMAP, keep it
     * mapped and empty.
     */
    private static long moveVma(Vrm vrm, Vma vma) {
        Mm mm = vrm.mm;
        // prep_move_vma (6.18): do_munmap may split the source in three, so keep 4 maps of headroom
        // (map_count >= max - 3 is ENOMEM; max - map_count >= 4 on the live kernel). In-place growth and shrink
        // never come here and never fail on the map count.
        if (mm.mapCount() >= mm.env.tunables.maxMapCount - 3) return -ENOMEM;
        if (!calcCharge(vrm, vma)) return -ENOMEM;
        long newPgoff = vma.pgoffOf(vrm.addr);
        Vma newVma = copyVma(mm, vma, vrm.newAddr, vrm.newLen, newPgoff);
        // copy_vma may have merged the destination into the source VMA itself: look the source up again.
        Vma old = mm.vmaLookup(vrm.addr);
        movePageTables(mm, old, newVma, vrm.addr, vrm.newAddr, vrm.oldLen);
        if (vrm.has(Uapi.MREMAP_DONTUNMAP)) {
            dontunmapComplete(vrm, old, newVma);
        } else if (vrm.oldLen != 0) {
            // unmap_source_vma: a failing munmap (ENOMEM splitting) is ignored; the move has happened.
            Mmap.doMunmap(mm, vrm.addr, vrm.oldLen);
        }
        return vrm.newAddr;
    }

    /**
     * copy_vma (mm/vma.c): the destination VMA, merged into a neighbour when Linux would, else a copy of the
     * source with the new range and pgoff. An anonymous VMA with no anon_vma yet takes pgoff = addr >> PAGE_SHIFT,
     * so it can merge at its new place.
     */
    static Vma copyVma(Mm mm, Vma vma, long addr, long len, long pgoff) {
        // Only anonymous VMAs re-base pgoff; a shmem VMA keeps its offset into the object (vma_is_anonymous).
        if (vma.anonVma == null && vma.shmem == null) pgoff = addr >>> Arch.PAGE_SHIFT;
        Vma merged = mm.mergeNewRange(addr, addr + len, vma.flags, pgoff, vma.anonVma, vma.forkChild, vma.shmem);
        if (merged != null) return merged;
        Vma n = vma.copy();
        n.start = addr;
        n.end = addr + len;
        n.pgoff = pgoff;
        mm.insert(n);
        return n;
    }

    /**
     * dontunmap_complete: the source VMA stays, minus VM_LOCKED/VM_LOCKONFAULT; if the whole VMA was moved its
     * anon_vma link is dropped (a later fault there starts a fresh anon_vma).
     */
    private static void dontunmapComplete(Vrm vrm, Vma old, Vma newVma) {
        old.flags &= ~(VmFlags.VM_LOCKED | VmFlags.VM_LOCKONFAULT);
        if (newVma != old && vrm.addr == old.start && vrm.addr + vrm.oldLen == old.end) {
            vrm.mm.setAnonVma(old, null);
            old.forkChild = false;
        }
    }

    // ---- move_page_tables ------------------------------------------------------------------------------

    /** pagetable_move_control: the cursor of one page-table move. */
    private static final class Pmc {
        final Vma oldVma;
        final Vma newVma;
        long oldAddr;
        long newAddr;
        final long oldEnd;
        final long lenIn;

        Pmc(Vma oldVma, Vma newVma, long oldAddr, long newAddr, long len) {
            this.oldVma = oldVma;
            this.newVma = newVma;
            this.oldAddr = oldAddr;
            this.newAddr = newAddr;
            this.oldEnd = oldAddr + len;
            this.lenIn = len;
        }

        /** get_extent: bytes to the next boundary of this size from either address, at most what remains. */
        long extent(long size) {
            long mask = ~(size - 1);
            long extent = ((oldAddr + size) & mask) - oldAddr;
            if (extent > oldEnd - oldAddr) extent = oldEnd - oldAddr;
            long toNew = ((newAddr + size) & mask) - newAddr;
            return Math.min(extent, toNew);
        }
    }

    /**
     * move_page_tables (KERNEL_FACTS §2.5): moves the mappings of [oldAddr, oldAddr+len) to newAddr, one PUD or PMD
     * extent at a time. Returns the bytes moved (always all of them: table allocation does not fail in the model).
     */
    static long movePageTables(Mm mm, Vma oldVma, Vma newVma, long oldAddr, long newAddr, long len) {
        if (len == 0) return 0;
        mm.touch(oldAddr, oldAddr + len);
        mm.touch(newAddr, newAddr + len);
        MmEnv env = mm.env;
        Arch arch = env.arch;
        PageTables pt = mm.pt;
        Pmc pmc = new Pmc(oldVma, newVma, oldAddr, newAddr, len);
        if (env.has(Feature.MOVE_PMD)) tryRealignAddr(mm, pmc);
        long extent;
        for (; pmc.oldAddr < pmc.oldEnd; pmc.oldAddr += extent, pmc.newAddr += extent) {
            extent = pmc.extent(Arch.PUD_SIZE);
            long[] oldU = pt.pudTable(pmc.oldAddr, false);
            int oui = PageTables.pudIndex(pmc.oldAddr);
            if (oldU == null || oldU[oui] == 0) continue;
            long[] newU = pt.pudTable(pmc.newAddr, true);
            if (env.has(Feature.MOVE_PUD) && extent == Arch.PUD_SIZE
                    && moveNormalTable(env, oldU, oui, newU, PageTables.pudIndex(pmc.newAddr), pmc.oldAddr, Arch.PUD_SIZE, Event.PUD_MOVE)) {
                continue;
            }
            extent = pmc.extent(Arch.PMD_SIZE);
            long[] oldM = pt.pmdTable(pmc.oldAddr, false);
            int omi = PageTables.pmdIndex(pmc.oldAddr);
            if (oldM == null || oldM[omi] == 0) continue;
            long[] newM = pt.pmdTable(pmc.newAddr, true);
            int nmi = PageTables.pmdIndex(pmc.newAddr);
            if (arch.entryIsLeaf(oldM[omi])) {
                if (extent == Arch.PMD_SIZE && moveHugePmd(env, oldM, omi, newM, nmi, pmc.oldAddr)) continue;
                Thp.splitHugePmd(mm, oldM, omi, pmc.oldAddr & ~(Arch.PMD_SIZE - 1));
            } else if (env.has(Feature.MOVE_PMD) && extent == Arch.PMD_SIZE
                    && moveNormalTable(env, oldM, omi, newM, nmi, pmc.oldAddr, Arch.PMD_SIZE, Event.PMD_MOVE)) {
                continue;
            }
            if (oldM[omi] == 0) continue;
            long[] oldT = env.tables.get(arch.entryTableId(oldM[omi]));
            long[] newT = pt.pteTable(pmc.newAddr, true);
            movePtes(mm, oldT, newT, pmc.oldAddr, pmc.newAddr, extent);
        }
        return len;
    }

    /**
     * try_realign_addr (v6.7+): when the copy reaches the next PMD boundary and old and new share the same non-zero
     * offset in a PMD, and aligning both down lands on no mapping (each address is its VMA's start and nothing lies
     * between the aligned address and the VMA), start the move at the PMD boundaries so the first PMD moves whole.
     */
    private static void tryRealignAddr(Mm mm, Pmc pmc) {
        long alignMask = Arch.PMD_SIZE - 1;
        long oldAlign = pmc.oldAddr & alignMask;
        long newAlign = pmc.newAddr & alignMask;
        if (pmc.lenIn < Arch.PMD_SIZE - oldAlign) return;
        if (oldAlign == 0 || oldAlign != newAlign) return;
        if (!canAlignDown(mm, pmc.oldVma, pmc.oldAddr) || !canAlignDown(mm, pmc.newVma, pmc.newAddr)) return;
        pmc.oldAddr &= ~alignMask;
        pmc.newAddr &= ~alignMask;
    }

    /** can_align_down: addr is the VMA's start and no VMA lies in [addr aligned down, vm_start). */
    private static boolean canAlignDown(Mm mm, Vma vma, long addr) {
        if (vma.start != addr) return false;
        return !mm.anyIntersecting(addr & ~(Arch.PMD_SIZE - 1), vma.start);
    }

    /** PTE locks taken for a source and a destination table (one when both are the same table). */
    private static void lockPair(Counters c, long[] a, long[] b) {
        c.add(Event.PTL_LOCK, a == b ? 1 : 2);
    }

    /**
     * move_normal_pmd / move_normal_pud (move_pgt_entry): transplant the entry that points to a whole lower table
     * when the destination entry is none and the source is still a table; one flush of the entry's span
     * ({@code size}). The entries of the moved table are untouched (no soft-dirty marking).
     */
    private static boolean moveNormalTable(MmEnv env, long[] oldT, int oi, long[] newT, int ni, long oldAddr,
            long size, Event moved) {
        if (newT[ni] != 0) return false;
        lockPair(env.counters, oldT, newT);
        long entry = oldT[oi];
        if (!env.arch.entryIsTable(entry)) return false;
        oldT[oi] = 0;
        newT[ni] = entry;
        env.counters.inc(moved);
        env.arch.flushTlbRange(env.counters, oldAddr, oldAddr + size);
        return true;
    }

    /**
     * move_huge_pmd (mm/huge_memory.c): a PMD-mapped THP (or the huge zero page) moves as one entry, made
     * soft-dirty; one flush of PMD_SIZE. Refused when the destination entry is not none.
     */
    private static boolean moveHugePmd(MmEnv env, long[] oldM, int omi, long[] newM, int nmi, long oldAddr) {
        Arch arch = env.arch;
        if (newM[nmi] != 0) return false;
        lockPair(env.counters, oldM, newM);
        long pte = arch.hugePmdToPte(oldM[omi]);
        oldM[omi] = 0;
        env.counters.inc(Event.PTE_CLEAR);
        if (arch.hasSoftDirty()) pte = arch.pteMksoftDirty(pte);
        newM[nmi] = arch.pteToHugePmd(pte);
        env.counters.inc(Event.PTE_WRITE);
        env.counters.inc(Event.PMD_MOVE);
        arch.flushTlbRange(env.counters, oldAddr, oldAddr + Arch.PMD_SIZE);
        return true;
    }

    /**
     * move_ptes (KERNEL_FACTS §2.7): moves the entries of one extent (inside one PTE table at each side). A present
     * entry starts a batch (mremap_folio_pte_batch; 1 without {@code mremap-pte-batch}); the batch is cleared with
     * get_and_clear_full_ptes, made soft-dirty and written with set_ptes. One range flush of the extent if any
     * present entry moved.
     */
    static void movePtes(Mm mm, long[] oldT, long[] newT, long oldAddr, long newAddr, long extent) {
        MmEnv env = mm.env;
        Arch arch = env.arch;
        PteOps ops = env.pte;
        Counters c = env.counters;
        boolean batching = env.has(Feature.MREMAP_PTE_BATCH);
        boolean hint = env.has(Feature.MREMAP_BATCH_HINT);
        // A present entry moves alone unless folio batches are looked up (batching without the hint) or, on arm64,
        // it is in a valid contpte block: such entries move as runs, with the counts of one step per entry.
        boolean singleRuns = !batching || hint;
        // With batching on arm64, a run of whole contpte blocks of one 64K folio each moves in one loop, with the
        // counts of one batch per block.
        boolean contRuns = batching && arch.hasContpte();
        boolean softDirty = arch.hasSoftDirty();
        lockPair(c, oldT, newT);
        int oi = PageTables.pteIndex(oldAddr);
        int ni = PageTables.pteIndex(newAddr);
        int n = (int) (extent >>> Arch.PAGE_SHIFT);
        boolean forceFlush = false;
        int nr;
        for (int k = 0; k < n; k += nr) {
            nr = ops.noneRun(oldT, oi + k, n - k);
            if (nr > 0) {
                requireNone(newT, ni + k, nr, newAddr + ((long) k << Arch.PAGE_SHIFT));
                continue;
            }
            if (contRuns) {
                nr = ops.moveContBlocks(oldT, oi + k, newT, ni + k, n - k);
                if (nr > 0) {
                    forceFlush = true;
                    c.add(Event.PTE_MOVE, nr);
                    continue;
                }
            }
            if (singleRuns) {
                nr = ops.moveSinglePtes(oldT, oi + k, newT, ni + k, newAddr + ((long) k << Arch.PAGE_SHIFT), n - k,
                        softDirty);
                if (nr > 0) {
                    forceFlush = true;
                    c.add(Event.PTE_MOVE, nr);
                    continue;
                }
            }
            nr = 1;
            long oa = oldAddr + ((long) k << Arch.PAGE_SHIFT);
            long na = newAddr + ((long) k << Arch.PAGE_SHIFT);
            requireNone(newT, ni + k, 1, na);
            long oldPte = ops.ptepGet(oldT, oi + k);
            if (!arch.ptePresent(oldPte)) {
                // A swap entry moves on its own, swap-soft-dirty, and asks for no flush: no TLB holds a non-present
                // entry.
                ops.pteClear(oldT, oi + k);
                ops.setSwapPte(newT, ni + k, na, moveSoftDirtyPte(arch, oldPte));
                c.inc(Event.PTE_MOVE);
                continue;
            }
            if (batching) nr = mremapFolioPteBatch(env, oldT, oi + k, oldPte, n - k, hint);
            forceFlush = true;
            long pte = ops.getAndClearFullPtes(oldT, oi + k, oa, nr);
            pte = moveSoftDirtyPte(arch, pte);
            ops.setPtes(newT, ni + k, na, pte, nr);
            c.add(Event.PTE_MOVE, nr);
        }
        if (forceFlush) arch.flushTlbRange(c, oldAddr, oldAddr + extent);
    }

    /** The destination entries [i, i+nr) of a move must be none (the destination range was unmapped first). */
    private static void requireNone(long[] t, int i, int nr, long addr) {
        for (int j = 0; j < nr; j++) {
            if (t[i + j] != 0) {
                throw new IllegalStateException("mremap destination PTE not none at 0x"
                        + Long.toHexString(addr + ((long) j << Arch.PAGE_SHIFT)));
            }
        }
    }

    /**
     * mremap_folio_pte_batch: 1 for the last entry of the extent; with {@code mremap-batch-hint}, 1 unless the
     * architecture's batch hint says the entry is in a contiguous block (so x86 never looks the folio up); else
     * the folio is looked up (vm_normal_folio) and a large folio's run is measured with folio_pte_batch
     * (FPB_RESPECT_WRITE: set_ptes copies the first entry's write bit to the whole batch).
     */
    private static int mremapFolioPteBatch(MmEnv env, long[] t, int i, long pte, int maxNr, boolean hint) {
        if (maxNr == 1) return 1;
        if (hint && env.pte.pteBatchHint(i, pte) == 1) return 1;
        env.counters.inc(Event.FOLIO_LOOKUP);
        Arch arch = env.arch;
        if (arch.pteSpecial(pte)) return 1;
        PhysMem phys = env.phys;
        long head = phys.folioHead(arch.ptePfn(pte));
        if (phys.folioOrder(head) == 0) return 1;
        return env.pte.folioPteBatch(head, t, i, pte, maxNr, PteOps.FPB_RESPECT_WRITE);
    }

    /** move_soft_dirty_pte: a moved present entry becomes soft-dirty where the architecture tracks it. */
    private static long moveSoftDirtyPte(Arch arch, long pte) {
        if (!arch.hasSoftDirty()) return pte;
        return arch.ptePresent(pte) ? arch.pteMksoftDirty(pte) : arch.swpMksoftDirty(pte);
    }
}
