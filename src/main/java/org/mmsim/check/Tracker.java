package org.mmsim.check;

import java.util.BitSet;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.mmsim.arch.Arch;
import org.mmsim.mm.Mm;
import org.mmsim.mm.MmEnv;
import org.mmsim.phys.PhysMem;
import org.mmsim.swap.SwapDevice;

/**
 * The state of incremental checking (see {@link Checker}): running totals per process and per swap slot as of the
 * last check, and what the calls since then reported they change.
 *
 * <p>Per process, the PMD-aligned address ranges touched since the last check. The first time a range is touched
 * its current contents (the "before") are taken out of the running totals: RSS, swap entries and tables are
 * subtracted, the swap-PTE count of each slot its swap PTEs name is lowered, and the frames and slots it names are
 * marked. At the check, the same ranges are checked entry by entry and added back (the "after"), so the totals
 * follow the tables without a scan. Per machine, the frames and slots whose state changed (reported by
 * {@link PhysMem} and the swap cache) and those named by an entry that changed: the "before" of a PMD entry is kept
 * (a copy of its PTE table, for up to {@link #SAVE_MAX} tables between two checks) and compared with the "after",
 * so that a call which rewrites one PTE does not have the other 511 folios of its table checked; beyond that bound
 * every frame and slot the range names is marked instead.
 */
final class Tracker implements MmEnv.Watch, Checker.Sink {
    private final Checker c;
    private final Map<Mm, Book> books = new IdentityHashMap<>();
    private final Marks frames = new Marks();
    private final Marks slots = new Marks();
    /** Folio heads already checked by the current check. */
    private final Marks checked = new Marks();
    /** The device the slot state below describes. */
    private SwapDevice device;
    /** Swap PTEs naming each slot, over every process. */
    private int[] swapPtes = new int[0];
    /** Slots in use, and how many. */
    private BitSet inUse = new BitSet();
    private long used;
    /** False until a full check has set the totals up, and after any violation. */
    private boolean baselined;
    /** At most this many PMD entries' "before" are kept between two checks (4 KiB each). */
    static final int SAVE_MAX = 4096;
    private int saved;
    /** While counting entries: mark every frame and slot they name (no "before" to compare with). */
    private boolean markAll;
    /** The folio {@link #markFolio} marked last: [lastHead, lastEnd). */
    private long lastHead = -1;
    private long lastEnd = -1;

    /** The running totals of one process and the ranges touched since the last check. */
    static final class Book extends Checker.Tally {
        /** Disjoint PMD-aligned [start, end) ranges whose "before" was taken, by start. */
        final TreeMap<Long, Long> touched = new TreeMap<>();
        /** The "before" of PMD entries by address: the PTE table's 512 entries, then the PMD entry itself. */
        final Map<Long, long[]> before = new java.util.HashMap<>();
    }

    Tracker(Checker c) { this.c = c; }

    void install() {
        c.env.watch = this;
        c.phys.setWatch(frames::mark);
        c.swap.setWatch(slots::mark);
    }

    void uninstall() {
        c.env.watch = null;
        c.phys.setWatch(null);
        c.swap.setWatch(null);
    }

    boolean baselined() { return baselined; }

    void invalidate() { baselined = false; }

    /** Takes the totals a full check found as the new starting point. */
    void rebase(Map<Mm, Checker.Tally> tallies, Map<Long, Integer> swapRefs) {
        books.clear();
        for (var e : tallies.entrySet()) books.put(e.getKey(), copy(e.getValue()));
        resetSlots();
        swapRefs.forEach((off, n) -> swapPtes[(int) (long) off] = n);
        if (device != null) {
            for (long off = 1; off < device.slots(); off++) if (device.inUse(off)) inUse.set((int) off);
            used = device.used();
        }
        frames.clear();
        slots.clear();
        saved = 0;
        baselined = true;
    }

    private void resetSlots() {
        device = c.swap.device();
        swapPtes = new int[device == null ? 0 : (int) device.slots()];
        inUse = new BitSet();
        used = 0;
    }

    private static Book copy(Checker.Tally t) {
        Book b = new Book();
        b.anon = t.anon;
        b.shmem = t.shmem;
        b.swapEnts = t.swapEnts;
        b.tables = t.tables;
        return b;
    }

    // ---- what the calls report --------------------------------------------------------------------------

    @Override public void range(Mm mm, long start, long end) {
        if (!baselined) return; // the next check is a full one
        Book b = books.get(mm);
        if (b == null) return; // a process born since the last check is checked whole
        if (start < 0 || start >= Checker.TOP) return; // no table reaches there
        long lo = start & ~(Arch.PMD_SIZE - 1);
        long hi = end < start || end > Checker.TOP ? Checker.TOP : (end + Arch.PMD_SIZE - 1) & ~(Arch.PMD_SIZE - 1);
        long a = lo;
        while (a < hi) {
            Map.Entry<Long, Long> f = b.touched.floorEntry(a);
            if (f != null && f.getValue() > a) {
                a = f.getValue();
                continue;
            }
            Map.Entry<Long, Long> n = b.touched.higherEntry(a);
            long gapEnd = n == null ? hi : Math.min(hi, n.getKey());
            before(mm, b, a, gapEnd);
            a = gapEnd;
        }
    }

