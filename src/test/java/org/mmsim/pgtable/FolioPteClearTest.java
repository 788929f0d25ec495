package org.mmsim.pgtable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mmsim.arch.Arch;
import org.mmsim.arch.Counters;
import org.mmsim.phys.PhysMem;

/**
 * {@link PteOps#getAndClearFolioPtes} (the one-pass batch-and-clear of mprotect, try_to_unmap and the zap) against
 * the two calls it stands for, folio_pte_batch then get_and_clear_full_ptes of the run found (for the zap,
 * clear_full_ptes, which counts the same): the same run length, merged
 * old value, table afterwards and every counter, on tables of 64K folios whose entries differ in the ways a batch
 * must notice (write, soft-dirty, dirty, young, non-present, another folio, a moved pfn) and in contpte state.
 */
class FolioPteClearTest {
    private static final int[] FLAGS = {
        PteOps.FPB_RESPECT_SOFT_DIRTY | PteOps.FPB_RESPECT_WRITE, PteOps.FPB_RESPECT_WRITE, 0,
        PteOps.FPB_RESPECT_DIRTY | PteOps.FPB_RESPECT_WRITE,
    };

    @ParameterizedTest
    @ValueSource(strings = {"x86_64", "arm64"})
    void oneFusedPassMatchesBatchThenClear(String archName) {
        Arch a = Arch.byName(archName);
        Random r = new Random(archName.hashCode());
        for (int round = 0; round < 3000; round++) {
            Counters c1 = new Counters();
            Counters c2 = new Counters();
            PhysMem phys1 = new PhysMem(64L << 20, c1);
            PhysMem phys2 = new PhysMem(64L << 20, c2);
            PteOps fused = new PteOps(a, c1, phys1);
            PteOps twoCalls = new PteOps(a, c2, phys2);
            long[] heads = new long[4];
            for (int f = 0; f < heads.length; f++) {
                heads[f] = phys1.allocFolio(4);
                assertEquals(heads[f], phys2.allocFolio(4));
            }
            long[] t1 = new long[512];
            int base = 16 * r.nextInt(8);
            for (int f = 0; f < heads.length; f++) {
                long pte = a.mkPte(heads[f], r.nextBoolean() ? 1 : 3, r.nextInt(4) == 0, 0);
                if (r.nextBoolean()) pte = a.pteMkyoung(pte);
                if (r.nextBoolean()) pte = a.pteMkdirty(pte);
                if (r.nextInt(3) == 0) pte = a.pteMkwrite(pte);
                // a whole aligned block (contpte on arm64) or, sometimes, misaligned by a few entries
                int at = base + 16 * f + (r.nextInt(4) == 0 ? r.nextInt(3) : 0);
                new PteOps(a, new Counters(), phys1).setPtes(t1, at, (long) at << Arch.PAGE_SHIFT, pte, 16);
            }
            for (int k = r.nextInt(4); k > 0; k--) {
                int j = base + r.nextInt(64);
                long e = t1[j];
                if (e == 0) continue;
                t1[j] = switch (r.nextInt(7)) {
                    case 0 -> a.pteWrprotect(e);
                    case 1 -> a.pteMkwrite(e);
                    case 2 -> a.pteMkold(a.pteMkclean(e));
                    case 3 -> a.hasSoftDirty() ? a.pteClearSoftDirty(e) : a.pteMkdirty(e);
                    case 4 -> 0;
                    case 5 -> a.pteWithPfn(e, a.ptePfn(e) + 1);
                    default -> a.pteMkyoung(a.pteMkdirty(e));
                };
            }
            long[] t2 = t1.clone();
            long[] t3 = t1.clone();
            int i = base + r.nextInt(48);
            if (!a.ptePresent(t1[i])) continue;
            long head = phys1.folioHead(a.ptePfn(t1[i]));
            int maxNr = 1 + r.nextInt(512 - i);
            int flags = FLAGS[r.nextInt(FLAGS.length)];
            long addr = (long) i << Arch.PAGE_SHIFT;

            long first1 = fused.ptepGet(t1, i);
            int nr1 = fused.getAndClearFolioPtes(head, t1, i, addr, first1, maxNr, flags);
            long old1 = fused.clearedPte();

            long first2 = twoCalls.ptepGet(t2, i);
            int nr2 = twoCalls.folioPteBatch(head, t2, i, first2, maxNr, flags);
            long old2 = twoCalls.getAndClearFullPtes(t2, i, addr, nr2);

            // zap_present_ptes: folio_pte_batch then clear_full_ptes (no merged value)
            Counters c3 = new Counters();
            PhysMem phys3 = new PhysMem(64L << 20, c3);
            for (long h : heads) assertEquals(h, phys3.allocFolio(4));
            PteOps zap = new PteOps(a, c3, phys3);
            long first3 = zap.ptepGet(t3, i);
            int nr3 = zap.folioPteBatch(head, t3, i, first3, maxNr, flags);
            zap.clearFullPtes(t3, i, addr, nr3);

            String what = archName + " round " + round;
            assertEquals(nr2, nr1, what + ": run length");
            assertEquals(old2, old1, what + ": merged old value");
            assertArrayEquals(t2, t1, what + ": table");
            assertArrayEquals(c2.snapshot(), c1.snapshot(), what + ": counters");
            assertEquals(nr3, nr1, what + ": run length against clear_full_ptes");
            assertArrayEquals(t3, t1, what + ": table against clear_full_ptes");
            assertArrayEquals(c3.snapshot(), c1.snapshot(), what + ": counters against clear_full_ptes");
        }
    }

    /** fillConsecutive advances the pfn by adding to the entry: equal to pteWithPfn up to the largest frame. */
    @ParameterizedTest
    @ValueSource(strings = {"x86_64", "arm64"})
    void consecutiveEntriesAreTheEntryPlusPages(String archName) {
        Arch a = Arch.byName(archName);
        for (long pfn : new long[] {0, 1, 12345, (1L << 32) - 20, (1L << 35) - 17}) {
            long pte = a.pteMkcont(a.pteMkdirty(a.pteMkyoung(a.pteMkwrite(a.mkPte(pfn, 3, false, 0)))));
            long[] t = new long[16];
            PteOps.fillConsecutive(t, 0, pte, 16);
            for (int k = 0; k < 16; k++) assertEquals(a.pteWithPfn(pte, pfn + k), t[k], "pfn " + pfn + " + " + k);
        }
    }
}
