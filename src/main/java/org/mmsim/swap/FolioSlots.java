package org.mmsim.swap;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * folio-&gt;swap for every folio in the swap cache: the first slot of each cached folio, keyed by its head pfn. The
 * kernel keeps that slot in the folio itself; the model has no per-folio field to spare (host bytes per resident page
 * are budgeted), so the swap cache keeps it here, in primitive arrays sized by the number of cached folios (at most
 * one per slot of the device) instead of a boxed map entry per folio.
 *
 * <p>Open addressing with linear probing; a removal shifts the following entries of its probe run back, so there are
 * no tombstones and a look-up stops at the first empty cell. Keys and values are non-negative (pfns and slots); the
 * table doubles when it is half full and is never shrunk below its initial size.
 */
final class FolioSlots {
    private static final long EMPTY = -1;
    private static final int MIN_CAPACITY = 16;

    private long[] keys;
    private long[] values;
    private int size;

    FolioSlots() {
        keys = new long[MIN_CAPACITY];
        values = new long[MIN_CAPACITY];
        Arrays.fill(keys, EMPTY);
    }

    /** Folios held. */
    int size() { return size; }

    /** The slot of head, or -1. */
    long get(long head) {
        long[] k = keys;
        int mask = k.length - 1;
        for (int i = hash(head) & mask; ; i = (i + 1) & mask) {
            long key = k[i];
            if (key == head) return values[i];
            if (key == EMPTY) return -1;
        }
    }

    /** Sets the slot of head (a non-negative pfn) to off (non-negative), replacing any earlier one. */
    void put(long head, long off) {
        if (head < 0 || off < 0) throw new IllegalArgumentException("negative pfn " + head + " or slot " + off);
        if (2 * (size + 1) > keys.length) grow();
        long[] k = keys;
        int mask = k.length - 1;
        int i = hash(head) & mask;
        while (k[i] != EMPTY && k[i] != head) i = (i + 1) & mask;
        if (k[i] == EMPTY) size++;
        k[i] = head;
        values[i] = off;
    }

    /** Removes head; returns its slot, or -1 if it was not there. */
    long remove(long head) {
        long[] k = keys;
        int mask = k.length - 1;
        int i = hash(head) & mask;
        while (k[i] != head) {
            if (k[i] == EMPTY) return -1;
            i = (i + 1) & mask;
        }
        long off = values[i];
        size--;
        // Close the gap: move back every later entry of the run whose home cell is not between the gap and it.
        int gap = i;
        for (int j = (gap + 1) & mask; k[j] != EMPTY; j = (j + 1) & mask) {
            int home = hash(k[j]) & mask;
            boolean stays = gap <= j ? gap < home && home <= j : gap < home || home <= j;
            if (stays) continue;
            k[gap] = k[j];
            values[gap] = values[j];
            gap = j;
        }
        k[gap] = EMPTY;
        return off;
    }

    /** Every (head, slot), in no particular order; the table must not change during the iteration. */
    Iterator<Map.Entry<Long, Long>> entries() {
        long[] k = keys;
        long[] v = values;
        return new Iterator<>() {
            private int i = advance(0);

            private int advance(int from) {
                while (from < k.length && k[from] == EMPTY) from++;
                return from;
            }

            @Override public boolean hasNext() { return i < k.length; }

            @Override public Map.Entry<Long, Long> next() {
                if (i >= k.length) throw new NoSuchElementException();
                Map.Entry<Long, Long> e = Map.entry(k[i], v[i]);
                i = advance(i + 1);
                return e;
            }
        };
    }

    private void grow() {
        long[] oldK = keys;
        long[] oldV = values;
        keys = new long[oldK.length * 2];
        values = new long[oldK.length * 2];
        Arrays.fill(keys, EMPTY);
        size = 0;
        for (int i = 0; i < oldK.length; i++) if (oldK[i] != EMPTY) put(oldK[i], oldV[i]);
    }

    /** Spreads pfns (often consecutive multiples of a folio size) over the table. */
    private static int hash(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
