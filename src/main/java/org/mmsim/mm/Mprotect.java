package org.mmsim.mm;

import static org.mmsim.mm.Errno.EACCES;
import static org.mmsim.mm.Errno.EINVAL;
import static org.mmsim.mm.Errno.ENOMEM;

import org.mmsim.arch.Arch;
import org.mmsim.arch.Event;
import org.mmsim.pgtable.PageTables;
import org.mmsim.pgtable.PteOps;
import org.mmsim.pgtable.TlbGather;
import org.mmsim.phys.PhysMem;

/**
 * mprotect(2) and the change_protection walk (mm/mprotect.c; KERNEL_FACTS §3).
 *
 * <p>The syscall validates its arguments (§3.1), then walks the VMAs of the range, giving each piece its new
 * flags through {@link Mm#modifyFlags} (split or merge, §3.2) and rewriting its page-table entries (§3.3) under
 * one {@link TlbGather} for the whole call (§3.4): a changed run adds its range only when the architecture's
 * {@code pte_needs_flush} says so.
 *
 * <p>With {@link Feature#MPROTECT_PTE_BATCH} (seed 004) the PTE walk works on a run of entries of one large folio
 * at a time (folio_pte_batch with RESPECT_SOFT_DIRTY|RESPECT_WRITE; start/commit of the whole run), commits
 * anonymous runs in sub-runs of equal PageAnonExclusive, and the NUMA-hinting walk skips a whole run it must not
 * touch. Without it every entry is handled on its own, and the folio is looked up only where the old kernel did
 * (the NUMA-hinting checks, and the page look-up of can_change_pte_writable).
 */
public final class Mprotect {
    private Mprotect() {}

    /** MM_CP_TRY_CHANGE_WRITABLE: entries may become writable without a write fault. */
    static final int MM_CP_TRY_CHANGE_WRITABLE = 1;
    /** MM_CP_PROT_NUMA: make entries PROT_NONE for NUMA hinting. */
    static final int MM_CP_PROT_NUMA = 1 << 1;

    private static final long PAGE = Arch.PAGE_SIZE;
    /** Protection bits arch_validate_prot accepts on x86-64 and arm64 (without BTI/MTE, which are not modelled). */
    private static final int VALID_PROT = Uapi.PROT_READ | Uapi.PROT_WRITE | Uapi.PROT_EXEC | Uapi.PROT_SEM;

    /** mprotect(2): 0 or a negative errno. */
    public static int mprotect(Mm mm, long addr, long len, int prot) {
        MmEnv env = mm.env;
        env.counters.inc(Event.SYSCALL);
        long start = addr;
        int grows = prot & (Uapi.PROT_GROWSDOWN | Uapi.PROT_GROWSUP);
        prot &= ~grows;
        // do_mprotect_pkey, in the kernel's order of checks
        if (grows == (Uapi.PROT_GROWSDOWN | Uapi.PROT_GROWSUP)) return -EINVAL;
        if ((start & (PAGE - 1)) != 0) return -EINVAL;
        if (len == 0) return 0;
        long alen = Mmap.pageAlign(len);
        long end = start + alen;
        if (Long.compareUnsigned(end, start) <= 0) return -ENOMEM;
        if ((prot & ~VALID_PROT) != 0) return -EINVAL;

        Vma vma = mm.findVma(start);
        if (vma == null || Long.compareUnsigned(vma.start, end) >= 0) return -ENOMEM;
        if ((grows & Uapi.PROT_GROWSDOWN) != 0) {
            if (Long.compareUnsigned(vma.start, end) >= 0) return -ENOMEM;
            start = vma.start;
            if (!vma.has(VmFlags.VM_GROWSDOWN)) return -EINVAL;
        } else {
            if (vma.start > start) return -ENOMEM;
            // VM_GROWSUP does not exist on x86-64 or arm64 (it is VM_NONE there).
            if ((grows & Uapi.PROT_GROWSUP) != 0) return -EINVAL;
        }

        mm.touch(start, end);
        TlbGather tlb = new TlbGather(env.arch, env.counters);
        int error = 0;
        long nstart = start;
        long tmp = vma.start;
        Vma cur = vma;
        while (cur != null && Long.compareUnsigned(cur.start, end) < 0) {
            if (cur.start != tmp) {
                error = -ENOMEM;
                break;
            }
            long newFlags = Pkeys.withKey(VmFlags.fromProt(prot) | (cur.flags & ~VmFlags.VM_ACCESS_FLAGS),
                    Pkeys.forMprotect(env, cur, prot));
            // The new access may not exceed VM_MAY*: VM_MAYREAD is VM_READ << 4 and so on.
            if ((newFlags & ~(newFlags >>> 4) & VmFlags.VM_ACCESS_FLAGS) != 0) {
                error = -EACCES;
                break;
            }
            tmp = Math.min(cur.end, end);
            Vma done = fixup(mm, tlb, cur, nstart, tmp, newFlags);
            if (done == null) {
                error = -ENOMEM;
                break;
            }
            // vma_iter_end: a merge with the next VMA may have taken us past tmp (that VMA already had these flags).
            tmp = done.end;
            nstart = tmp;
            if (Long.compareUnsigned(nstart, end) >= 0) break;
            cur = mm.findVma(nstart);
        }
        tlb.finish();
        if (error == 0 && Long.compareUnsigned(tmp, end) < 0) error = -ENOMEM;
        return error;
    }

