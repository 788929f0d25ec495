package org.mmsim.check;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.mmsim.arch.Arch;
import org.mmsim.kernel.Kernel;
import org.mmsim.mm.Mm;
import org.mmsim.mm.MmEnv;
import org.mmsim.mm.Rmap;
import org.mmsim.mm.Shmem;
import org.mmsim.mm.Vma;
import org.mmsim.mm.VmFlags;
import org.mmsim.pgtable.PageTables;
import org.mmsim.pgtable.TableStore;
import org.mmsim.phys.PhysMem;
import org.mmsim.swap.SwapCache;
import org.mmsim.swap.SwapDevice;

/**
 * The invariant checker (KERNEL_FACTS §9.3). It verifies that VMAs are sorted and disjoint (not that they are
 * merged: Linux itself leaves mergeable neighbours apart, after a failed split at the map-count limit or when fork
 * clears VM_LOCKED; differential tests against the live kernel check merging); every present PTE or PMD lies in a
 * VMA, respects its protection and points into a live folio (or the zero page); a writable anonymous mapping is
 * PageAnonExclusive; mapcounts, refcounts and RSS equal what the tables say; arm64 contpte blocks are well formed;
 * no folio is allocated without a mapping (or a page or swap cache); no page table is left where no VMA needs it;
 * every swap PTE names a slot in use, swap counts equal the swap PTEs naming each slot, MM_SWAPENTS equals the swap
 * PTEs of each mm, and the swap cache and the slots point at each other. The invariants are machine-wide:
 * mapcounts and references are summed over the page tables of every process, a shmem folio's page-cache references
 * are added to its mappings', PageAnonExclusive is allowed only on a page mapped exactly once, every mapping must be
 * reachable by the reverse map (folio owner on the VMA's chain, page index equal to the VMA's linear index), and
 * the page-table store holds exactly the tables of live processes.
 *
 * <p>Two ways to run it, sharing every per-entry, per-folio and per-slot check below:
 * <ul>
 * <li><b>Full</b> ({@link #check}, {@link #checkAll}): walks every table of every process, sums the mappings of
 * every frame and the swap PTEs of every slot, and compares each allocated folio and each slot with the sums.
 * Its cost grows with the resident set.
 * <li><b>Incremental</b> ({@link #attach}, then {@link #checkChanges} after each call): the mm code tells a
 * {@link Tracker} which address ranges of which process a call is about to change ({@code Mm.touch}, before the
 * first change) and which frames and swap slots it changed ({@link org.mmsim.phys.IndexWatch}). The tracker
 * records the "before" of each range the first time it is touched (its RSS, swap entries, tables, the frames and
 * slots it names); the check verifies the "after" of those ranges entry by entry, updates running per-process
 * totals (RSS, MM_SWAPENTS, tables) and per-slot swap-PTE counts by after minus before, and checks the totals
 * against the kernel's counters. Each changed or named folio is checked against its mappings, found through the
 * reverse map ({@link Rmap#forEachMapping}) in every process rather than by a scan; each changed slot against
 * its running swap-PTE count. A process that did not exist at the last check (a fork child) is checked whole.
 * The cost is that of what the call touched, not of the resident set.
 * </ul>
 *
 * <p>What the incremental check can miss: corruption of state that the call was not reported to touch (a stray
 * write to another process's table, a folio freed while an untouched mapping still points at it, a page-cache
 * entry left pointing at a freed folio). Its argument is inductive: the last check found everything consistent,
 * and an entry, folio or slot the call did not touch cannot have changed. A full check finds what it missed:
 * it runs at the end of a script run, on {@code --check=full} after every call, and at random intervals in the
 * property tests, which also require the two to agree. When the incremental check reports a violation that a full
 * check does not confirm, a change was not reported to the tracker, and the message says so.
 */
