package org.mmsim.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The PROCMAP_QUERY path and the maps-file path report the same VMAs; ownership intervals behave. */
class MapsTest {
    private static List<Maps.Area> unnamed(List<Maps.Area> l) {
        return l.stream().map(a -> new Maps.Area(a.start(), a.end(), a.prot(), a.shared(), a.offset(), "")).toList();
    }

    @Test
    void ioctlAndFileAgree() {
        HostTestSupport.assumeHost();
        try (HostBackend h = HostBackend.open()) {
            long p = h.mmap(1L << 30, 16 << 12, 3, 0x22, -1, 0);
            assertEquals(0, h.mprotect(p + (4 << 12), 4 << 12, 1));
            long from = h.base();
            long to = h.base() + (2L << 30);
            List<Maps.Area> q = MapsQuery.between("/proc/self", from, to);
            Assumptions.assumeTrue(q != null, "this kernel has no PROCMAP_QUERY (before 6.11)");
            assertEquals(unnamed(Maps.read("/proc/self", from, to)), q);
            assertEquals(3, q.size());
            // a whole-address-space comparison (nothing maps or unmaps between the two reads in this test)
            long top = 1L << 47;
            List<Maps.Area> all = MapsQuery.between("/proc/self", 0, top);
            assertEquals(unnamed(Maps.read("/proc/self", 0, top)).size(), all.size());
            long inside = h.base() + p + 100;
            assertEquals(1, MapsQuery.between("/proc/self", inside, inside).size(), "a point inside a VMA");
            assertEquals(0, MapsQuery.between("/proc/self", h.base() + p, h.base() + p).size(), "as the file: empty at a VMA start");
        }
    }

    @Test
    void ownershipIntervalsCoalesceAndSplit() {
        Ownership o = new Ownership();
        o.add(0x1000, 0x3000);
        o.add(0x3000, 0x5000);
        assertTrue(o.covers(0x1000, 0x5000));
        o.remove(0x2000, 0x4000);
        assertFalse(o.contains(0x2000));
        assertTrue(o.contains(0x1fff));
        assertTrue(o.contains(0x4000));
        assertEquals(0x2000, o.ownedUpTo(0x1000));
        assertEquals(0x4000, o.nextStart(0x2000));
        assertEquals(2, o.snapshot().size());
    }
}
