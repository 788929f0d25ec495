package org.mmsim.mm;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.mmsim.arch.Arch;
import org.mmsim.arch.Event;
import org.mmsim.pgtable.PageTables;

/**
 * An address space (mm_struct): the VMA tree with Linux's split and merge rules (mm/vma.c), the page tables and
 * the RSS counters. The system calls that act on it live in their own classes ({@link Mmap}, {@link Fault}, ...).
 */
public final class Mm {
    final MmEnv env;
    final PageTables pt;
    private final TreeMap<Long, Vma> vmas = new TreeMap<>();
    // The VMA the last vma_lookup found (what the kernel's per-thread vmacache once kept): faults and accesses come
    // in runs on one VMA. Forgotten whenever the tree changes; a VMA shrunk in place is checked by its bounds.
    private Vma lastFound;
    /** The gap above each VMA, kept with every change to the tree and to a VMA's end (get_unmapped_area's search). */
    private final GapIndex gaps = new GapIndex();
    /** VMAs with VM_GROWSDOWN: their stack guard gaps are not in {@link #gaps}, so the search walks the VMAs. */
    private int growsDown;
    /** MM_ANONPAGES. */
    long anonRss;
    /** MM_SWAPENTS. */
    long swapEnts;
    /** MM_SHMEMPAGES. */
    long shmemRss;
    final long mmapBase;
    private final int id;
    private static int nextId = 1;

    public Mm(MmEnv env) {
        this.env = env;
        this.pt = new PageTables(env.arch, env.tables);
        long ts = env.arch.taskSize();
        this.mmapBase = (ts & ~(Arch.PUD_SIZE - 1)) - Arch.PUD_SIZE;
        synchronized (Mm.class) {
            this.id = nextId++;
        }
        env.mms.add(this);
        env.vmasChanged();
    }

    public MmEnv env() { return env; }

    public PageTables pageTables() { return pt; }

    public int id() { return id; }

    public long anonRss() { return anonRss; }

    public long swapEnts() { return swapEnts; }

    public long shmemRss() { return shmemRss; }


    /**
     * Tells the invariant checker (when on) that [start, end) is about to change: its PTEs, PMDs or VMAs. Called
     * before the first change, by the entry of each operation and by the walks that reach other processes.
     */
    void touch(long start, long end) {
        MmEnv.Watch w = env.watch;
        if (w != null) w.range(this, start, end);
    }

    /** map_count. */
    public int mapCount() { return vmas.size(); }

    /** All VMAs in address order (a live view; do not modify). */
    public Collection<Vma> vmas() { return vmas.values(); }

    /** The VMAs starting below {@code below}, highest first (a live view; do not modify). */
    Collection<Vma> vmasBelowDescending(long below) {
        return vmas.headMap(below, false).descendingMap().values();
    }

    /** vma_lookup: the VMA containing addr, or null. */
    public Vma vmaLookup(long addr) {
        env.counters.inc(Event.VMA_LOOKUP);
        Vma last = lastFound;
        if (last != null && last.start <= addr && addr < last.end) return last;
        Map.Entry<Long, Vma> e = vmas.floorEntry(addr);
        if (e == null || e.getValue().end <= addr) return null;
        return lastFound = e.getValue();
    }

    /** find_vma: the first VMA with end &gt; addr, or null. */
    public Vma findVma(long addr) {
        env.counters.inc(Event.VMA_LOOKUP);
        Map.Entry<Long, Vma> e = vmas.floorEntry(addr);
        if (e != null && e.getValue().end > addr) return e.getValue();
        Map.Entry<Long, Vma> h = vmas.higherEntry(addr);
        return h == null ? null : h.getValue();
    }

    /** The VMA starting at {@code start}, or null (no look-up counted: for the model's own indexes). */
    Vma vmaAt(long start) { return vmas.get(start); }

    /** The VMA before v, or null. */
    public Vma prev(Vma v) {
        Map.Entry<Long, Vma> e = vmas.lowerEntry(v.start);
        return e == null ? null : e.getValue();
    }