public final class Checker {
    /** How often a simulated machine is checked. */
    public enum Mode {
        /** Never. */
        OFF,
        /** The incremental check after every call, a full one at the end of a script run ({@code --check}). */
        CHANGES,
        /** The full check after every call ({@code --check=full}). */
        FULL,
        /**
         * The incremental check after every call and, at random intervals of 1 to 16 calls, a full one as well, which
         * must agree (the property tests: the incremental check is itself checked).
         */
        CROSS;

        /** The mode of a {@code --check=} or {@code set check} value: off, changes, full or cross. */
        public static Mode byName(String name) {
            for (Mode m : values()) if (m.name().equalsIgnoreCase(name.trim())) return m;
            throw new IllegalArgumentException("check must be off, changes, full or cross, got '" + name.trim() + "'");
        }
    }

    /** Addresses the walks cover: the 512 entries of a pgd (256 TiB, every user address of both architectures). */
    static final long TOP = Arch.PUD_SIZE * 512 * 512;
    static final long PGD_SPAN = Arch.PUD_SIZE * 512;

    final Kernel kernel;
    final MmEnv env;
    final Arch arch;
    final PhysMem phys;
    final SwapCache swap;
    /** The incremental state, null for a one-off full check. */
    private final Tracker tracker;

    private Checker(Kernel kernel, boolean incremental) {
        this.kernel = kernel;
        this.env = kernel.env();
        this.arch = kernel.arch();
        this.phys = env.phys;
        this.swap = env.swap;
        this.tracker = incremental ? new Tracker(this) : null;
    }

    /** A full check of every invariant; throws {@link InvariantViolation} naming the first one broken. */
    public static void check(Kernel kernel) {
        new Checker(kernel, false).checkAll();
    }

    /**
     * Incremental checking of this machine from now on: installs the change hooks. The first {@link #checkChanges}
     * is a full check (it sets up the running totals). One checker per machine.
     */
    public static Checker attach(Kernel kernel) {
        if (kernel.env().watch != null) throw new IllegalStateException("an incremental checker is already attached");
        Checker c = new Checker(kernel, true);
        c.tracker.install();
        return c;
    }

    /**
     * What the last check of this checker looked at: whether it was a full one, the PMD entries (leaves and PTE
     * tables) whose entries it checked, the folios and the swap slots.
     */
    public record Work(boolean full, long pmdEntries, long folios, long slots) {}

    private Work lastWork = new Work(true, 0, 0, 0);

    /** What the last check looked at (the cost of incremental checking is that of this, not of the resident set). */
    public Work lastWork() { return lastWork; }

    /** Removes the change hooks installed by {@link #attach}. */
    public void detach() {
        if (tracker != null) tracker.uninstall();
    }

    /** A full check; with an attached tracker it also resets the running totals to what it found. */
    public void checkAll() {
        long[] saved = env.counters.snapshot();
        try {
            if (tracker != null) tracker.invalidate();
            Full f = new Full();
            f.run();
            lastWork = new Work(true, f.pmdEntries, f.folios, swap.device() == null ? 0 : swap.device().slots() - 1);
            if (tracker != null) tracker.rebase(f.tallies, f.swapRefs);
        } finally {
            env.counters.restore(saved);
        }
    }

    /**
     * Checks what changed since the last check (see the class comment); a full check the first time and after a
     * violation. A violation that a full check does not confirm means a change was not reported to the tracker: the
     * message says so.
     */
    public void checkChanges() {
        if (tracker == null) throw new IllegalStateException("not attached: use Checker.attach");
        if (!tracker.baselined()) {
            checkAll();
            return;
        }
        long[] saved = env.counters.snapshot();
        try {
            lastWork = tracker.check();
        } catch (InvariantViolation v) {
            try {
                new Checker(kernel, false).checkAll();
            } catch (InvariantViolation confirmed) {
                throw v;
            }
            throw new InvariantViolation("the incremental check found: " + v.getMessage()
                    + "; a full check finds nothing wrong, so a change was not reported to the checker (a missing hook)");
        } finally {
            env.counters.restore(saved);
        }
    }

    static void fail(String fmt, Object... args) {
        throw new InvariantViolation(String.format(fmt, args));
    }

