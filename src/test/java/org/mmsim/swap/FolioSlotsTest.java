package org.mmsim.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The swap cache's folio-to-slot table against a HashMap: growth, deletion inside probe runs, huge keys. */
class FolioSlotsTest {
    @Test
    void growsAndKeepsEveryEntry() {
        FolioSlots t = new FolioSlots();
        assertEquals(false, t.entries().hasNext());
        for (long k = 0; k < 100_000; k++) t.put(k * 16, k * 16 + 1);
        assertEquals(100_000, t.size());
        for (long k = 0; k < 100_000; k++) assertEquals(k * 16 + 1, t.get(k * 16));
        assertEquals(-1, t.get(8));
        assertEquals(-1, t.get(16 * 100_000));
    }

    @Test
    void putReplacesAndRemoveGivesTheSlotBack() {
        FolioSlots t = new FolioSlots();
        t.put(5, 7);
        t.put(5, 9);
        assertEquals(1, t.size());
        assertEquals(9, t.remove(5));
        assertEquals(-1, t.remove(5));
        assertEquals(-1, t.get(5));
        assertEquals(0, t.size());
    }

    @Test
    void hugePfnsAndSlots() {
        FolioSlots t = new FolioSlots();
        long big = Long.MAX_VALUE - 3;
        t.put(big, Integer.MAX_VALUE - 9L);
        t.put(1L << 40, 1L << 33);
        t.put(0, 0);
        assertEquals(Integer.MAX_VALUE - 9L, t.get(big));
        assertEquals(1L << 33, t.get(1L << 40));
        assertEquals(0, t.get(0));
        assertThrows(IllegalArgumentException.class, () -> t.put(-1, 3));
        assertThrows(IllegalArgumentException.class, () -> t.put(3, -1));
    }

    /** A split swap-cache folio: the head's entry goes and every page gets its own, as SwapCache.splitCached does. */
    @Test
    void splitReplacesTheHeadByEveryPage() {
        FolioSlots t = new FolioSlots();
        t.put(4096, 512);
        long off = t.remove(4096);
        for (int j = 0; j < 16; j++) t.put(4096 + j, off + j);
        assertEquals(16, t.size());
        for (int j = 0; j < 16; j++) assertEquals(512 + j, t.get(4096 + j));
    }

    /** Random puts and removes (many collisions in a small key space) agree with a HashMap after every step. */
    @Test
    void randomOperationsAgreeWithAHashMap() {
        Random r = new Random(42);
        for (int round = 0; round < 20; round++) {
            FolioSlots t = new FolioSlots();
            Map<Long, Long> want = new HashMap<>();
            int keys = 8 + r.nextInt(2000);
            for (int op = 0; op < 20_000; op++) {
                long k = r.nextInt(keys) * (r.nextBoolean() ? 16L : 1L);
                if (r.nextInt(3) == 0) {
                    Long w = want.remove(k);
                    assertEquals(w == null ? -1 : w, t.remove(k));
                } else {
                    long v = r.nextInt(1 << 20);
                    want.put(k, v);
                    t.put(k, v);
                }
                assertEquals(want.size(), t.size());
            }
            for (var e : want.entrySet()) assertEquals(e.getValue(), t.get(e.getKey()));
            Map<Long, Long> seen = new HashMap<>();
            for (var it = t.entries(); it.hasNext(); ) {
                var e = it.next();
                assertEquals(null, seen.put(e.getKey(), e.getValue()), "each head once");
            }
            assertEquals(want, seen);
        }
    }
}