    /** The VMA after v, or null. */
    public Vma next(Vma v) {
        Map.Entry<Long, Vma> e = vmas.higherEntry(v.start);
        return e == null ? null : e.getValue();
    }

    /** The last VMA that ends at or before addr, or null. */
    public Vma vmaBefore(long addr) {
        Map.Entry<Long, Vma> e = vmas.lowerEntry(addr);
        while (e != null && e.getValue().end > addr) e = vmas.lowerEntry(e.getKey());
        return e == null ? null : e.getValue();
    }

    /** VMAs intersecting [start, end), in order. */
    public List<Vma> intersecting(long start, long end) {
        List<Vma> out = new ArrayList<>();
        Vma v = findVma(start);
        while (v != null && v.start < end) {
            out.add(v);
            v = next(v);
        }
        return out;
    }

    /** True if any VMA intersects [start, end). */
    public boolean anyIntersecting(long start, long end) {
        Vma v = findVma(start);
        return v != null && v.start < end;
    }

    void insert(Vma v) {
        lastFound = null;
        vmas.put(v.start, v);
        if (v.has(VmFlags.VM_GROWSDOWN)) growsDown++;
        regap(v.start);
        regapBelow(v.start);
        env.vmasChanged();
    }

    void remove(Vma v) {
        lastFound = null;
        vmas.remove(v.start);
        gaps.remove(v.start);
        if (v.has(VmFlags.VM_GROWSDOWN)) growsDown--;
        regapBelow(v.start);
        env.vmasChanged();
    }

    /** Re-keys a VMA whose start changed (call with its old start). */
    void rekey(Vma v, long oldStart) {
        lastFound = null;
        vmas.remove(oldStart);
        gaps.remove(oldStart);
        vmas.put(v.start, v);
        regap(v.start);
        regapBelow(v.start);
        regapBelow(oldStart);
        env.vmasChanged();
    }

    /** Moves the end of a VMA of this tree (its start, the key, stays). */
    private void setEnd(Vma v, long end) {
        v.end = end;
        regap(v.start);
    }

    /** The gap above v: up to the next VMA's start, unbounded for the highest VMA. */
    private long gapAbove(Vma v) {
        Map.Entry<Long, Vma> n = vmas.higherEntry(v.start);
        return n == null ? Long.MAX_VALUE : n.getKey() - v.end;
    }

    /** Recomputes the gap of the VMA starting at {@code start}, if one does. */
    private void regap(long start) {
        Vma v = vmas.get(start);
        if (v != null) gaps.put(start, gapAbove(v));
    }

    /** Recomputes the gap of the VMA below {@code addr}: its next VMA changed. */
    private void regapBelow(long addr) {
        Map.Entry<Long, Vma> e = vmas.lowerEntry(addr);
        if (e != null) gaps.put(e.getKey(), gapAbove(e.getValue()));
    }

    /**
     * The start of the highest VMA starting below {@code bound} whose gap above is at least {@code len}, or -1; the
     * whole answer only while no VMA grows down ({@link #gapsExact}).
     */
    long highestGapBelow(long bound, long len) { return gaps.highestBelow(bound, len); }

    /** True if the gap index alone answers the search: no VMA has a stack guard gap. */
    boolean gapsExact() { return growsDown == 0; }

    /**
     * What is wrong with the gap index against the VMAs, or null: for the invariant checker's full check (a change
     * to a VMA's bounds that did not go through the tree's methods).
     */
    public String gapIndexError() {
        int g = 0;
        for (Vma v : vmas.values()) {
            if (v.has(VmFlags.VM_GROWSDOWN)) g++;
            long want = gapAbove(v);
            if (gaps.gap(v.start) != want) {
                return "gap index: the VMA at 0x" + Long.toHexString(v.start) + " has gap " + gaps.gap(v.start) + ", not " + want;
            }
        }
        if (gaps.size() != vmas.size()) return "gap index holds " + gaps.size() + " VMAs, the tree " + vmas.size();
        if (g != growsDown) return "gap index counts " + growsDown + " VM_GROWSDOWN VMAs, the tree has " + g;
        return null;
    }

