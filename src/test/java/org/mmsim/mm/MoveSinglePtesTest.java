package org.mmsim.mm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mmsim.mm.Uapi.MAP_ANONYMOUS;
import static org.mmsim.mm.Uapi.MAP_PRIVATE;
import static org.mmsim.mm.Uapi.PROT_NONE;
import static org.mmsim.mm.Uapi.PROT_READ;
import static org.mmsim.mm.Uapi.PROT_WRITE;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mmsim.arch.Arch;
import org.mmsim.arch.Counters;
import org.mmsim.arch.Event;
import org.mmsim.pgtable.PteOps;
import org.mmsim.workload.SimBackend;

/**
 * {@link PteOps#moveSinglePtes}, the run form of move_ptes' single-entry steps, against those steps done one entry
 * at a time with the single-entry primitives (ptep_get, get_and_clear_full_ptes and set_ptes of one entry): the
 * same entries moved, the same source and destination tables (arm64: blocks folded at the destination where
 * contpte_try_fold would), the same counts. The source is a real table of mixed content: contpte blocks of 64K
 * folios, an unfolded block that can fold again, order-0 folios, a PROT_NONE entry, holes and swap entries.
 */
class MoveSinglePtesTest {
    static final long G = 1L << 30;
    static final long K64 = 64 << 10;
    static final int RW = PROT_READ | PROT_WRITE;