    /**
     * mprotect_fixup for [start, end) inside v: accounting flag, vma_modify_flags, change_protection, populate of
     * a locked private VMA that became writable. Returns the VMA now covering the piece, or null for -ENOMEM.
     */
    private static Vma fixup(Mm mm, TlbGather tlb, Vma v, long start, long end, long newFlags) {
        long oldFlags = v.flags;
        if (newFlags == oldFlags) return v;
        if ((newFlags & VmFlags.VM_WRITE) != 0) {
            // Making a private mapping writable charges it (security_vm_enough_memory_mm, the overcommit heuristic).
            if ((oldFlags & (VmFlags.VM_ACCOUNT | VmFlags.VM_WRITE | VmFlags.VM_HUGETLB | VmFlags.VM_SHARED
                    | VmFlags.VM_NORESERVE)) == 0) {
                if (!Mmap.vmEnoughMemory(mm.env, (end - start) >>> Arch.PAGE_SHIFT)) return null;
                newFlags |= VmFlags.VM_ACCOUNT;
            }
        } else if ((oldFlags & VmFlags.VM_ACCOUNT) != 0 && v.anonVma == null) {
            newFlags &= ~VmFlags.VM_ACCOUNT;
        }
        if (newFlags == oldFlags) return v;
        Vma nv = mm.modifyFlags(v, start, end, newFlags);
        if (nv == null) return null;
        nv.flags = newFlags;
        int cp = 0;
        // vma_wants_manual_pte_write_upgrade: VM_WRITE, and for shared mappings no write-notify (anon shmem needs none).
        if ((newFlags & VmFlags.VM_WRITE) != 0) cp |= MM_CP_TRY_CHANGE_WRITABLE;
        changeProtection(mm, tlb, nv, start, end, cp);
        if ((oldFlags & (VmFlags.VM_WRITE | VmFlags.VM_SHARED | VmFlags.VM_LOCKED)) == VmFlags.VM_LOCKED
                && (newFlags & VmFlags.VM_WRITE) != 0) {
            Mmap.populateRange(mm, start, end);
        }
        return nv;
    }

    /**
     * change_protection over [start, end) of v with v's protection (PROT_NONE for MM_CP_PROT_NUMA). Returns the
     * number of entries changed. Huge PMDs fully covered are changed whole; partially covered ones are split
     * first.
     */
    static long changeProtection(Mm mm, TlbGather tlb, Vma v, long start, long end, int cpFlags) {
        boolean numa = (cpFlags & MM_CP_PROT_NUMA) != 0;
        int prot = numa ? Uapi.PROT_NONE : v.prot();
        long[] pages = {0};
        PmdWalk.walk(mm, start, end, new PmdWalk.Visitor() {
            @Override public boolean leaf(long[] m, int mi, long addr, long next, boolean whole) {
                if (whole) pages[0] += changeHugePmd(mm, tlb, v, m, mi, addr, prot, cpFlags);
                return whole;
            }

            @Override public void pteRange(long[] t, long addr, long next) {
                pages[0] += changePteRange(mm, tlb, v, t, addr, next, prot, cpFlags);
            }
        });
        return pages[0];
    }

    /**
     * The protection key of the entries change_protection writes: the VMA's, except for NUMA hinting, whose
     * PAGE_NONE carries none (do_numa_page restores the VMA's).
     */
    private static int entryKey(Vma v, int cpFlags) {
        return (cpFlags & MM_CP_PROT_NUMA) != 0 ? Pkeys.DEFAULT : v.pkey();
    }

