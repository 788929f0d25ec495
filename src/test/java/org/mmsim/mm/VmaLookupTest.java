package org.mmsim.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.mmsim.arch.Arch;
import org.mmsim.workload.SimBackend;

/** vma_lookup (which remembers the VMA it last found) answers as a search of the VMA tree does after every change. */
class VmaLookupTest {
    static final int RW = Uapi.PROT_READ | Uapi.PROT_WRITE;
    static final int ANON = Uapi.MAP_PRIVATE | Uapi.MAP_ANONYMOUS | Uapi.MAP_FIXED;
    static final long BASE = 1L << 32;
    static final long PAGE = 4096;

    @Test
    void lookupsAgreeWithTheTreeAcrossSplitsMergesMovesAndUnmaps() {
        SimBackend b = new SimBackend(Arch.ARM64, FeatureSet.patched(), false);
        Mm mm = b.mm();
        Random r = new Random(3);
        for (int step = 0; step < 3000; step++) {
            long a = BASE + r.nextInt(256) * PAGE;
            long len = (1 + r.nextInt(16)) * PAGE;
            switch (r.nextInt(5)) {
                case 0 -> b.mmap(a, len, RW, ANON, -1, 0);
                case 1 -> b.munmap(a, len);
                case 2 -> b.mprotect(a, len, r.nextBoolean() ? Uapi.PROT_READ : RW);
                case 3 -> b.mremap(a, len, len + PAGE * r.nextInt(3), Uapi.MREMAP_MAYMOVE, 0);
                default -> { }
            }
            // probe the same addresses repeatedly, so a remembered VMA is asked about after the change
            for (int k = 0; k < 8; k++) {
                long q = BASE + r.nextInt(300) * PAGE + r.nextInt((int) PAGE);
                assertSame(treeLookup(mm, q), mm.vmaLookup(q), "step " + step + " addr 0x" + Long.toHexString(q));
                assertSame(treeLookup(mm, q), mm.vmaLookup(q));
            }
        }
    }

    @Test
    void aShrunkVmaIsNotFoundPastItsNewEnd() {
        SimBackend b = new SimBackend(Arch.X86_64, FeatureSet.patched(), false);
        long p = b.mmap(BASE, 8 * PAGE, RW, ANON, -1, 0);
        assertEquals(BASE, p);
        assertEquals(BASE, b.mm().vmaLookup(p + 7 * PAGE).start);
        b.munmap(p + 4 * PAGE, 4 * PAGE);
        assertNull(b.mm().vmaLookup(p + 7 * PAGE));
        assertEquals(BASE, b.mm().vmaLookup(p).start);
    }

    private static Vma treeLookup(Mm mm, long addr) {
        Vma found = null;
        for (Vma v : mm.vmas()) if (v.start <= addr && addr < v.end) found = v;
        return found;
    }
}