    // ---- what the entries add up to --------------------------------------------------------------------

    /** Running totals of the entries of one process (or of a part of it). */
    static class Tally {
        long anon;
        long shmem;
        long swapEnts;
        /** Page tables below and including the pgd. */
        long tables;
        /** PMD entries checked into this tally (work done, not an invariant). */
        long pmdEntries;
    }

    /** Where the entries the checks visit are reported: the full check sums them, the tracker marks them. */
    interface Sink {
        /** A PTE maps page {@code pfn} (sign +1: it is there now; -1: it was there before the call). */
        void pte(long pfn, int sign);

        /** A PMD maps the folio {@code head}. */
        void pmd(long head, int sign);

        /** A swap PTE names slot {@code off}. */
        void swap(long off, int sign);
    }

    /** Visits the page tables of one process over a range. */
    interface TableVisitor {
        /** A PUD table (level 1, 512 GiB span) or PMD table (level 2, 1 GiB span) covering {@code base}. */
        void upper(int level, long base);

        /** A non-empty PMD entry (a leaf or a PTE table) at {@code addr}. */
        void pmd(long addr, long entry);
    }

    static long span(int level) { return level == 1 ? PGD_SPAN : Arch.PUD_SIZE; }

    /**
     * Visits the PUD and PMD tables of {@code mm} whose span intersects [lo, hi) and its non-empty PMD entries in
     * [lo, hi) (PMD-aligned), skipping whatever has no table: a sparse range costs its tables, not its size.
     */
    void walk(Mm mm, long lo, long hi, TableVisitor v) {
        PageTables pt = mm.pageTables();
        TableStore store = pt.store();
        long[] g = store.get(pt.pgdId());
        long a = lo;
        while (a < hi) {
            long gEnd = (a & ~(PGD_SPAN - 1)) + PGD_SPAN;
            long ge = g[PageTables.pgdIndex(a)];
            if (ge == 0) {
                a = gEnd;
                continue;
            }
            v.upper(1, a & ~(PGD_SPAN - 1));
            long[] u = store.get(arch.entryTableId(ge));
            long uHi = Math.min(gEnd, hi);
            while (a < uHi) {
                long uEnd = (a & ~(Arch.PUD_SIZE - 1)) + Arch.PUD_SIZE;
                long ue = u[PageTables.pudIndex(a)];
                if (ue == 0 || !arch.entryIsTable(ue)) {
                    a = uEnd;
                    continue;
                }
                v.upper(2, a & ~(Arch.PUD_SIZE - 1));
                long[] m = store.get(arch.entryTableId(ue));
                long mHi = Math.min(uEnd, hi);
                for (; a < mHi; a += Arch.PMD_SIZE) {
                    long e = m[PageTables.pmdIndex(a)];
                    if (e != 0) v.pmd(a, e);
                }
            }
        }
    }

    /**
     * Counts one PMD entry into {@code t} with {@code sign} (+1 after, -1 before) and reports what it maps, without
     * checking it: the tracker's "before", and the tail of {@link #checkPmdEntry}.
     */
    void countPmdEntry(long addr, long entry, int sign, Tally t, Sink sink) {
        if (!arch.entryIsTable(entry)) {
            long head = arch.ptePfn(arch.hugePmdToPte(entry));
            if (head == PhysMem.HUGE_ZERO_PFN) return;
            if (phys.folioTest(head, PhysMem.PG_ANON)) t.anon += sign * 512L; else t.shmem += sign * 512L;
            sink.pmd(head, sign);
            return;
        }
        t.tables += sign;
        long[] pt = env.tables.get(arch.entryTableId(entry));
        for (int i = 0; i < 512; i++) if (pt[i] != 0) countPte(pt[i], sign, t, sink);
    }