    /** Takes the "before" of [lo, hi), which no earlier report of this call covered, out of the totals. */
    private void before(Mm mm, Book b, long lo, long hi) {
        forgetFolio(); // the call may have changed folios since the last walk
        c.walk(mm, lo, hi, new Checker.TableVisitor() {
            @Override public void upper(int level, long base) {
                // an upper table spans many ranges: its "before" is taken with the first of them
                if (!intersects(b.touched, base, base + Checker.span(level))) b.tables--;
            }

            @Override public void pmd(long addr, long entry) {
                markAll = saved >= SAVE_MAX;
                if (!markAll) {
                    saved++;
                    long[] copy = new long[513];
                    if (c.arch.entryIsTable(entry)) System.arraycopy(c.env.tables.get(c.arch.entryTableId(entry)), 0, copy, 0, 512);
                    copy[512] = entry;
                    b.before.put(addr, copy);
                }
                c.countPmdEntry(addr, entry, -1, b, Tracker.this);
            }
        });
        insert(b.touched, lo, hi);
    }

    /** Marks the frames and slots named by the entries of a PMD entry that differ from its "before". */
    private void markChanged(long[] before, long entry) {
        long[] now = c.arch.entryIsTable(entry) ? c.env.tables.get(c.arch.entryTableId(entry)) : null;
        boolean wasTable = c.arch.entryIsTable(before[512]);
        if (before[512] != entry && !wasTable) markEntry(c.arch.hugePmdToPte(before[512]));
        if (before[512] != entry && now == null && entry != 0) markEntry(c.arch.hugePmdToPte(entry));
        for (int i = 0; i < 512; i++) {
            long old = wasTable ? before[i] : 0;
            long cur = now != null ? now[i] : 0;
            if (old == cur) continue;
            markEntry(old);
            markEntry(cur);
        }
    }

    /** Marks the frame or slot one entry (a PTE, or a PMD leaf as a PTE) names. */
    private void markEntry(long e) {
        if (e == 0) return;
        if (c.arch.pteIsSwap(e)) slots.mark(c.arch.swpOffset(e));
        else if (!c.arch.pteSpecial(e)) markFolio(c.arch.ptePfn(e));
    }

    /**
     * Marks the folio of a mapped page by its head, once for a run of its pages: the folio last marked is
     * remembered while the state cannot change (one "before" walk, one check; {@link #forgetFolio} in between).
     */
    private void markFolio(long pfn) {
        if (pfn >= lastHead && pfn < lastEnd) return;
        PhysMem phys = c.phys;
        if (!phys.isInUse(pfn)) {
            frames.mark(pfn);
            forgetFolio();
            return;
        }
        lastHead = phys.folioHead(pfn);
        lastEnd = lastHead + phys.folioNrPages(lastHead);
        frames.mark(lastHead);
    }

    private void forgetFolio() {
        lastHead = -1;
        lastEnd = -1;
    }

    /** True if one of the disjoint ranges of {@code m} intersects [lo, hi). */
    private static boolean intersects(TreeMap<Long, Long> m, long lo, long hi) {
        Map.Entry<Long, Long> e = m.lowerEntry(hi);
        return e != null && e.getValue() > lo;
    }

    /** Adds [lo, hi) to the disjoint ranges of {@code m}, merging what it touches. */
    private static void insert(TreeMap<Long, Long> m, long lo, long hi) {
        Map.Entry<Long, Long> f = m.floorEntry(lo);
        if (f != null && f.getValue() >= lo) {
            lo = f.getKey();
            hi = Math.max(hi, f.getValue());
        }
        for (Map.Entry<Long, Long> n = m.ceilingEntry(lo); n != null && n.getKey() <= hi; n = m.ceilingEntry(lo)) {
            hi = Math.max(hi, n.getValue());
            m.remove(n.getKey());
        }
        m.put(lo, hi);
    }

    @Override public void pte(long pfn, int sign) { if (markAll) markFolio(pfn); }

    @Override public void pmd(long head, int sign) { if (markAll) frames.mark(head); }

    @Override public void swap(long off, int sign) {
        if (off > 0 && off < swapPtes.length) swapPtes[(int) off] += sign;
        if (markAll) slots.mark(off);
    }

    // ---- the check ---------------------------------------------------------------------------------------