    /** change_huge_pmd: returns 512 if the PMD was changed, 0 if skipped (NUMA hinting). */
    private static long changeHugePmd(Mm mm, TlbGather tlb, Vma v, long[] m, int mi, long haddr, int prot, int cpFlags) {
        MmEnv env = mm.env;
        Arch arch = env.arch;
        PhysMem phys = env.phys;
        env.counters.inc(Event.PTL_LOCK);
        env.counters.inc(Event.PTE_READ);
        long old = arch.hugePmdToPte(m[mi]);
        long head = arch.ptePfn(old);
        boolean zero = head == PhysMem.HUGE_ZERO_PFN;
        if ((cpFlags & MM_CP_PROT_NUMA) != 0) {
            if (zero || arch.pteProtnone(old)) return 0;
            env.counters.inc(Event.FOLIO_LOOKUP);
            if (isCowMapping(v) && phys.largeMapcount(head) > phys.folioNrPages(head)) return 0;
        }
        // pmdp_invalidate_ad, pmd_modify, set_pmd_at
        env.counters.inc(Event.PTE_CLEAR);
        long ent = arch.pteModify(old, prot, v.isShared(), entryKey(v, cpFlags));
        if ((cpFlags & MM_CP_TRY_CHANGE_WRITABLE) != 0 && !arch.pteWrite(ent) && !arch.pteProtnone(ent)) {
            boolean w;
            if (v.isShared()) {
                w = arch.pteDirty(ent);
            } else {
                env.counters.inc(Event.FOLIO_LOOKUP);
                w = !zero && phys.folioTest(head, PhysMem.PG_ANON) && phys.pageAnonExclusive(head);
            }
            if (w) ent = arch.pteMkwrite(ent);
        }
        m[mi] = arch.pteToHugePmd(ent);
        env.counters.inc(Event.PTE_WRITE);
        if (arch.pteNeedsFlush(old, ent)) tlb.add(haddr, Arch.PMD_SIZE);
        return 512;
    }

    static boolean isCowMapping(Vma v) {
        return (v.flags & (VmFlags.VM_SHARED | VmFlags.VM_MAYWRITE)) == VmFlags.VM_MAYWRITE;
    }

    /**
     * vm_normal_folio: the head pfn of the folio a present PTE maps, or -1 for the zero page (special entries).
     * Counts a FOLIO_LOOKUP.
     */
    private static long normalFolio(MmEnv env, long pte) {
        env.counters.inc(Event.FOLIO_LOOKUP);
        if (env.arch.pteSpecial(pte)) return -1;
        return env.phys.folioHead(env.arch.ptePfn(pte));
    }

    /**
     * prot_numa's "must not hint this folio" checks: no normal folio (zero page), or a COW mapping of a folio that
     * may be mapped by another process. (Node placement is not modelled: every folio is treated as worth hinting.)
     */
    private static boolean numaSkip(MmEnv env, Vma v, long head) {
        if (head < 0) return true;
        PhysMem phys = env.phys;
        if (!isCowMapping(v)) return false;
        if (phys.folioOrder(head) == 0) return phys.mapcount(head) > 1;
        return phys.largeMapcount(head) > phys.folioNrPages(head);
    }

    /** change_pte_range over [start, end) of one PTE table; returns the entries changed. */
    private static long changePteRange(Mm mm, TlbGather tlb, Vma v, long[] t, long start, long end, int prot, int cpFlags) {
        MmEnv env = mm.env;
        Arch arch = env.arch;
        PteOps ops = env.pte;
        PhysMem phys = env.phys;
        boolean batched = env.has(Feature.MPROTECT_PTE_BATCH);
        boolean numa = (cpFlags & MM_CP_PROT_NUMA) != 0;
        boolean tryWritable = (cpFlags & MM_CP_TRY_CHANGE_WRITABLE) != 0;
        boolean shared = v.isShared();
        int pkey = entryKey(v, cpFlags);
        env.counters.inc(Event.PTL_LOCK);
        int i = PageTables.pteIndex(start);
        int last = i + (int) ((end - start) >>> Arch.PAGE_SHIFT);
        long addr = start;
        long pages = 0;
        while (i < last) {
            int nr = 1;
            long pte = ops.ptepGet(t, i);
            if (arch.ptePresent(pte)) {
                int maxNr = last - i;
                long head = -1;
                boolean looked = false;
                boolean skip = false;
                if (numa) {
                    if (arch.pteProtnone(pte)) {
                        skip = true;
                    } else {
                        head = normalFolio(env, pte);
                        looked = true;
                        if (numaSkip(env, v, head)) {
                            // Seed 004 patch 1: skip every PTE of this folio at once.
                            if (batched && head >= 0 && phys.folioOrder(head) > 0) {
                                nr = ops.folioPteBatch(head, t, i, pte, maxNr, 0);
                            }
                            skip = true;
                        }
                    }
                }
                if (!skip) {
                    if (batched && !looked) head = normalFolio(env, pte);
                    long old;
                    if (batched && head >= 0 && phys.folioOrder(head) > 0) {
                        // folio_pte_batch, then modify_prot_start_ptes of the run it found (one pass; the none
                        // entries are not written, as the commit below overwrites them: PteOps.startFolioPtes)
                        nr = ops.startFolioPtes(head, t, i, addr, pte, maxNr,
                                PteOps.FPB_RESPECT_SOFT_DIRTY | PteOps.FPB_RESPECT_WRITE);
                        old = ops.clearedPte();
                    } else {
                        old = ops.modifyProtStartPtes(t, i, addr, nr);
                    }
                    long ent = arch.pteModify(old, prot, shared, pkey);
                    if (tryWritable && !arch.pteWrite(ent)) {
                        commitMaybeWritable(env, tlb, v, t, i, addr, old, ent, nr, batched, head);
                    } else {
                        commit(env, tlb, t, i, addr, old, ent, 0, nr, false);
                    }
                    pages += nr;
                }
            }
            // A swap entry is left as it is: change_softleaf_pte only rewrites writable migration and
            // device-private entries and uffd-wp bits, none of which the model has, so it changes nothing (0 pages).
            i += nr;
            addr += (long) nr << Arch.PAGE_SHIFT;
        }
        return pages;
    }