    /** Counts one non-empty PTE (present or swap) into {@code t} with {@code sign} and reports what it names. */
    void countPte(long e, int sign, Tally t, Sink sink) {
        if (arch.pteIsSwap(e)) {
            t.swapEnts += sign;
            sink.swap(arch.swpOffset(e), sign);
            return;
        }
        if (arch.pteSpecial(e)) return;
        long pfn = arch.ptePfn(e);
        if (phys.folioTest(phys.folioHead(pfn), PhysMem.PG_ANON)) t.anon += sign; else t.shmem += sign;
        sink.pte(pfn, sign);
    }

    // ---- per-process checks (shared) -----------------------------------------------------------------------

    /** A page table (level 1..3) whose span starts at {@code base} must be needed by some VMA. */
    static void checkTableNeeded(Mm mm, int level, long base) {
        long span = level == 3 ? Arch.PMD_SIZE : span(level);
        if (!mm.anyIntersecting(base, base + span)) fail("page table (level %d) for 0x%x..0x%x left where no VMA is", level, base, base + span);
    }

    /** Checks one PMD entry (a leaf or a PTE table with its entries) and counts it into {@code t}. */
    void checkPmdEntry(Mm mm, long addr, long entry, Tally t, Sink sink) {
        t.pmdEntries++;
        if (!arch.entryIsTable(entry)) {
            checkPmdLeaf(mm, addr, arch.hugePmdToPte(entry));
        } else {
            long[] pt = env.tables.get(arch.entryTableId(entry));
            checkTableNeeded(mm, 3, addr);
            Vma v = null; // the VMA of the previous entry: most tables lie in one
            for (int i = 0; i < 512; i++) {
                long e = pt[i];
                if (e == 0) continue;
                long a = addr + ((long) i << Arch.PAGE_SHIFT);
                if (v == null || a < v.start() || a >= v.end()) v = mm.vmaLookup(a);
                if (arch.pteIsSwap(e)) checkSwapPte(v, a, e); else checkPte(v, a, e);
            }
            if (arch.hasContpte()) checkContBlocks(addr, pt);
        }
        countPmdEntry(addr, entry, +1, t, sink);
    }

    /** A VMA is well formed and does not overlap its predecessor. */
    private static void checkVma(Vma prev, Vma v) {
        if (v.start() >= v.end() || (v.start() & 4095) != 0 || (v.end() & 4095) != 0) fail("bad VMA %s", v);
        if (prev != null && prev.end() > v.start()) fail("VMAs overlap: %s and %s", prev, v);
    }

    /** The VMAs of {@code mm} that intersect [lo, hi), and the first one after it, against their predecessors. */
    static void checkVmas(Mm mm, long lo, long hi) {
        Vma v = mm.findVma(lo);
        Vma prev = v == null ? null : mm.prev(v);
        while (v != null) {
            checkVma(prev, v);
            if (v.start() >= hi) break;
            prev = v;
            v = mm.next(v);
        }
    }

    void checkMapCount(Mm mm) {
        if (mm.mapCount() > env.tunables.maxMapCount + 1) fail("map_count %d above max_map_count", mm.mapCount());
    }

    /** The kernel's counters of one process equal what its tables hold. */
    static void checkTotals(Mm mm, Tally t) {
        if (t.swapEnts != mm.swapEnts()) fail("mm#%d MM_SWAPENTS is %d but the tables hold %d swap entries", mm.id(), mm.swapEnts(), t.swapEnts);
        if (t.anon != mm.anonRss()) fail("mm#%d anon RSS is %d but the tables map %d anonymous pages", mm.id(), mm.anonRss(), t.anon);
        if (t.shmem != mm.shmemRss()) fail("mm#%d shmem RSS is %d but the tables map %d shmem pages", mm.id(), mm.shmemRss(), t.shmem);
    }

    void checkTableCount(long held) {
        long live = env.tables.liveCount();
        if (live != held) fail("%d page tables are allocated but live processes hold %d (leak)", live, held);
    }

    // ---- per-entry checks (shared) -------------------------------------------------------------------------

