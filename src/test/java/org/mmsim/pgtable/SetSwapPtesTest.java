package org.mmsim.pgtable;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mmsim.arch.Arch;
import org.mmsim.arch.Counters;
import org.mmsim.phys.PhysMem;

/**
 * {@link PteOps#setSwapPtes} writes, for entry j, exactly pte_move_swp_offset(swp, j): the offset advances and the
 * type, exclusive and soft-dirty bits are kept, for any offset the 8 TiB device limit allows.
 */
class SetSwapPtesTest {
    @ParameterizedTest
    @ValueSource(strings = {"x86_64", "arm64"})
    void everyEntryIsTheFirstMovedByItsIndex(String archName) {
        Arch a = Arch.byName(archName);
        PteOps ops = new PteOps(a, new Counters(), new PhysMem(64L << 20, new Counters()));
        Random r = new Random(archName.hashCode());
        for (int round = 0; round < 2000; round++) {
            long off = r.nextInt(Integer.MAX_VALUE - 1024);
            long swp = a.swpEntryPte(0, off);
            if (r.nextBoolean()) swp = a.swpMkExclusive(swp);
            if (r.nextBoolean()) swp = a.swpMksoftDirty(swp);
            int nr = 1 + r.nextInt(512);
            long[] t = new long[1024];
            int i = r.nextInt(1024 - nr + 1);
            ops.setSwapPtes(t, i, swp, nr);
            for (int j = 0; j < nr; j++) assertEquals(a.pteMoveSwpOffset(swp, j), t[i + j], "entry " + j + " of " + nr);
            if (i > 0) assertEquals(0, t[i - 1]);
            if (i + nr < t.length) assertEquals(0, t[i + nr]);
        }
    }
}
