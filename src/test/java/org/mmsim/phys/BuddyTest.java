package org.mmsim.phys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.mmsim.arch.Counters;

class BuddyTest {
    @Test
    void blocksAreNaturallyAlignedAndMergeBack() {
        Buddy b = new Buddy(1024, 1024 * 64);
        long total = b.freeFrames();
        Random r = new Random(1);
        List<long[]> live = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            if (live.isEmpty() || r.nextInt(3) > 0) {
                int order = r.nextInt(11);
                long pfn = b.alloc(order);
                if (pfn < 0) continue;
                assertEquals(0, pfn & ((1L << order) - 1), "naturally aligned");
                for (long[] l : live) assertTrue(pfn + (1L << order) <= l[0] || l[0] + (1L << l[1]) <= pfn, "no overlap");
                live.add(new long[] {pfn, order});
            } else {
                long[] l = live.remove(r.nextInt(live.size()));
                b.free(l[0], (int) l[1]);
            }
        }
        for (long[] l : live) b.free(l[0], (int) l[1]);
        assertEquals(total, b.freeFrames());
        // everything merged back: the whole touched memory is available as top-order blocks again
        long hw = b.highWater();
        for (long i = 1024; i < hw; i += 1024) assertTrue(b.alloc(10) >= 0);
    }

    /**
     * The allocator hands out the lowest free block of the smallest fitting order (runs are deterministic): checked
     * against a naive free list over a random mix that grows the high-water mark, frees, and refills holes.
     */
    @Test
    void takesTheLowestBlockOfTheSmallestFittingOrder() {
        Buddy b = new Buddy(1024, 1024 * 256);
        // the reference: free blocks per order as sorted sets, split and merged by hand
        List<java.util.TreeSet<Long>> ref = new ArrayList<>();
        for (int k = 0; k <= Buddy.MAX_ORDER; k++) ref.add(new java.util.TreeSet<>());
        long[] hwm = {1024};
        Random r = new Random(7);
        List<long[]> live = new ArrayList<>();
        for (int i = 0; i < 20000; i++) {
            if (live.isEmpty() || r.nextInt(5) > 1) {
                int order = r.nextInt(4) == 0 ? r.nextInt(11) : 0;
                long want = refAlloc(ref, hwm, 1024 * 256, order);
                long got = b.alloc(order);
                assertEquals(want, got, "allocation " + i + " of order " + order);
                if (got >= 0) live.add(new long[] {got, order});
            } else {
                long[] l = live.remove(r.nextInt(live.size()));
                b.free(l[0], (int) l[1]);
                refFree(ref, l[0], (int) l[1]);
            }
        }
    }

    private static long refAlloc(List<java.util.TreeSet<Long>> ref, long[] hwm, long cap, int order) {
        for (;;) {
            for (int k = order; k <= Buddy.MAX_ORDER; k++) {
                if (ref.get(k).isEmpty()) continue;
                long block = ref.get(k).pollFirst();
                for (int j = k - 1; j >= order; j--) ref.get(j).add(block + (1L << j));
                return block;
            }
            if (hwm[0] + 1024 > cap) return -1;
            ref.get(Buddy.MAX_ORDER).add(hwm[0]);
            hwm[0] += 1024;
        }
    }

    private static void refFree(List<java.util.TreeSet<Long>> ref, long pfn, int order) {
        while (order < Buddy.MAX_ORDER && ref.get(order).remove(pfn ^ (1L << order))) {
            pfn &= ~(1L << order);
            order++;
        }
        ref.get(order).add(pfn);
    }

    /**
     * Frees entered as runs (consecutive equal-order blocks at increasing addresses, merged when anything else
     * happens) leave the allocator as block-by-block frees do: the same addresses come back from every
     * allocation.
     */
    @Test
    void runsOfFreesGiveTheSameAllocationsAsOneByOne() {
        Random r = new Random(7);
        for (int round = 0; round < 200; round++) {
            Buddy runs = new Buddy(1024, 1024 * 32);
            Buddy eager = new Buddy(1024, 1024 * 32);
            List<long[]> live = new ArrayList<>();
            for (int step = 0; step < 300; step++) {
                if (live.isEmpty() || r.nextInt(3) == 0) {
                    int order = r.nextInt(4) == 0 ? r.nextInt(11) : 4;
                    int count = 1 + r.nextInt(40);
                    for (int k = 0; k < count; k++) {
                        long pfn = runs.alloc(order);
                        assertEquals(eager.alloc(order), pfn, "round " + round + " step " + step);
                        if (pfn >= 0) live.add(new long[] {pfn, order});
                    }
                } else {
                    // free a stretch of the live blocks sorted by address (a zap), or one at random
                    live.sort((x, y) -> Long.compare(x[0], y[0]));
                    int from = r.nextInt(live.size());
                    int to = r.nextBoolean() ? from + 1 : Math.min(live.size(), from + 1 + r.nextInt(64));
                    for (long[] l : live.subList(from, to)) {
                        runs.free(l[0], (int) l[1]);
                        eager.free(l[0], (int) l[1]);
                        eager.flushRun();
                    }
                    live.subList(from, to).clear();
                }
                assertEquals(eager.freeFrames(), runs.freeFrames());
            }
        }
    }

    @Test
    void exhaustedMemoryReturnsMinusOne() {
        Buddy b = new Buddy(1024, 2048);
        assertEquals(1024, b.alloc(10));
        assertEquals(-1, b.alloc(0));
    }

    @Test
    void fillPagesCostNoArrays() {
        PhysMem m = new PhysMem(1L << 30, new Counters());
        long head = m.allocFolio(9);
        for (long p = head; p < head + 512; p++) m.fillPage(p, 0xAA);
        assertEquals(0, m.contentArrayBytes());
        m.writeByte(head, 3, 0xAA);
        assertEquals(0, m.contentArrayBytes(), "writing the fill byte again needs no array");
        m.writeByte(head, 3, 1);
        assertEquals(1, m.readByte(head, 3));
        assertEquals(0xAA, m.readByte(head, 4));
        assertTrue(m.contentArrayBytes() > 0);
    }
}