    /** The reverse map must find this mapping: the folio's owner is on the VMA's chain at the VMA's index. */
    private void checkRmap(Vma v, long addr, long pfn) {
        long head = phys.folioHead(pfn);
        PhysMem.Mapping fm = phys.folioMapping(head);
        if (fm == null) fail("pfn %d mapped at 0x%x has no rmap owner", pfn, addr);
        if (!Rmap.onChain(v, fm.owner())) fail("pfn %d at 0x%x: owner %s is not on the chain of %s", pfn, addr, fm.owner(), v);
        if (fm.index() + (pfn - head) != v.pgoffOf(addr)) {
            fail("pfn %d at 0x%x: folio index %d + %d but the VMA's index there is %d", pfn, addr, fm.index(), pfn - head, v.pgoffOf(addr));
        }
    }

    private void checkPmdLeaf(Mm mm, long addr, long pte) {
        Vma v = mm.vmaLookup(addr);
        if (v == null || addr + Arch.PMD_SIZE > v.end()) fail("huge PMD at 0x%x not inside one VMA", addr);
        checkProt(v, addr, pte);
        long head = arch.ptePfn(pte);
        if (head == PhysMem.HUGE_ZERO_PFN) {
            if (arch.pteWrite(pte)) fail("writable huge zero page at 0x%x", addr);
            return;
        }
        if (!phys.isAllocatedHead(head) || phys.folioOrder(head) != Arch.PMD_ORDER) fail("huge PMD at 0x%x maps pfn %d, not a PMD-order folio", addr, head);
        if (phys.folioTest(head, PhysMem.PG_ANON) && arch.pteWrite(pte) && !phys.pageAnonExclusive(head)) {
            fail("writable huge PMD at 0x%x maps a non-exclusive anon folio", addr);
        }
        checkOwner(v, addr, head);
    }

    /** A present PTE at addr; {@code v} is the VMA containing addr, or null. */
    private void checkPte(Vma v, long addr, long pte) {
        if (v == null) fail("PTE %x at 0x%x outside any VMA", pte, addr);
        checkProt(v, addr, pte);
        long pfn = arch.ptePfn(pte);
        if (arch.pteSpecial(pte)) {
            if (pfn != PhysMem.ZERO_PFN) fail("special PTE at 0x%x maps pfn %d, not the zero page", addr, pfn);
            if (arch.pteWrite(pte)) fail("writable zero-page PTE at 0x%x", addr);
            return;
        }
        if (!phys.isInUse(pfn) || phys.isReserved(pfn)) fail("PTE at 0x%x maps pfn %d, which is not in a live folio", addr, pfn);
        long head = phys.folioHead(pfn);
        if (phys.folioTest(head, PhysMem.PG_ANON) && arch.pteWrite(pte) && !phys.pageAnonExclusive(pfn)) {
            fail("writable PTE at 0x%x maps anon page pfn %d that is not PageAnonExclusive", addr, pfn);
        }
        checkOwner(v, addr, pfn);
    }

    /** Anonymous folios only in private VMAs, shmem folios only in their object's VMAs; the rmap finds both. */
    private void checkOwner(Vma v, long addr, long pfn) {
        boolean anon = phys.folioTest(phys.folioHead(pfn), PhysMem.PG_ANON);
        if (anon == (v.shmem() != null)) fail("%s page pfn %d mapped at 0x%x in %s", anon ? "anonymous" : "shmem", pfn, addr, v);
        checkRmap(v, addr, pfn);
    }

    /** A swap PTE at addr names a slot in use on the device (its count is checked per slot); {@code v} as above. */
    private void checkSwapPte(Vma v, long addr, long pte) {
        if (v == null) fail("swap PTE %x at 0x%x outside any VMA", pte, addr);
        SwapDevice dev = swap.device();
        if (dev == null) fail("swap PTE %x at 0x%x but the machine has no swap device", pte, addr);
        long off = arch.swpOffset(pte);
        if (arch.swpType(pte) != SwapDevice.TYPE || off <= 0 || off >= dev.slots() || !dev.inUse(off)) {
            fail("swap PTE at 0x%x names slot %d, which is not in use", addr, off);
        }
        long cached = swap.lookup(off);
        if (arch.swpExclusive(pte) && cached >= 0 && phys.mapcount(cached) > 0) {
            fail("exclusive swap PTE at 0x%x names slot %d whose cached page pfn %d is still mapped", addr, off, cached);
        }
    }