    /** Gives v an anon_vma, or drops it (null): the one way a VMA's rmap chain changes in place. */
    void setAnonVma(Vma v, AnonVma a) {
        v.anonVma = a;
        env.vmasChanged();
    }

    // ---- split and merge (mm/vma.c) ------------------------------------------------------------------

    /**
     * __split_vma: splits v at addr into [v.start, addr) and [addr, v.end); returns the upper part. Does not
     * check map_count (callers that must do so call {@link #splitVma}). A PMD-mapped THP straddling addr is
     * split into PTEs first (vma_adjust_trans_huge).
     */
    Vma splitVmaUnchecked(Vma v, long addr) {
        Thp.adjustTransHuge(this, v, addr);
        Vma upper = v.copy();
        upper.start = addr;
        upper.pgoff = v.pgoffOf(addr);
        setEnd(v, addr);
        insert(upper);
        env.counters.inc(Event.VMA_SPLIT);
        return upper;
    }

    /** split_vma: as {@link #splitVmaUnchecked} but -ENOMEM when map_count &gt;= max_map_count; returns the upper part or null. */
    Vma splitVma(Vma v, long addr) {
        if (mapCount() >= env.tunables.maxMapCount) return null;
        return splitVmaUnchecked(v, addr);
    }

    /**
     * True if two adjacent VMAs satisfy every merge rule of mm/vma.c (flags, anon_vma compatibility, pgoff
     * continuity): Linux would not leave them apart. Used by the invariant checker.
     */
    public static boolean wouldMerge(Vma prev, Vma next) {
        if (prev.end != next.start) return false;
        if (!canMerge(prev, next.flags, next.anonVma, next.forkChild, next.shmem)) return false;
        return prev.pgoff + prev.pages() == next.pgoff;
    }

    /**
     * is_mergeable_vma + anon_vma compatibility for a target VMA and a source range with these properties; the
     * shmem object plays the part of vm_file (only mappings of the same object merge).
     */
    static boolean canMerge(Vma tgt, long flags, AnonVma srcAnon, boolean srcForkChild, Shmem srcShmem) {
        if (((tgt.flags ^ flags) & ~VmFlags.VM_IGNORE_MERGE) != 0) return false;
        if (tgt.shmem != srcShmem) return false;
        if ((flags & VmFlags.VM_SPECIAL) != 0) return false;
        AnonVma tgtAnon = tgt.anonVma;
        if (tgtAnon == null && srcAnon != null) return !srcForkChild;
        if (tgtAnon != null && srcAnon == null) return !tgt.forkChild;
        return tgtAnon == srcAnon;
    }

    /**
     * vma_merge_new_range: a new range [start, end) with these flags, pgoff and anon_vma is merged into the
     * previous and/or next VMA when Linux would; returns the VMA that now covers the range, or null when no merge
     * happened (the caller inserts a new VMA).
     */
    Vma mergeNewRange(long start, long end, long flags, long pgoff, AnonVma anon, boolean forkChild) {
        return mergeNewRange(start, end, flags, pgoff, anon, forkChild, null);
    }

    /** {@link #mergeNewRange(long, long, long, long, AnonVma, boolean)} for a range of a shmem object (or null). */
    Vma mergeNewRange(long start, long end, long flags, long pgoff, AnonVma anon, boolean forkChild, Shmem shmem) {
        Vma prev = vmaBefore(start);
        if (prev != null && prev.end != start) prev = null;
        Map.Entry<Long, Vma> ne = vmas.ceilingEntry(end);
        Vma next = ne != null && ne.getKey() == end ? ne.getValue() : null;
        long pages = (end - start) >>> 12;
        boolean left = prev != null && canMerge(prev, flags, anon, forkChild, shmem) && prev.pgoff + prev.pages() == pgoff;
        boolean right = next != null && canMerge(next, flags, anon, forkChild, shmem) && next.pgoff == pgoff + pages;
        if (left && right && !(prev.anonVma == null || next.anonVma == null || prev.anonVma == next.anonVma)) right = false;
        if (left && right) {
            remove(next);
            setEnd(prev, next.end);
            if (prev.anonVma == null) setAnonVma(prev, next.anonVma != null ? next.anonVma : anon);
            env.counters.add(Event.VMA_MERGE, 2);
            return prev;
        }
        if (left) {
            setEnd(prev, end);
            if (prev.anonVma == null) setAnonVma(prev, anon);
            env.counters.inc(Event.VMA_MERGE);
            return prev;
        }
        if (right) {
            long old = next.start;
            next.start = start;
            next.pgoff = pgoff;
            if (next.anonVma == null) setAnonVma(next, anon);
            rekey(next, old);
            env.counters.inc(Event.VMA_MERGE);
            return next;
        }
        return null;
    }

