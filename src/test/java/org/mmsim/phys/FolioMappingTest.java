package org.mmsim.phys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.mmsim.arch.Counters;

/**
 * folio-&gt;mapping/index and the entire mapcount are kept in per-frame arrays (no map entry per folio): they must
 * answer exactly what a plain map of folio to (owner, index) would, through allocation, re-mapping, split and free,
 * also when the owner table is full and mappings overflow.
 */
class FolioMappingTest {
    private static final long MEM = 64L << 20;

    @Test
    void mappingsMatchAPlainMapUnderRandomOperations() {
        for (int tableSize : new int[] {FolioOwners.MAX_IDS, 3}) {
            PhysMem m = new PhysMem(MEM, new Counters(), tableSize);
            Map<Long, PhysMem.Mapping> model = new HashMap<>();
            List<Long> live = new ArrayList<>();
            Object[] owners = {new Object(), new Object(), new Object(), new Object(), new Object()};
            Random r = new Random(7 + tableSize);
            for (int step = 0; step < 20000; step++) {
                int op = r.nextInt(10);
                if (op < 4 || live.isEmpty()) {
                    long head = m.allocFolio(r.nextInt(5));
                    if (head < 0) continue;
                    live.add(head);
                    assertNull(m.folioMapping(head), "a new folio has no mapping");
                } else if (op < 7) {
                    long head = live.get(r.nextInt(live.size()));
                    Object owner = owners[r.nextInt(owners.length)];
                    // indices around 2^32 and negative ones cross entry boundaries and signs
                    long index = (r.nextBoolean() ? 0 : (1L << 32) - 3000) + r.nextInt(20000) - (r.nextInt(8) == 0 ? 50000 : 0);
                    m.setFolioMapping(head, owner, index);
                    model.put(head, new PhysMem.Mapping(owner, index));
                } else if (op < 9) {
                    long head = live.remove(r.nextInt(live.size()));
                    m.freeFolio(head);
                    model.remove(head);
                } else {
                    long head = live.remove(r.nextInt(live.size()));
                    int nr = m.folioNrPages(head);
                    PhysMem.Mapping fm = model.remove(head);
                    // one reference per page, as the swap cache holds them: nothing is freed by the split
                    m.splitFolio(head, 1);
                    for (int i = 0; i < nr; i++) {
                        live.add(head + i);
                        if (fm != null) model.put(head + i, new PhysMem.Mapping(fm.owner(), fm.index() + i));
                    }
                }
                if (step % 500 == 0) for (long h : live) assertEquals(model.get(h), m.folioMapping(h), "pfn " + h);
            }
            for (long h : live) {
                PhysMem.Mapping want = model.get(h);
                PhysMem.Mapping got = m.folioMapping(h);
                assertEquals(want, got, "pfn " + h);
                if (want != null) assertSame(want.owner(), got.owner());
            }
            for (long h : live) m.freeFolio(h);
            assertEquals(0, m.ownerEntries(), "freeing every folio releases every owner entry (table size " + tableSize + ")");
        }
    }

    @Test
    void ownerEntriesAreSharedPerOwnerAndChunkAndReused() {
        FolioOwners t = new FolioOwners(2);
        Object a = new Object();
        Object b = new Object();
        int w1 = t.acquire(a, 5);
        int w2 = t.acquire(a, 4095);
        assertEquals(1, t.size(), "indices in one 4096-page chunk of one owner share an entry");
        assertEquals(4095, t.index(w2));
        int w3 = t.acquire(b, -1);
        assertEquals(-1, t.index(w3));
        assertSame(b, t.owner(w3));
        assertEquals(FolioOwners.FULL, t.acquire(a, 4096), "a third entry does not fit a table of two");
        t.release(w3);
        int w4 = t.acquire(a, 4096);
        assertEquals(4096, t.index(w4), "the released id is reused");
        assertSame(a, t.owner(w4));
        t.release(w1);
        t.release(w2);
        t.release(w4);
        assertEquals(0, t.size());
    }

    @Test
    void entireMapcountLivesInTheSecondTailPage() {
        PhysMem m = new PhysMem(MEM, new Counters());
        long head = m.allocFolio(9);
        long next = m.allocFolio(0);
        assertEquals(0, m.entireMapcount(head));
        m.entireMapcountAdd(head, 1);
        m.entireMapcountAdd(head, 1);
        assertEquals(2, m.entireMapcount(head));
        assertEquals(1024, m.largeMapcount(head), "each PMD mapping counts every page in the large mapcount");
        assertEquals(1, m.refcount(head), "the head's refcount is untouched");
        assertEquals(0, m.entireMapcount(next), "an order-0 folio has no entire mapping");
        assertThrows(IllegalStateException.class, () -> m.entireMapcountAdd(next, 1));
        m.entireMapcountAdd(head, -2);
        assertEquals(0, m.entireMapcount(head));
        m.refAdd(head, -1);
        m.freeFolio(head);
        long again = m.allocFolio(9);
        assertEquals(0, m.entireMapcount(again), "a reallocated folio starts with no entire mapping");
    }

    @Test
    void mapcountsBeyondAShortSpillAndComeBack() {
        PhysMem m = new PhysMem(MEM, new Counters());
        long head = m.allocFolio(2);
        m.mapcountAdd(head + 1, 2, 32000);
        m.mapcountAdd(head + 1, 2, 1000);
        assertEquals(33000, m.mapcount(head + 1));
        assertEquals(33000, m.mapcount(head + 2));
        assertEquals(0, m.mapcount(head));
        assertEquals(66000, m.largeMapcount(head));
        m.mapcountAdd(head + 2, 1, 70000);
        assertEquals(103000, m.mapcount(head + 2));
        m.mapcountAdd(head + 1, 2, -33000);
        assertEquals(0, m.mapcount(head + 1));
        assertEquals(70000, m.mapcount(head + 2));
        m.mapcountAdd(head + 2, 1, -70000);
        assertEquals(0, m.mapcount(head + 2));
        assertEquals(0, m.largeMapcount(head));
        m.mapcountAdd(head + 3, 1, -40000);
        assertEquals(-40000, m.mapcount(head + 3), "a negative count (a bug elsewhere) is kept, not wrapped");
        m.mapcountAdd(head + 3, 1, 40000);
        m.mapcountAdd(head, 1, 50000);
        m.freeFolio(head);
        for (long p = head; p < head + 4; p++) assertEquals(0, m.mapcount(p), "a spilled count does not outlive its folio");
    }
}