    /** A present entry must not give more access than its VMA. */
    private void checkProt(Vma v, long addr, long pte) {
        if (arch.pteWrite(pte) && !v.has(VmFlags.VM_WRITE)) fail("writable entry at 0x%x in a VMA without write: %s", addr, v);
        if (arch.pteValid(pte) && (v.flags() & VmFlags.VM_ACCESS_FLAGS) == 0) fail("accessible entry at 0x%x in a PROT_NONE VMA", addr);
    }

    /** arm64: a block is either fully valid+cont over consecutive pfns of one folio with equal protection, or has no cont bit. */
    private void checkContBlocks(long base, long[] t) {
        int n = arch.contPtes();
        for (int b = 0; b < 512; b += n) {
            boolean any = false;
            for (int j = b; j < b + n; j++) any |= arch.pteValid(t[j]) && arch.pteCont(t[j]);
            if (!any) continue;
            long first = t[b];
            long pfn0 = arch.ptePfn(first);
            long addr = base + ((long) b << Arch.PAGE_SHIFT);
            if ((pfn0 & (n - 1)) != 0) fail("contpte block at 0x%x starts at unaligned pfn %d", addr, pfn0);
            long head = phys.folioHead(pfn0);
            long norm0 = arch.pteMkold(arch.pteMkclean(first));
            for (int j = 0; j < n; j++) {
                long e = t[b + j];
                if (!arch.pteValid(e) || !arch.pteCont(e)) fail("contpte block at 0x%x: entry %d is not valid+cont", addr, j);
                if (arch.ptePfn(e) != pfn0 + j) fail("contpte block at 0x%x: entry %d maps pfn %d, expected %d", addr, j, arch.ptePfn(e), pfn0 + j);
                if (phys.folioHead(arch.ptePfn(e)) != head) fail("contpte block at 0x%x spans two folios", addr);
                if (arch.pteWithPfn(arch.pteMkold(arch.pteMkclean(e)), pfn0) != norm0) fail("contpte block at 0x%x: entry %d has other protection", addr, j);
            }
        }
    }

    // ---- per-folio and per-slot checks (shared) ----------------------------------------------------------

    /**
     * One allocated folio against its mappings: {@code pageMaps[j]} PTEs map its page j, {@code pmdMaps} PMDs map
     * it whole, and a page cache holds {@code cacheRefs} references to it.
     */
    void checkFolio(long head, int[] pageMaps, int pmdMaps, int cacheRefs) {
        int nr = phys.folioNrPages(head);
        int ptes = 0;
        for (int j = 0; j < nr; j++) {
            if (phys.mapcount(head + j) != pageMaps[j]) fail("page pfn %d has mapcount %d but %d PTEs map it", head + j, phys.mapcount(head + j), pageMaps[j]);
            ptes += pageMaps[j];
        }
        if (phys.entireMapcount(head) != pmdMaps) fail("THP pfn %d has entire mapcount %d but %d PMDs map it", head, phys.entireMapcount(head), pmdMaps);
        int refs = ptes + pmdMaps + cacheRefs;
        if (phys.folioTest(head, PhysMem.PG_SWAPCACHE)) {
            if (swap.folioSwap(head) < 0) fail("folio pfn %d has PG_swapcache but is not in the swap cache", head);
            refs += nr;
        }
        if (refs == 0) fail("folio pfn %d (order %d) is allocated but nothing maps or caches it (leak)", head, phys.folioOrder(head));
        if (phys.refcount(head) != refs) fail("folio pfn %d has refcount %d but %d mappings", head, phys.refcount(head), refs);
        int large = ptes + pmdMaps * 512;
        if (nr > 1 && phys.largeMapcount(head) != large) fail("folio pfn %d has large mapcount %d but %d page mappings", head, phys.largeMapcount(head), large);
        for (long p = head; p < head + nr; p++) {
            int maps = phys.mapcount(p) + phys.entireMapcount(head);
            if (phys.pageAnonExclusive(p) && maps != 1) fail("page pfn %d is PageAnonExclusive but mapped %d times", p, maps);
        }
    }

