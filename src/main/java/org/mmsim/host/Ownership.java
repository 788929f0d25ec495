package org.mmsim.host;

import java.util.Map;
import java.util.TreeMap;

/**
 * The host address ranges the script got from the kernel and still holds, as disjoint half-open intervals
 * (touching intervals are coalesced). The host backend lets a call modify or access mapped memory only where this
 * set covers it, so the JVM's own memory is never touched.
 */
final class Ownership {
    private final TreeMap<Long, Long> ranges = new TreeMap<>(Long::compareUnsigned);

    /** Adds [start, end). */
    void add(long start, long end) {
        if (Long.compareUnsigned(start, end) >= 0) return;
        remove(start, end);
        Map.Entry<Long, Long> before = ranges.floorEntry(start);
        if (before != null && before.getValue() == start) {
            start = before.getKey();
            ranges.remove(start);
        }
        Long after = ranges.get(end);
        if (after != null) {
            ranges.remove(end);
            end = after;
        }
        ranges.put(start, end);
    }

    /** Removes [start, end). */
    void remove(long start, long end) {
        if (Long.compareUnsigned(start, end) >= 0) return;
        Map.Entry<Long, Long> before = ranges.lowerEntry(start);
        if (before != null && Long.compareUnsigned(before.getValue(), start) > 0) {
            ranges.put(before.getKey(), start);
            if (Long.compareUnsigned(before.getValue(), end) > 0) ranges.put(end, before.getValue());
        }
        while (true) {
            Map.Entry<Long, Long> e = ranges.ceilingEntry(start);
            if (e == null || Long.compareUnsigned(e.getKey(), end) >= 0) break;
            ranges.remove(e.getKey());
            if (Long.compareUnsigned(e.getValue(), end) > 0) ranges.put(end, e.getValue());
        }
    }

    /** The end of the owned interval that contains addr, or addr itself if addr is not owned. */
    long ownedUpTo(long addr) {
        Map.Entry<Long, Long> e = ranges.floorEntry(addr);
        return e != null && Long.compareUnsigned(e.getValue(), addr) > 0 ? e.getValue() : addr;
    }

    /** The start of the first owned interval above addr, or -1 (the highest address) if none. */
    long nextStart(long addr) {
        Long k = ranges.higherKey(addr);
        return k == null ? -1L : k;
    }

    /** True if every byte of [start, end) is owned. */
    boolean covers(long start, long end) {
        return Long.compareUnsigned(ownedUpTo(start), end) >= 0;
    }

    /** True if addr is owned. */
    boolean contains(long addr) {
        return ownedUpTo(addr) != addr;
    }

    /** The owned intervals (a copy), for tests and re-synchronisation. */
    TreeMap<Long, Long> snapshot() {
        return new TreeMap<>(ranges);
    }
}
