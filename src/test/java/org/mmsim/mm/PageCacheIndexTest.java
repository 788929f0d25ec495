package org.mmsim.mm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** The shmem page cache's index (PageCacheIndex) answers as an ordered map of index to head pfn would. */
class PageCacheIndexTest {
    @Property(tries = 200)
    void behavesAsASortedMap(@ForAll long seed) {
        Random r = new Random(seed);
        PageCacheIndex x = new PageCacheIndex();
        TreeMap<Long, Long> ref = new TreeMap<>();
        // indexes clustered around a few chunk boundaries and spread wide, as mremap'd and sparse objects give
        long[] bases = {0, 511, 512, 1000, 5L << 20, 1L << 40};
        for (int op = 0; op < 400; op++) {
            long k = Math.max(0, bases[r.nextInt(bases.length)] + r.nextInt(1200) - 600);
            switch (r.nextInt(6)) {
                case 0, 1 -> {
                    long head = r.nextInt(1 << 30);
                    x.put(k, head);
                    ref.put(k, head);
                }
                case 2 -> assertEquals(ref.containsKey(k) ? ref.remove(k) : -1L, x.remove(k));
                case 3 -> assertEquals(key(ref.floorKey(k)), x.floorKey(k), "floor of " + k);
                case 4 -> assertEquals(key(ref.higherKey(k)), x.higherKey(k), "higher of " + k);
                default -> assertEquals(ref.getOrDefault(k, -1L), x.get(k));
            }
            assertEquals(ref.size(), x.size());
        }
        List<Long> seen = new ArrayList<>();
        x.forEach((k, v) -> { seen.add(k); seen.add(v); });
        List<Long> want = new ArrayList<>();
        for (Map.Entry<Long, Long> e : ref.entrySet()) { want.add(e.getKey()); want.add(e.getValue()); }
        assertEquals(want, seen);
        long from = r.nextInt(2000);
        long to = from + r.nextInt(5000);
        List<Long> range = new ArrayList<>();
        for (Map.Entry<Long, Long> e : ref.subMap(from, to).entrySet()) { range.add(e.getKey()); range.add(e.getValue()); }
        assertArrayEquals(range.stream().mapToLong(Long::longValue).toArray(), x.entries(from, to));
        x.clear();
        assertEquals(0, x.size());
        assertEquals(-1, x.floorKey(Long.MAX_VALUE));
    }

    private static long key(Long k) { return k == null ? -1 : k; }

    @Test
    void aPfnOutsideAnIntIsRefused() {
        PageCacheIndex x = new PageCacheIndex();
        assertThrows(IllegalArgumentException.class, () -> x.put(0, 1L << 31));
        assertThrows(IllegalArgumentException.class, () -> x.put(-1, 5));
        assertEquals(0, x.size());
    }
}