    /** A frame that no folio holds. */
    void checkFreeFrame(long pfn) {
        if (phys.mapcount(pfn) != 0) fail("free page pfn %d has mapcount %d", pfn, phys.mapcount(pfn));
    }

    /** One slot of the device: its swap count equals the swap PTEs naming it; the cache mark and the cache agree. */
    void checkSlot(SwapDevice dev, long off, int swapPtes) {
        if (dev.count(off) != swapPtes) fail("swap slot %d has swap count %d but %d swap PTEs name it", off, dev.count(off), swapPtes);
        if (dev.hasCache(off) && swap.lookup(off) < 0) fail("swap slot %d is marked cached but no folio caches it", off);
        if (!dev.hasCache(off) && swap.lookup(off) >= 0) fail("swap slot %d is cached by pfn %d without the cache mark", off, swap.lookup(off));
    }

    /** A swap-cache folio is live, flagged, owns its slots and is still needed (mapped, or named by a swap PTE). */
    void checkSwapCacheFolio(long head, long off) {
        SwapDevice dev = swap.device();
        if (dev == null) fail("swap-cache folios without a swap device");
        if (!phys.isAllocatedHead(head)) fail("swap cache holds pfn %d, which is not a live folio", head);
        if (!phys.folioTest(head, PhysMem.PG_SWAPCACHE)) fail("swap-cache folio pfn %d lacks PG_swapcache", head);
        int nr = phys.folioNrPages(head);
        if ((off & (nr - 1)) != 0) fail("swap-cache folio pfn %d of %d pages sits on unaligned slot %d", head, nr, off);
        boolean named = false;
        for (int j = 0; j < nr; j++) {
            if (swap.lookup(off + j) != head + j) fail("slot %d does not point back to page pfn %d", off + j, head + j);
            named |= dev.count(off + j) > 0;
        }
        if (phys.largeMapcount(head) == 0 && phys.entireMapcount(head) == 0 && !named) {
            fail("swap-cache folio pfn %d is neither mapped nor named by a swap PTE (leak)", head);
        }
    }

    /** The shmem page-cache references a folio has: one per page when its object caches it at its index. */
    int cacheRefsByLookup(long head) {
        PhysMem.Mapping fm = phys.folioMapping(head);
        if (fm == null || !(fm.owner() instanceof Shmem s)) return 0;
        return s.lookup(phys, fm.index()) == head ? phys.folioNrPages(head) : 0;
    }

    /** A folio's mappings in every process, found by the reverse map: PTE mappings per page into {@code pageMaps}; returns the PMD mappings. */
    int mappingsByRmap(long head, int[] pageMaps) {
        java.util.Arrays.fill(pageMaps, 0, phys.folioNrPages(head), 0);
        int[] pmds = {0};
        Rmap.forEachMapping(env, head, (mm, v, addr, pfn, pmd) -> {
            if (pmd) pmds[0]++; else pageMaps[(int) (pfn - head)]++;
            return true;
        });
        return pmds[0];
    }

    // ---- the full check -----------------------------------------------------------------------------------

    /** One full check: every process, table, folio and slot. */
    private final class Full implements Sink {
        /** PTE mappings per page. */
        final Map<Long, Integer> pteMaps = new HashMap<>();
        /** PMD mappings per folio head. */
        final Map<Long, Integer> pmdMaps = new HashMap<>();
        /** Swap PTEs per slot. */
        final Map<Long, Integer> swapRefs = new HashMap<>();
        /** Page-cache references per folio head (one per page of each cached folio). */
        final Map<Long, Integer> cacheRefs = new HashMap<>();
        final Map<Mm, Tally> tallies = new java.util.IdentityHashMap<>();
        long pmdEntries;
        long folios;

