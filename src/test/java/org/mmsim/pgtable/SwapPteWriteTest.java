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
 * pte_move_swp_offset of the first entry by j, {@link PteOps#ptepGetTwice} against two ptep_get calls, and
 * {@link PteOps#swapOutFolioPtes} against getAndClearFolioPtes followed by setSwapPtes.
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

    /**
     * The one-pass swap-out write against its two steps, on identical machines: random folio orders and positions,
     * access/dirty bits per entry and, on x86_64, entries that end the batch (write-protected, soft-dirty, none);
     * the run, the merged old value, every entry of the table and every counter must match.
     */
    @ParameterizedTest
    @ValueSource(strings = {"x86_64", "arm64"})
    void swapOutFolioPtesIsGetAndClearThenSetSwapPtes(String archName) {
        Arch a = Arch.byName(archName);
        Random r = new Random(archName.hashCode() + 2);
        int flags = PteOps.FPB_RESPECT_WRITE | PteOps.FPB_RESPECT_SOFT_DIRTY;
        for (int round = 0; round < 1000; round++) {
            Counters c1 = new Counters();
            Counters c2 = new Counters();
            PhysMem p1 = new PhysMem(64L << 20, c1);
            PhysMem p2 = new PhysMem(64L << 20, c2);
            PteOps fused = new PteOps(a, c1, p1);
            PteOps steps = new PteOps(a, c2, p2);
            int order = r.nextInt(7);
            long head = p1.allocFolio(order);
            assertEquals(head, p2.allocFolio(order));
            int n = 1 << order;
            int i = (r.nextInt(512 / n)) * n;
            if (order < 4 && r.nextBoolean()) i = r.nextInt(512 - n + 1); // not aligned to the folio's size
            long addr = (1L << 30) + ((long) i << Arch.PAGE_SHIFT);
            long pte = a.mkPte(head, 3, false, 0);
            if (r.nextBoolean()) pte = a.pteMkdirty(pte);
            long[] t1 = new long[512];
            long[] t2 = new long[512];
            fused.setPtes(t1, i, addr, pte, n);
            steps.setPtes(t2, i, addr, pte, n);
            for (int j = i; j < i + n; j++) {
                long e = t1[j];
                if (r.nextInt(4) == 0) e = a.pteMkold(e);
                if (r.nextInt(4) == 0) e = a.pteMkdirty(e);
                if (!a.hasContpte() && r.nextInt(40) == 0) e = a.pteWrprotect(e);
                if (!a.hasContpte() && a.hasSoftDirty() && r.nextInt(40) == 0) e = a.pteMksoftDirty(e);
                if (!a.hasContpte() && j > i && r.nextInt(60) == 0) e = 0;
                t1[j] = e;
                t2[j] = e;
            }
            int start = i + (n > 1 && t1[i] != 0 && r.nextInt(4) == 0 ? r.nextInt(n) : 0);
            if (t1[start] == 0) continue;
            long first = t1[start];
            long startAddr = addr + ((long) (start - i) << Arch.PAGE_SHIFT);
            int maxNr = 1 + r.nextInt(i + n - start);
            long swp = a.swpEntryPte(0, 1 + r.nextInt(1 << 20));
            if (r.nextBoolean()) swp = a.swpMkExclusive(swp);
            int nr = fused.swapOutFolioPtes(head, t1, start, startAddr, first, maxNr, flags, swp);
            int nr2 = steps.getAndClearFolioPtes(head, t2, start, startAddr, first, maxNr, flags);
            steps.setSwapPtes(t2, start, swp, nr2);
            assertEquals(nr2, nr, "round " + round);
            assertEquals(steps.clearedPte(), fused.clearedPte(), "round " + round);
            assertEquals(java.util.Arrays.toString(t2), java.util.Arrays.toString(t1), "round " + round);
            assertEquals(java.util.Arrays.toString(c2.snapshot()), java.util.Arrays.toString(c1.snapshot()), "round " + round);
        }
    }
}
