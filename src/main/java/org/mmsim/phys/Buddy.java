package org.mmsim.phys;

import java.util.Arrays;

/**
 * A binary buddy allocator over page frames, orders 0..{@link #MAX_ORDER} (mm/page_alloc.c in spirit).
 * Free blocks are kept as one bitmap per order (bit i of order k = the block starting at pfn i&lt;&lt;k is a
 * free block of exactly that order), about two bits per frame in all. Memory above the high-water mark is
 * untouched and handed out in top-order blocks on demand, so a machine with terabytes of simulated RAM
 * costs nothing until it is used. Allocation takes the lowest free address of the smallest fitting order,
 * so runs are deterministic.
 */
final class Buddy {
    static final int MAX_ORDER = 10;
    private static final long TOP = 1L << MAX_ORDER;

    private long capacity;
    private final long[][] bits = new long[MAX_ORDER + 1][];
    private final int[] cursor = new int[MAX_ORDER + 1];
    // free blocks per order: an order with none is skipped without scanning its bitmap
    private final long[] count = new long[MAX_ORDER + 1];
    private long hwm;
    private long free;
    /**
     * Blocks freed but not yet in the bitmaps: a run [runStart, runEnd) of equal-order blocks freed one after the
     * other at increasing addresses (a zap frees a range's folios so), entered as a whole when anything else
     * happens. Merging is complete either way, so the bitmaps come out as with block-by-block frees.
     */
    private long runStart = -1;
    private long runEnd;
    private int runOrder;

    /** Manages frames [firstPfn, capacity); firstPfn must be a multiple of 2^MAX_ORDER. */
    Buddy(long firstPfn, long capacity) {
        if (firstPfn % TOP != 0) throw new IllegalArgumentException("first pfn must be top-order aligned");
        this.capacity = capacity - capacity % TOP;
        this.hwm = firstPfn;
        for (int k = 0; k <= MAX_ORDER; k++) bits[k] = new long[16];
        this.free = this.capacity - firstPfn;
    }

    /**
     * Changes the number of frames (memory hot-plug in spirit). Shrinking is allowed down to the high-water mark.
     * Returns false if the new size is below memory already touched.
     */
    boolean setCapacity(long frames) {
        frames -= frames % TOP;
        if (frames < hwm) return false;
        free += frames - capacity;
        capacity = frames;
        return true;
    }

    /** Frames managed. */
    long capacity() { return capacity; }

    /** Frames not allocated (including untouched memory above the high-water mark). */
    long freeFrames() { return free; }

    /** Frames ever touched (the high-water mark): arrays indexed by pfn must cover this many. */
    long highWater() { return hwm; }

    /** Allocates 2^order naturally aligned frames; returns the first pfn, or -1 when memory is exhausted. */
    long alloc(int order) {
        flushRun();
        for (;;) {
            for (int k = order; k <= MAX_ORDER; k++) {
                long block = takeLowest(k);
                if (block < 0) continue;
                for (int j = k - 1; j >= order; j--) setBit(j, (block >>> j) + 1);
                free -= 1L << order;
                return block;
            }
            if (hwm + TOP > capacity) return -1;
            setBit(MAX_ORDER, hwm >>> MAX_ORDER);
            hwm += TOP;
        }
    }

    /** Returns a block to the allocator, merging with free buddies. */
    void free(long pfn, int order) {
        free += 1L << order;
        if (runStart >= 0 && order == runOrder && pfn == runEnd) {
            runEnd += 1L << order;
            return;
        }
        flushRun();
        runStart = pfn;
        runEnd = pfn + (1L << order);
        runOrder = order;
    }

    /**
     * Enters the pending run as the largest aligned blocks that tile it, each merged with free buddies outside: one
     * merge per 2^MAX_ORDER frames instead of one per freed block.
     */
    void flushRun() {
        long p = runStart;
        if (p < 0) return;
        long end = runEnd;
        runStart = -1;
        while (p < end) {
            int k = Math.min(MAX_ORDER, Long.numberOfTrailingZeros(p));
            while (p + (1L << k) > end) k--;
            merge(p, k);
            p += 1L << k;
        }
    }

    /** Puts a free block into the bitmaps, merging it with its free buddies. */
    private void merge(long pfn, int order) {
        while (order < MAX_ORDER) {
            // the buddy's bit: the block index with its lowest bit flipped
            long idx = (pfn >>> order) ^ 1;
            long[] b = bits[order];
            int w = (int) (idx >>> 6);
            long mask = 1L << idx;
            if (w >= b.length || (b[w] & mask) == 0) break;
            b[w] &= ~mask;
            count[order]--;
            pfn &= ~(1L << order);
            order++;
        }
        setBit(order, pfn >>> order);
    }

    /**
     * Takes the lowest free block of order k, or -1. The cursor is a lower bound of the lowest set word, so the scan
     * runs from it to the first block; an order with no free block is not scanned at all (scanning its bitmap to the
     * end on every miss made an order-0 allocation cost O(memory touched)).
     */
    private long takeLowest(int k) {
        if (count[k] == 0) return -1;
        long[] b = bits[k];
        for (int w = cursor[k]; ; w++) {
            long word = b[w];
            if (word != 0) {
                cursor[k] = w;
                int bit = Long.numberOfTrailingZeros(word);
                b[w] = word & ~(1L << bit);
                count[k]--;
                long idx = ((long) w << 6) + bit;
                return idx << k;
            }
        }
    }

    private void setBit(int k, long idx) {
        int w = (int) (idx >>> 6);
        long[] b = bits[k];
        if (w >= b.length) b = bits[k] = Arrays.copyOf(b, Math.max(w + 1, b.length * 2));
        b[w] |= 1L << idx;
        count[k]++;
        if (w < cursor[k]) cursor[k] = w;
    }
}