    /**
     * vma_modify_flags: gives [start, end) (inside v) the new flags, merging with neighbours or splitting v as
     * Linux does. Returns the VMA now covering exactly [start, end), or null with -ENOMEM when a split would
     * exceed max_map_count.
     */
    Vma modifyFlags(Vma v, long start, long end, long newFlags) {
        if (newFlags == v.flags) return v.start == start && v.end == end ? v : splitToRange(v, start, end);
        Vma prev = start == v.start ? prev(v) : null;
        if (prev != null && prev.end != start) prev = null;
        Vma next = end == v.end ? next(v) : null;
        if (next != null && next.start != end) next = null;
        boolean left = prev != null && canMerge(prev, newFlags, v.anonVma, v.forkChild, v.shmem)
                && prev.pgoff + prev.pages() == v.pgoffOf(start);
        boolean right = next != null && canMerge(next, newFlags, v.anonVma, v.forkChild, v.shmem) && next.pgoff == v.pgoffOf(end);
        if (left && right && !(prev.anonVma == null || next.anonVma == null || prev.anonVma == next.anonVma)) right = false;
        if (left && right) {
            remove(v);
            remove(next);
            setEnd(prev, next.end);
            if (prev.anonVma == null) setAnonVma(prev, v.anonVma != null ? v.anonVma : next.anonVma);
            env.counters.add(Event.VMA_MERGE, 2);
            return prev;
        }
        if (left) {
            if (end < v.end) Thp.adjustTransHuge(this, v, end);
            setEnd(prev, end);
            if (prev.anonVma == null) setAnonVma(prev, v.anonVma);
            if (end == v.end) {
                remove(v);
            } else {
                long old = v.start;
                v.pgoff = v.pgoffOf(end);
                v.start = end;
                rekey(v, old);
            }
            env.counters.inc(Event.VMA_MERGE);
            return prev;
        }
        if (right) {
            if (start > v.start) Thp.adjustTransHuge(this, v, start);
            long old = next.start;
            long nextPgoff = v.pgoffOf(start);
            // Remove (or shrink) v before re-keying next: when start == v.start both use the same key.
            if (start == v.start) remove(v); else setEnd(v, start);
            next.start = start;
            next.pgoff = nextPgoff;
            if (next.anonVma == null) setAnonVma(next, v.anonVma);
            rekey(next, old);
            env.counters.inc(Event.VMA_MERGE);
            return next;
        }
        Vma mid = splitToRange(v, start, end);
        if (mid == null) return null;
        mid.flags = newFlags;
        return mid;
    }

    /**
     * Splits v so that one VMA covers exactly [start, end); null on -ENOMEM. As in Linux, each split checks
     * map_count on its own, so a failing second split leaves the first one done.
     */
    private Vma splitToRange(Vma v, long start, long end) {
        Vma mid = v;
        if (start > v.start) {
            mid = splitVma(v, start);
            if (mid == null) return null;
        }
        if (end < mid.end && splitVma(mid, end) == null) return null;
        return mid;
    }

    @Override public String toString() {
        StringBuilder sb = new StringBuilder("mm#" + id + "\n");
        for (Vma v : vmas.values()) sb.append("  ").append(v).append('\n');
        return sb.toString();
    }
}
