package org.mmsim.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.mmsim.mm.Uapi.*;

import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.mmsim.arch.Arch;
import org.mmsim.workload.SimBackend;

/**
 * The gap index (GapIndex, kept by Mm) and get_unmapped_area's top-down search on it: the index answers as a scan
 * of a sorted map would, stays equal to the VMAs' gaps through every kind of VMA change, and the indexed search
 * returns what walking the VMAs returns.
 */
class GapIndexTest {
    @Property(tries = 200)
    void answersAsAScanOfTheGaps(@ForAll long seed) {
        Random r = new Random(seed);
        GapIndex x = new GapIndex();
        TreeMap<Long, Long> ref = new TreeMap<>();
        for (int op = 0; op < 500; op++) {
            long key = r.nextInt(300) * 4096L;
            switch (r.nextInt(4)) {
                case 0, 1 -> {
                    long gap = r.nextInt(4) == 0 ? 0 : r.nextInt(40) * 4096L;
                    x.put(key, gap);
                    ref.put(key, gap);
                }
                case 2 -> {
                    x.remove(key);
                    ref.remove(key);
                }
                default -> {
                    long bound = r.nextInt(320) * 4096L;
                    long min = r.nextInt(45) * 4096L;
                    long want = -1;
                    for (Map.Entry<Long, Long> e : ref.headMap(bound, false).descendingMap().entrySet()) {
                        if (e.getValue() >= min) {
                            want = e.getKey();
                            break;
                        }
                    }
                    assertEquals(want, x.highestBelow(bound, min), "highest below " + bound + " with a gap of " + min);
                }
            }
            assertEquals(ref.size(), x.size());
            assertEquals(ref.getOrDefault(key, -1L), x.gap(key));
        }
    }

    /**
     * Random mmap (with and without a hint, of lengths that fill the gaps that munmap leaves), munmap, mprotect and
     * mremap: after each call the index equals the VMAs' gaps, and for lengths from a page to more than any gap the
     * indexed search gives the walk's address.
     */
    @Property(tries = 60)
    void theIndexedSearchFindsWhatTheWalkFinds(@ForAll long seed) {
        Random r = new Random(seed);
        SimBackend b = new SimBackend(Arch.byName(r.nextBoolean() ? "x86_64" : "arm64"), FeatureSet.patched(), false);
        Mm mm = b.mm();
        long p = 4096;
        int anon = MAP_PRIVATE | MAP_ANONYMOUS;
        for (int op = 0; op < 150; op++) {
            Vma any = null;
            int n = mm.mapCount();
            if (n > 0) {
                int k = r.nextInt(n);
                for (Vma v : mm.vmas()) if (k-- == 0) any = v;
            }
            long len = (1 + r.nextInt(r.nextBoolean() ? 4 : 600)) * p;
            switch (any == null ? 0 : r.nextInt(6)) {
                case 0, 1 -> b.mmap(0, len, r.nextBoolean() ? PROT_READ : PROT_READ | PROT_WRITE, anon, -1, 0);
                case 2 -> b.mmap(any.start - len - r.nextInt(8) * p, len, PROT_READ, anon, -1, 0); // a hint near a VMA
                case 3 -> b.munmap(any.start + r.nextInt((int) Math.max(1, any.pages())) * p, len);
                case 4 -> b.mprotect(any.start, Math.min(len, any.end - any.start), PROT_READ | PROT_WRITE | PROT_EXEC);
                default -> b.mremap(any.start, any.end - any.start, len, MREMAP_MAYMOVE, 0);
            }
            assertNull(mm.gapIndexError(), "after op " + op);
            for (long want : new long[] {p, 2 * p, 5 * p, 64 * p, 300 * p, 700 * p, 1L << 40, 1L << 47}) {
                assertEquals(Mmap.searchTopDownWalk(mm, want), Mmap.searchTopDown(mm, want), "len " + want + " after op " + op);
            }
        }
    }

    /** A VMA that grows down has a stack guard gap below it, which the index does not hold: the search walks. */
    @Property(tries = 20)
    void withAStackGuardGapTheSearchWalks(@ForAll long seed) {
        Random r = new Random(seed);
        SimBackend b = new SimBackend(Arch.byName("x86_64"), FeatureSet.patched(), false);
        Mm mm = b.mm();
        long stack = b.mmap(0, 16 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN, -1, 0);
        for (int i = 0; i < 20; i++) b.mmap(0, (1 + r.nextInt(300)) * 4096L, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        assertEquals(false, mm.gapsExact());
        long below = Mmap.searchTopDown(mm, 4096);
        assertEquals(Mmap.searchTopDownWalk(mm, 4096), below);
        b.munmap(stack, 16 * 4096);
        assertEquals(true, mm.gapsExact());
        assertNull(mm.gapIndexError());
    }
}