        @Override public void pte(long pfn, int sign) { pteMaps.merge(pfn, 1, Integer::sum); }

        @Override public void pmd(long head, int sign) { pmdMaps.merge(head, 1, Integer::sum); }

        @Override public void swap(long off, int sign) { swapRefs.merge(off, 1, Integer::sum); }

        void run() {
            Set<Shmem> objects = new HashSet<>();
            long tables = 0;
            for (Mm mm : kernel.mms()) {
                checkVmas(mm, 0, TOP);
                for (Vma v : mm.vmas()) if (v.shmem() != null) objects.add(v.shmem());
                checkMapCount(mm);
                String gapError = mm.gapIndexError();
                if (gapError != null) fail("mm#%d: %s (a change to a VMA's bounds did not tell it)", mm.id(), gapError);
                Tally t = scanWhole(mm, this);
                pmdEntries += t.pmdEntries;
                checkTotals(mm, t);
                tallies.put(mm, t);
                tables += t.tables;
            }
            for (Shmem s : objects) {
                s.forEachFolio((index, head) -> {
                    if (!phys.isAllocatedHead(head)) fail("%s caches freed pfn %d at index %d", s, head, index);
                    PhysMem.Mapping fm = phys.folioMapping(head);
                    if (fm == null || fm.owner() != s || fm.index() != index) fail("%s folio pfn %d at index %d has mapping %s", s, head, index, fm);
                    if (cacheRefs.put(head, phys.folioNrPages(head)) != null) fail("pfn %d cached twice", head);
                });
            }
            checkTableCount(tables);
            if (Rmap.staleIndex(env)) fail("the reverse map's index of VMAs by anon_vma/shmem object is out of date (a VMA change did not tell it)");
            int dirty = env.tables.dirtyPooled();
            if (dirty > 0) fail("%d freed page tables still have entries (freed with entries, or written after the free)", dirty);
            checkFolios();
            checkSwap();
        }

        private void checkFolios() {
            int[] pages = new int[1 << PhysMem.MAX_ORDER];
            long hw = phys.highWater();
            for (long pfn = 1L << PhysMem.MAX_ORDER; pfn < hw; ) {
                if (!phys.isAllocatedHead(pfn)) {
                    checkFreeFrame(pfn);
                    pfn++;
                    continue;
                }
                int nr = phys.folioNrPages(pfn);
                folios++;
                for (int j = 0; j < nr; j++) pages[j] = pteMaps.getOrDefault(pfn + j, 0);
                checkFolio(pfn, pages, pmdMaps.getOrDefault(pfn, 0), cacheRefs.getOrDefault(pfn, 0));
                pfn += nr;
            }
        }

        private void checkSwap() {
            SwapDevice dev = swap.device();
            if (dev == null) {
                if (!swap.folios().isEmpty()) fail("swap-cache folios without a swap device");
                return;
            }
            long used = 0;
            for (long off = 1; off < dev.slots(); off++) {
                checkSlot(dev, off, swapRefs.getOrDefault(off, 0));
                if (dev.inUse(off)) used++;
            }
            if (used != dev.used()) fail("swap device counts %d slots in use, %d are", dev.used(), used);
            for (var e : swap.folios().entrySet()) checkSwapCacheFolio(e.getKey(), e.getValue());
        }
    }

    /** Checks every table and entry of {@code mm}; returns what they add up to. */
    Tally scanWhole(Mm mm, Sink sink) {
        Tally t = new Tally();
        t.tables = 1; // the pgd
        walk(mm, 0, TOP, new TableVisitor() {
            @Override public void upper(int level, long base) {
                checkTableNeeded(mm, level, base);
                t.tables++;
            }

            @Override public void pmd(long addr, long entry) { checkPmdEntry(mm, addr, entry, t, sink); }
        });
        return t;
    }
}
