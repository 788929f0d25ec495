package org.mmsim.mm;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * The page cache of a shmem object as an ordered map from the page index of each folio's first page to the folio's
 * head pfn (the xarray of an address_space). Indexes are grouped in chunks of {@value #SLOTS}, each an {@code int}
 * per index holding the head pfn plus one (0: no folio starts there), kept in a tree by chunk number: about four
 * bytes per cached page, where a boxed tree entry per folio cost about 90 bytes per page of 4 KiB folios
 * (docs/performance.md, session 6). A chunk goes when its last folio does.
 */
final class PageCacheIndex {
    private static final int SHIFT = 9;
    private static final int SLOTS = 1 << SHIFT;
    private static final int MASK = SLOTS - 1;

    /** Chunk number -&gt; its slots, and in slot {@link #SLOTS} the number of folios the chunk holds. */
    private final TreeMap<Long, int[]> chunks = new TreeMap<>();
    private int size;
    // the chunk of the last look-up: a run of faults in one region of the object finds it without a tree search
    private long lastNo = -1;
    private int[] last;

    /** Folios held. */
    int size() { return size; }

    boolean isEmpty() { return size == 0; }

    private int[] chunk(long no) {
        if (no == lastNo) return last;
        int[] c = chunks.get(no);
        if (c != null) {
            lastNo = no;
            last = c;
        }
        return c;
    }

    /** The head pfn of the folio starting at {@code index}, or -1. */
    long get(long index) {
        int[] c = chunk(index >>> SHIFT);
        return c == null ? -1 : c[(int) (index & MASK)] - 1L;
    }

    /** Records the folio {@code head} (a pfn below 2^31) as starting at {@code index}, replacing any other. */
    void put(long index, long head) {
        if (index < 0 || head < 0 || head >= Integer.MAX_VALUE) throw new IllegalArgumentException("index " + index + ", pfn " + head);
        long no = index >>> SHIFT;
        int[] c = chunk(no);
        if (c == null) {
            c = new int[SLOTS + 1];
            chunks.put(no, c);
            lastNo = no;
            last = c;
        }
        int s = (int) (index & MASK);
        if (c[s] == 0) {
            c[SLOTS]++;
            size++;
        }
        c[s] = (int) head + 1;
    }

    /** Removes the folio starting at {@code index}; returns its head pfn, or -1 if none started there. */
    long remove(long index) {
        long no = index >>> SHIFT;
        int[] c = chunk(no);
        int s = (int) (index & MASK);
        if (c == null || c[s] == 0) return -1;
        long head = c[s] - 1L;
        c[s] = 0;
        size--;
        if (--c[SLOTS] == 0) {
            chunks.remove(no);
            lastNo = -1;
            last = null;
        }
        return head;
    }

    /** The greatest index at or below {@code index} where a folio starts, or -1. */
    long floorKey(long index) {
        if (index < 0) return -1;
        long no = index >>> SHIFT;
        int[] c = chunk(no);
        if (c != null) {
            for (int s = (int) (index & MASK); s >= 0; s--) if (c[s] != 0) return no << SHIFT | s;
        }
        Map.Entry<Long, int[]> e = chunks.lowerEntry(no);
        return e == null ? -1 : lastIn(e.getKey(), e.getValue());
    }

    /** The least index above {@code index} where a folio starts, or -1. */
    long higherKey(long index) {
        long no = index >>> SHIFT;
        int[] c = chunk(no);
        if (c != null) {
            for (int s = (int) (index & MASK) + 1; s < SLOTS; s++) if (c[s] != 0) return no << SHIFT | s;
        }
        Map.Entry<Long, int[]> e = chunks.higherEntry(no);
        return e == null ? -1 : firstIn(e.getKey(), e.getValue());
    }

    private static long lastIn(long no, int[] c) {
        for (int s = MASK; s >= 0; s--) if (c[s] != 0) return no << SHIFT | s;
        throw new IllegalStateException("an empty page-cache chunk"); // removed with its last folio
    }

    private static long firstIn(long no, int[] c) {
        for (int s = 0; s < SLOTS; s++) if (c[s] != 0) return no << SHIFT | s;
        throw new IllegalStateException("an empty page-cache chunk");
    }

    /** The folios starting in [from, to), in index order, as index, head pfn, index, head pfn, ... (a copy). */
    long[] entries(long from, long to) {
        long[] out = new long[16];
        int n = 0;
        for (long k = get(from) >= 0 ? from : higherKey(from); k >= 0 && k < to; k = higherKey(k)) {
            if (n == out.length) out = Arrays.copyOf(out, 2 * n);
            out[n++] = k;
            out[n++] = get(k);
        }
        return Arrays.copyOf(out, n);
    }

    /** Every folio in index order: (first index, head pfn). */
    void forEach(java.util.function.BiConsumer<Long, Long> v) {
        for (Map.Entry<Long, int[]> e : chunks.entrySet()) {
            int[] c = e.getValue();
            for (int s = 0; s < SLOTS; s++) if (c[s] != 0) v.accept(e.getKey() << SHIFT | s, c[s] - 1L);
        }
    }

    void clear() {
        chunks.clear();
        size = 0;
        lastNo = -1;
        last = null;
    }
}