    @ParameterizedTest
    @ValueSource(strings = {"arm64", "x86_64"})
    void runsMoveAndCountAsTheSingleEntrySteps(String archName) {
        Arch arch = Arch.byName(archName);
        SimBackend b = new SimBackend(arch, org.mmsim.mm.FeatureSet.patched(), true);
        b.set("thp", "never");
        b.set("mthp 64K", "always");
        b.set("swap partition", "64M");
        assertEquals(G, b.mmap(G, 2L << 20, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
        b.memset(G, 0x5A, 2L << 20);
        // block 1: its first entry write-protected and back, so the block is unfolded but could fold again
        assertEquals(0, b.mprotect(G + K64, 4096, PROT_READ));
        assertEquals(0, b.mprotect(G + K64, 4096, RW));
        // block 2: one entry PROT_NONE (present, not valid)
        assertEquals(0, b.mprotect(G + 2 * K64 + 3 * 4096, 4096, PROT_NONE));
        // block 3: a hole refaulted: that page is an order-0 folio among the 64K folio's other pages
        assertEquals(0, b.madvise(G + 3 * K64 + 5 * 4096, 4096, Uapi.MADV_DONTNEED));
        b.poke(G + 3 * K64 + 5 * 4096, 7);
        // block 4: two holes; block 5: swapped out; block 6: one page swapped out
        assertEquals(0, b.madvise(G + 4 * K64 + 2 * 4096, 2 * 4096, Uapi.MADV_DONTNEED));
        assertEquals(0, b.madvise(G + 5 * K64, K64, Uapi.MADV_PAGEOUT));
        assertEquals(0, b.madvise(G + 6 * K64 + 9 * 4096, 4096, Uapi.MADV_PAGEOUT));
        // blocks 8..15 order-0 folios only: unmapped and faulted again with 64K mTHP off
        b.set("mthp 64K", "never");
        assertEquals(0, b.madvise(G + 8 * K64, 8 * K64, Uapi.MADV_DONTNEED));
        b.memset(G + 8 * K64, 0x33, 8 * K64);

        MmEnv env = b.mm().env;
        PteOps ops = env.pte;
        long[] real = b.mm().pageTables().pteTable(G, false);
        int singles = 0;
        int lastThree = 0; // singles among the last 3 source entries, which the shifted destination cannot take
        for (int j = 0; j < 512; j++) {
            long e = real[j];
            if (!arch.ptePresent(e) || (arch.hasContpte() && arch.pteValid(e) && arch.pteCont(e))) continue;
            singles++;
            if (j >= 509) lastThree++;
        }
        assertTrue(singles > 8 * 16, "the table has order-0 and unfolded entries: " + singles);
        boolean softDirty = arch.hasSoftDirty();
        long dstBase = 8 * G;
        int moved = 0;
        for (int shift : new int[] {0, 3}) { // destination aligned as the source (blocks can fold) or not
            long[] srcRun = real.clone();
            long[] srcRef = real.clone();
            long[] dstRun = new long[512];
            long[] dstRef = new long[512];
            for (int k = 0; k + shift < 512; ) {
                int di = k + shift;
                long dstAddr = dstBase + ((long) di << Arch.PAGE_SHIFT);
                long[] c0 = b.counters();
                int nr = ops.moveSinglePtes(srcRun, k, dstRun, di, dstAddr, 512 - di, softDirty);
                long[] c1 = b.counters();
                int ref = 0;
                while (di + ref < 512) {
                    long e = srcRef[k + ref];
                    if (!arch.ptePresent(e) || (arch.hasContpte() && arch.pteValid(e) && arch.pteCont(e))
                            || dstRef[di + ref] != 0) break;
                    long oldAddr = G + ((long) (k + ref) << Arch.PAGE_SHIFT);
                    long newAddr = dstAddr + ((long) ref << Arch.PAGE_SHIFT);
                    long pte = ops.ptepGet(srcRef, k + ref);
                    assertEquals(e, pte);
                    pte = ops.getAndClearFullPtes(srcRef, k + ref, oldAddr, 1);
                    if (softDirty) pte = arch.pteMksoftDirty(pte);
                    ops.setPtes(dstRef, di + ref, newAddr, pte, 1);
                    ref++;
                }
                assertSameRun(archName + " shift " + shift + " run at " + k, ref, nr, srcRef, srcRun, dstRef, dstRun,
                        c0, c1, b.counters());
                moved += nr;
                k += Math.max(nr, 1);
            }
        }
        assertEquals(2 * singles - lastThree, moved, "the runs moved the single entries: " + moved);
        if (arch.hasContpte()) {
            // block 1 folds at the aligned destination: its 16 entries are cont there
            long[] dst = new long[512];
            ops.moveSinglePtes(real.clone(), 16, dst, 16, dstBase + (16L << Arch.PAGE_SHIFT), 16, false);
            for (int j = 16; j < 32; j++) assertTrue(arch.pteCont(dst[j]), "entry " + j + " folded");
        }
    }

    /**
     * {@link PteOps#moveContBlocks} against move_ptes' batched steps block by block (ptep_get, the folio look-up,
     * folio_pte_batch, get_and_clear_full_ptes, set_ptes): on arm64 with blocks of 64K folios, a 128K folio (its batch
     * spans two blocks, so the run stops there), an unfolded block and holes; same entries moved, tables and counts.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 16, 3})
    void contBlockRunsMoveAndCountAsTheBatchedSteps(int dstShift) {
        Arch arch = Arch.ARM64;
        SimBackend b = new SimBackend(arch, org.mmsim.mm.FeatureSet.patched(), true);
        b.set("thp", "never");
        b.set("mthp 64K", "always");
        assertEquals(G, b.mmap(G, 2L << 20, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
        b.memset(G, 0x5A, 20 * K64);
        b.set("mthp 64K", "never");
        b.set("mthp 128K", "always");
        b.memset(G + 20 * K64, 0x5B, 4 * K64); // two 128K folios: blocks 20-23
        b.set("mthp 128K", "never");
        b.set("mthp 64K", "always");
        b.memset(G + 24 * K64, 0x5C, 8 * K64);
        assertEquals(0, b.mprotect(G + 6 * K64, 4096, PROT_READ)); // block 6 unfolded
        assertEquals(0, b.madvise(G + 12 * K64, K64, Uapi.MADV_DONTNEED)); // block 12 a hole
        // block 25 clean and old but for page 5, written again: the gather reads up to it
        assertEquals(0, b.madvise(G + 25 * K64, K64, Uapi.MADV_FREE));
        b.poke(G + 25 * K64 + 5 * 4096, 1);
        MmEnv env = b.mm().env;
        PteOps ops = env.pte;
        long[] real = b.mm().pageTables().pteTable(G, false);
        long[] srcRun = real.clone();
        long[] srcRef = real.clone();
        long[] dstRun = new long[512];
        long[] dstRef = new long[512];
        int moved = 0;
        for (int k = 0; k + dstShift < 512; ) {
            int di = k + dstShift;
            long[] c0 = b.counters();
            int nr = ops.moveContBlocks(srcRun, k, dstRun, di, 512 - di);
            long[] c1 = b.counters();
            int ref = 0;
            while (k + ref + 16 <= 512 - dstShift && ((k + ref) & 15) == 0 && (di & 15) == 0) {
                long e = srcRef[k + ref];
                if (!arch.pteValid(e) || !arch.pteCont(e) || dstRef[di + ref] != 0) break;
                long head = env.phys.folioHead(arch.ptePfn(e));
                if (env.phys.folioNrPages(head) != 16) break;
                long pte = ops.ptepGet(srcRef, k + ref);
                env.counters.inc(Event.FOLIO_LOOKUP);
                int batch = ops.folioPteBatch(head, srcRef, k + ref, pte, 512 - di - ref, PteOps.FPB_RESPECT_WRITE);
                assertEquals(16, batch);
                long v = ops.getAndClearFullPtes(srcRef, k + ref, G + ((long) (k + ref) << 12), 16);
                ops.setPtes(dstRef, di + ref, 8 * G + ((long) (di + ref) << 12), v, 16);
                ref += 16;
            }
            assertSameRun("shift " + dstShift + " run at " + k, ref, nr, srcRef, srcRun, dstRef, dstRun, c0, c1,
                    b.counters());
            moved += nr;
            k += Math.max(nr, 1);
        }
        if (dstShift % 16 == 0) {
            // blocks 0-5, 7-11, 13-19 and 24-31 (less what the shift cuts off): the unfolded block, the hole and
            // the 128K folios are left to the general path
            assertEquals((6 + 5 + 7 + 8 - dstShift / 16) * 16, moved);
            for (int j = dstShift; j < dstShift + 16; j++) assertTrue(arch.pteCont(dstRun[j]), "cont at the destination");
        } else {
            assertEquals(0, moved, "a destination off the block boundary is the general path's");
        }
    }

    /**
     * The run moved what the reference steps moved: as many entries, the same source and destination tables, and the
     * same counts (counters {@code c0} before the run, {@code c1} after it and before the reference, {@code c2} after).
     */
    private static void assertSameRun(String where, int ref, int nr, long[] srcRef, long[] srcRun, long[] dstRef,
                                      long[] dstRun, long[] c0, long[] c1, long[] c2) {
        assertEquals(ref, nr, where);
        assertArrayEquals(srcRef, srcRun, where);
        assertArrayEquals(dstRef, dstRun, where);
        assertEquals(Counters.delta(c1, c2).toString(), Counters.delta(c0, c1).toString(), where);
    }
}
