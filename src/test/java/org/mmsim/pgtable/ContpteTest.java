package org.mmsim.pgtable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mmsim.arch.Arch;
import org.mmsim.arch.Counters;
import org.mmsim.arch.Event;
import org.mmsim.phys.PhysMem;

/** arm64 contpte management as KERNEL_FACTS §6 describes it. */
class ContpteTest {
    Counters c;
    PhysMem phys;
    PteOps ops;
    Arch a = Arch.ARM64;
    long[] t;
    long head;
    long pte;

    @BeforeEach
    void setUp() {
        c = new Counters();
        phys = new PhysMem(1L << 30, c);
        ops = new PteOps(a, c, phys);
        t = new long[512];
        head = phys.allocFolio(4);
        pte = a.pteMkdirty(a.pteMkwrite(a.pteMkyoung(a.mkPte(head, 3, false, 0))));
    }

    @Test
    void setPtesOfAWholeAlignedBlockSetsContWithoutTlbi() {
        ops.setPtes(t, 16, 16 * 4096L, pte, 16);
        for (int i = 16; i < 32; i++) assertTrue(a.pteCont(t[i]));
        assertEquals(0, c.get(Event.TLBI));
        assertEquals(16, c.get(Event.PTE_WRITE));
    }

    @Test
    void setPtesOfAnUnalignedRangeLeavesItNonCont() {
        ops.setPtes(t, 8, 8 * 4096L, pte, 16);
        for (int i = 8; i < 24; i++) assertFalse(a.pteCont(t[i]));
    }

    @Test
    void singleWritesFoldOnTheLastEntryOfTheBlock() {
        for (int i = 0; i < 16; i++) ops.setPtes(t, i, i * 4096L, a.pteWithPfn(pte, head + i), 1);
        assertEquals(1, c.get(Event.CONTPTE_FOLD));
        assertTrue(a.pteCont(t[0]));
        assertEquals(1, c.get(Event.TLBI), "fold is break-before-make with one range invalidation of the block");
    }

    @Test
    void clearingOneEntryOfABlockUnfoldsIt() {
        ops.setPtes(t, 0, 0, pte, 16);
        ops.getAndClearFullPtes(t, 3, 3 * 4096L, 1);
        assertEquals(1, c.get(Event.CONTPTE_UNFOLD));
        assertFalse(a.pteCont(t[0]));
        assertEquals(0, t[3]);
    }

    @Test
    void clearingAWholeBlockDoesNotUnfold() {
        ops.setPtes(t, 0, 0, pte, 16);
        ops.getAndClearFullPtes(t, 0, 0, 16);
        assertEquals(0, c.get(Event.CONTPTE_UNFOLD));
    }

    @Test
    void ptepGetGathersAccessAndDirtyAcrossTheBlock() {
        long clean = a.pteMkold(a.pteMkwrite(a.mkPte(head, 3, false, 0)));
        ops.setPtes(t, 0, 0, clean, 16);
        t[15] = a.pteMkdirty(a.pteMkyoung(t[15]));
        long got = ops.ptepGet(t, 0);
        assertTrue(a.pteDirty(got));
        assertTrue(a.pteYoung(got));
        assertEquals(16, c.get(Event.PTE_READ_CONT_GATHER), "bits only on the last entry: all 16 read");
    }

    @Test
    void batchHintSkipsToTheEndOfTheBlock() {
        ops.setPtes(t, 0, 0, pte, 16);
        assertEquals(16, ops.pteBatchHint(0, t[0]));
        assertEquals(6, ops.pteBatchHint(10, t[10]));
        assertEquals(1, Arch.X86_64.contPtes());
    }

    @Test
    void folioPteBatchCoversTheFolioAndStopsAtItsEnd() {
        long big = phys.allocFolio(5);
        long p = a.pteMkdirty(a.pteMkwrite(a.mkPte(big, 3, false, 0)));
        ops.setPtes(t, 32, 32 * 4096L, p, 32);
        t[64] = a.pteWithPfn(p, big + 32);
        assertEquals(32, ops.folioPteBatch(big, t, 32, ops.ptepGet(t, 32), 100, 0));
        t[40] = a.pteWrprotect(t[40]);
        assertEquals(32, ops.folioPteBatch(big, t, 32, ops.ptepGet(t, 32), 100, 0), "write ignored by default");
    }
}
