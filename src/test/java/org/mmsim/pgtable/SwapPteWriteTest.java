package org.mmsim.pgtable;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mmsim.arch.Arch;
import org.mmsim.arch.Counters;
import org.mmsim.arch.Event;
import org.mmsim.phys.PhysMem;

/**
 * {@link PteOps#setSwapPtes} (entry j written as the first plus j constant steps of the offset field) against
 * pte_move_swp_offset of the first entry by j, and {@link PteOps#ptepGetTwice} against two ptep_get calls.
 */
class SwapPteWriteTest {
    @ParameterizedTest
    @ValueSource(strings = {"x86_64", "arm64"})
    void swapPtesStepTheOffsetAsPteMoveSwpOffsetDoes(String archName) {
        Arch a = Arch.byName(archName);
        Random r = new Random(archName.hashCode());
        Counters c = new Counters();
        PteOps ops = new PteOps(a, c, new PhysMem(64L << 20, c));
        long[] offsets = {1, 2, 511, 512, 1L << 20, (1L << 31) - 600, (1L << 40) + 3};
        for (int round = 0; round < 2000; round++) {
            long off = round < offsets.length ? offsets[round] : 1 + (r.nextLong() >>> (r.nextInt(40) + 24));
            int type = r.nextInt(4) == 0 ? r.nextInt(2) : 0;
            long swp = a.swpEntryPte(type, off);
            if (r.nextBoolean()) swp = a.swpMkExclusive(swp);
            if (r.nextBoolean()) swp = a.swpMksoftDirty(swp);
            int nr = 1 + r.nextInt(512);
            long[] t = new long[512];
            long before = c.get(Event.PTE_WRITE_SWAP);
            ops.setSwapPtes(t, 0, swp, nr);
            assertEquals(before + nr, c.get(Event.PTE_WRITE_SWAP));
            for (int j = 0; j < nr; j++) {
                assertEquals(a.pteMoveSwpOffset(swp, j), t[j], "entry " + j + " from offset " + off);
                assertEquals(off + j, a.swpOffset(t[j]));
            }
            for (int j = nr; j < 512; j++) assertEquals(0, t[j]);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"x86_64", "arm64"})
    void ptepGetTwiceIsTwoReads(String archName) {
        Arch a = Arch.byName(archName);
        Random r = new Random(archName.hashCode() + 1);
        for (int round = 0; round < 500; round++) {
            Counters c1 = new Counters();
            Counters c2 = new Counters();
            PteOps once = new PteOps(a, c1, new PhysMem(64L << 20, c1));
            PteOps twice = new PteOps(a, c2, new PhysMem(64L << 20, c2));
            long[] t = new long[512];
            long pte = a.mkPte(1000 + r.nextInt(1000) * 16L, 3, false, 0);
            boolean cont = r.nextBoolean();
            for (int j = 0; j < 16; j++) {
                long e = a.pteWithPfn(pte, a.ptePfn(pte) + j);
                if (r.nextBoolean()) e = a.pteMkyoung(e);
                if (r.nextInt(3) == 0) e = a.pteMkdirty(e);
                t[j] = cont ? a.pteMkcont(e) : e;
            }
            int i = r.nextInt(16);
            long v = once.ptepGetTwice(t, i);
            twice.ptepGet(t, i);
            assertEquals(twice.ptepGet(t, i), v);
            assertEquals(java.util.Arrays.toString(c2.snapshot()), java.util.Arrays.toString(c1.snapshot()));
        }
    }
}