    /** Checks what changed since the last check and returns what it looked at; throws {@link InvariantViolation}. */
    Checker.Work check() {
        baselined = false;
        forgetFolio();
        if (c.swap.device() != device) resetSlots(); // swapon or swapoff: only allowed with no slot in use
        Set<Mm> live = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        long tables = 0;
        long pmdEntries = 0;
        for (Mm mm : c.kernel.mms()) {
            live.add(mm);
            Book b = books.get(mm);
            if (b == null) {
                Checker.checkVmas(mm, 0, Checker.TOP);
                markAll = true;
                Checker.Tally t = c.scanWhole(mm, this);
                pmdEntries += t.pmdEntries;
                b = copy(t);
                books.put(mm, b);
            } else {
                after(mm, b);
            }
            pmdEntries += b.pmdEntries;
            b.pmdEntries = 0;
            c.checkMapCount(mm);
            Checker.checkTotals(mm, b);
            tables += b.tables;
        }
        for (var e : books.entrySet()) {
            if (live.contains(e.getKey())) continue;
            for (long[] gone : e.getValue().before.values()) markChanged(gone, 0); // an exited process
        }
        books.keySet().retainAll(live);
        c.checkTableCount(tables);
        saved = 0;
        checkSlots();
        int folios = checkFrames();
        Checker.Work work = new Checker.Work(false, pmdEntries, folios, slots.size());
        frames.clear();
        slots.clear();
        baselined = true;
        return work;
    }

    /** Checks the touched ranges of one process and adds their "after" to its totals. */
    private void after(Mm mm, Book b) {
        Set<Long> uppers = new HashSet<>();
        for (var r : b.touched.entrySet()) {
            long lo = r.getKey();
            long hi = r.getValue();
            c.walk(mm, lo, hi, new Checker.TableVisitor() {
                @Override public void upper(int level, long base) {
                    if (!uppers.add((long) level << 60 | base >>> Arch.PUD_SHIFT)) return;
                    Checker.checkTableNeeded(mm, level, base);
                    b.tables++;
                }

                @Override public void pmd(long addr, long entry) {
                    long[] before = b.before.remove(addr);
                    markAll = before == null; // nothing there before, or its "before" was not kept
                    c.checkPmdEntry(mm, addr, entry, b, Tracker.this);
                    if (before != null) markChanged(before, entry);
                }
            });
            Checker.checkVmas(mm, lo, hi);
        }
        for (long[] gone : b.before.values()) markChanged(gone, 0); // entries the call emptied
        b.before.clear();
        b.touched.clear();
    }

    private void checkSlots() {
        SwapDevice dev = device;
        if (dev == null) {
            if (!c.swap.folios().isEmpty()) Checker.fail("swap-cache folios without a swap device");
            return;
        }
        for (int k = 0; k < slots.size(); k++) {
            long off = slots.get(k);
            if (off <= 0 || off >= dev.slots()) continue;
            c.checkSlot(dev, off, swapPtes[(int) off]);
            boolean now = dev.inUse(off);
            if (now != inUse.get((int) off)) {
                inUse.set((int) off, now);
                used += now ? 1 : -1;
            }
            long cached = c.swap.lookup(off);
            if (cached >= 0) frames.mark(cached);
        }
        if (used != dev.used()) Checker.fail("swap device counts %d slots in use, %d are", dev.used(), used);
    }

    /** Checks the marked frames' folios; returns how many folios. */
    private int checkFrames() {
        PhysMem phys = c.phys;
        int[] pages = new int[1 << PhysMem.MAX_ORDER];
        boolean swapCache = !c.swap.folios().isEmpty();
        try {
            for (int k = 0; k < frames.size(); k++) {
                long pfn = frames.get(k);
                if (pfn < 1L << PhysMem.MAX_ORDER) continue; // the zero page and the huge zero folio
                if (!phys.isInUse(pfn)) {
                    c.checkFreeFrame(pfn);
                    if (swapCache && c.swap.folioSwap(pfn) >= 0) Checker.fail("swap cache holds pfn %d, which is not a live folio", pfn);
                    continue;
                }
                long head = phys.folioHead(pfn);
                if (!checked.mark(head)) continue;
                int pmds = c.mappingsByRmap(head, pages);
                c.checkFolio(head, pages, pmds, c.cacheRefsByLookup(head));
                long off = swapCache ? c.swap.folioSwap(head) : -1;
                if (off >= 0) c.checkSwapCacheFolio(head, off);
            }
            return checked.size();
        } finally {
            checked.clear();
        }
    }

    /** A set of non-negative indexes: a bitmap for membership and a list for visiting and clearing what is in it. */
    static final class Marks {
        private long[] bits = new long[64];
        private long[] list = new long[64];
        private int size;

        /** Adds i; returns true if it was not in the set. */
        boolean mark(long i) {
            if (i < 0) return false;
            int w = (int) (i >>> 6);
            if (w >= bits.length) bits = java.util.Arrays.copyOf(bits, Math.max(w + 1, bits.length * 2));
            long bit = 1L << i;
            if ((bits[w] & bit) != 0) return false;
            bits[w] |= bit;
            if (size == list.length) list = java.util.Arrays.copyOf(list, size * 2);
            list[size++] = i;
            return true;
        }

        int size() { return size; }

        long get(int k) { return list[k]; }

        void clear() {
            for (int k = 0; k < size; k++) bits[(int) (list[k] >>> 6)] = 0;
            size = 0;
        }
    }
}