    /**
     * The write-upgrade commit: shared VMAs by the dirty bit; private VMAs only for anonymous folios and per page
     * by PageAnonExclusive (batched: sub-runs of equal exclusivity; unbatched: can_change_pte_writable, whose
     * vm_normal_page is a folio look-up).
     */
    private static void commitMaybeWritable(MmEnv env, TlbGather tlb, Vma v, long[] t, int i, long addr, long old,
            long ent, int nr, boolean batched, long head) {
        Arch arch = env.arch;
        PhysMem phys = env.phys;
        // Entries that are not even readable, and (not modelled) soft-dirty or uffd-wp tracking, keep faulting.
        if (arch.pteProtnone(ent) || arch.pteUffdWp(ent)) {
            commit(env, tlb, t, i, addr, old, ent, 0, nr, false);
            return;
        }
        if (v.isShared()) {
            commit(env, tlb, t, i, addr, old, ent, 0, nr, arch.pteDirty(ent));
            return;
        }
        if (!batched) {
            // can_change_pte_writable: vm_normal_page, PageAnon, PageAnonExclusive.
            long h = normalFolio(env, ent);
            boolean w = h >= 0 && phys.folioTest(h, PhysMem.PG_ANON) && phys.pageAnonExclusive(arch.ptePfn(ent));
            commit(env, tlb, t, i, addr, old, ent, 0, nr, w);
            return;
        }
        if (head < 0 || !phys.folioTest(head, PhysMem.PG_ANON)) {
            commit(env, tlb, t, i, addr, old, ent, 0, nr, false);
            return;
        }
        // commit_anon_folio_batch: runs of equal PageAnonExclusive. A run shorter than the batch is written by
        // single-entry or partial writes, which see the none entries the start left out.
        long pfn = arch.ptePfn(ent);
        int len = phys.anonExclusiveRun(pfn, nr);
        if (len < nr) env.pte.clearStarted(t, i, nr);
        for (int s = 0; ; ) {
            commit(env, tlb, t, i, addr, old, ent, s, len, phys.pageAnonExclusive(pfn + s));
            s += len;
            if (s >= nr) break;
            len = phys.anonExclusiveRun(pfn + s, nr - s);
        }
    }

    /**
     * prot_commit_flush_ptes: commit entries [idx, idx+len) of a started run with the new value (made writable if
     * asked) and add their range to the gather if the architecture needs a flush for this change.
     */
    private static void commit(MmEnv env, TlbGather tlb, long[] t, int i, long addr, long old, long ent, int idx,
            int len, boolean write) {
        Arch arch = env.arch;
        long a = addr + ((long) idx << Arch.PAGE_SHIFT);
        long o = arch.pteWithPfn(old, arch.ptePfn(old) + idx);
        long e = arch.pteWithPfn(ent, arch.ptePfn(ent) + idx);
        if (write) e = arch.pteMkwrite(e);
        env.pte.modifyProtCommitPtes(t, i + idx, a, e, len);
        if (arch.pteNeedsFlush(o, e)) tlb.add(a, (long) len << Arch.PAGE_SHIFT);
    }
}
