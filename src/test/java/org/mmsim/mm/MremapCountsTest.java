package org.mmsim.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mmsim.mm.Uapi.MAP_ANONYMOUS;
import static org.mmsim.mm.Uapi.MAP_FIXED;
import static org.mmsim.mm.Uapi.MAP_PRIVATE;
import static org.mmsim.mm.Uapi.MREMAP_FIXED;
import static org.mmsim.mm.Uapi.MREMAP_MAYMOVE;
import static org.mmsim.mm.Uapi.PROT_READ;
import static org.mmsim.mm.Uapi.PROT_WRITE;

import java.util.EnumSet;

import org.junit.jupiter.api.Test;
import org.mmsim.arch.Arch;
import org.mmsim.arch.Counters;
import org.mmsim.arch.Event;
import org.mmsim.workload.SimBackend;

/**
 * The counted facts of the mremap seeds: 000 (PTE batching: fewer PTE reads and TLB invalidations on arm64 with
 * 64K folios), 002 (the batch hint removes the folio look-up on x86), 003 (moving whole PMD/PUD entries).
 */
class MremapCountsTest {
    static final long M = 1L << 20;
    static final long G = 1L << 30;
    static final int RW = PROT_READ | PROT_WRITE;
    static final int PA = MAP_PRIVATE | MAP_ANONYMOUS;
    static final int FIXED = MREMAP_MAYMOVE | MREMAP_FIXED;

    /** The counters of the mremap call alone in one iteration of seed 000's program. */
    record Seed000(long[] delta) {
        long get(Event e) { return delta[e.ordinal()]; }

        long pteReads() { return get(Event.PTE_READ) + get(Event.PTE_READ_CONT_GATHER); }

        @Override public String toString() { return Counters.delta(new long[Event.COUNT], delta).toString(); }
    }

    /**
     * Seed 000: mmap 1 MiB at 1 GiB, memset 0xAA, mremap MAYMOVE|FIXED to addr + 1 MiB, munmap; the counters of the
     * mremap, identical in every iteration (checked over 3).
     */
    static Seed000 seed000(String arch, FeatureSet fs, String folio) { return seed000(arch, fs, folio, false); }

    /**
     * As {@link #seed000(String, FeatureSet, String)}; with {@code dontunmap} the mremap also passes
     * MREMAP_DONTUNMAP, so the call is the page-table move alone, without the munmap of the (then empty) source,
     * whose zap reads every entry of the source table in both kernels.
     */
    static Seed000 seed000(String arch, FeatureSet fs, String folio, boolean dontunmap) {
        SimBackend b = new SimBackend(Arch.byName(arch), fs, true);
        b.set("thp", "never");
        if (folio.equals("64K")) b.set("mthp 64K", "always");
        long[] first = null;
        for (int i = 0; i < 3; i++) {
            long p = b.mmap(G, M, RW, PA, -1, 0);
            assertEquals(G, p);
            b.memset(p, 0xAA, M);
            long[] before = b.counters();
            assertEquals(p + M, b.mremap(p, M, M, FIXED | (dontunmap ? Uapi.MREMAP_DONTUNMAP : 0), p + M));
            long[] after = b.counters();
            long[] d = new long[Event.COUNT];
            for (int k = 0; k < d.length; k++) d[k] = after[k] - before[k];
            if (first == null) first = d;
            else assertEquals(Counters.delta(new long[Event.COUNT], first), Counters.delta(new long[Event.COUNT], d));
            assertEquals(0xAA, b.peek(p + M + 4321));
            assertEquals(0, b.munmap(dontunmap ? p : p + M, dontunmap ? 2 * M : M));
        }
        return new Seed000(first);
    }

    @Test void seed000PatchedReadsAndInvalidatesFarLessOnArm64With64KFolios() {
        Seed000 base = seed000("arm64", FeatureSet.baseline(), "64K");
        Seed000 patched = seed000("arm64", FeatureSet.patched(), "64K");
        System.out.println("seed000 arm64 64K baseline: " + base);
        System.out.println("seed000 arm64 64K patched:  " + patched);
        assertEquals(256, base.get(Event.PTE_MOVE));
        assertEquals(256, patched.get(Event.PTE_MOVE));
        // The whole call: the munmap of the emptied source reads its 256 (none) entries in both kernels
        // (zap_pte_range reads every entry), so the call as a whole reads 784 vs 288 (2.7x).
        assertEquals(784, base.pteReads());
        assertEquals(288, patched.pteReads());
        // The move itself (move_ptes; measured with DONTUNMAP so no source munmap runs): 16.5x fewer reads.
        // Baseline reads each entry (the first of a block gathers A/D), and each re-fold at the destination reads
        // the 16 entries of its block; patched reads the first entry of each block (the hint skips the rest).
        Seed000 baseMove = seed000("arm64", FeatureSet.baseline(), "64K", true);
        Seed000 patchedMove = seed000("arm64", FeatureSet.patched(), "64K", true);
        System.out.println("seed000 arm64 64K move only (DONTUNMAP) baseline: " + baseMove);
        System.out.println("seed000 arm64 64K move only (DONTUNMAP) patched:  " + patchedMove);
        assertEquals(528, baseMove.pteReads());
        assertEquals(32, patchedMove.pteReads());
        assertTrue(baseMove.pteReads() >= 8 * patchedMove.pteReads());
        assertEquals(base.pteReads() - 256, baseMove.pteReads());
        assertEquals(patched.pteReads() - 256, patchedMove.pteReads());
        assertEquals(16, base.get(Event.CONTPTE_UNFOLD));
        assertEquals(16, base.get(Event.CONTPTE_FOLD));
        assertEquals(0, patched.get(Event.CONTPTE_UNFOLD));
        assertEquals(0, patched.get(Event.CONTPTE_FOLD));
        // TLB: baseline = 16 unfolds + 16 folds (one range TLBI each, FEAT_TLBIRANGE) + the extent flush (256
        // pages: one range TLBI); patched = the extent flush only: 33x fewer requests and invalidations.
        assertEquals(33, base.get(Event.TLB_FLUSH_RANGE));
        assertEquals(1, patched.get(Event.TLB_FLUSH_RANGE));
        assertTrue(base.get(Event.TLB_FLUSH_RANGE) >= 8 * patched.get(Event.TLB_FLUSH_RANGE));
        assertEquals(33, base.get(Event.TLBI));
        assertEquals(1, patched.get(Event.TLBI));
        assertTrue(base.get(Event.TLBI) >= 8 * patched.get(Event.TLBI));
        // arm64 with the hint: a look-up only at the first entry of each contpte block
        assertEquals(16, patched.get(Event.FOLIO_LOOKUP));
        assertEquals(0, base.get(Event.FOLIO_LOOKUP));
    }

    @Test void seed000PatchedIsNoWorseWith4KFolios() {
        for (String arch : new String[] {"arm64", "x86_64"}) {
            Seed000 base = seed000(arch, FeatureSet.baseline(), "4K");
            Seed000 patched = seed000(arch, FeatureSet.patched(), "4K");
            System.out.println("seed000 " + arch + " 4K baseline: " + base);
            System.out.println("seed000 " + arch + " 4K patched:  " + patched);
            assertTrue(patched.pteReads() <= base.pteReads(), arch);
            assertTrue(patched.get(Event.TLBI) <= base.get(Event.TLBI), arch);
            assertEquals(0, patched.get(Event.FOLIO_LOOKUP), arch);
        }
    }

    @Test void seed000OnX86() {
        Seed000 base = seed000("x86_64", FeatureSet.baseline(), "64K");
        Seed000 patched = seed000("x86_64", FeatureSet.patched(), "64K");
        System.out.println("seed000 x86_64 64K baseline: " + base);
        System.out.println("seed000 x86_64 64K patched:  " + patched);
        assertEquals(base.pteReads(), patched.pteReads());
        assertEquals(base.get(Event.TLBI), patched.get(Event.TLBI));
        assertEquals(0, patched.get(Event.FOLIO_LOOKUP));
    }

    @Test void seed002FolioLookupsWithoutTheHintEqualPresentPtesMovedOnX86() {
        FeatureSet batchOnly = FeatureSet.baseline().with(Feature.MREMAP_PTE_BATCH, true);
        FeatureSet both = batchOnly.with(Feature.MREMAP_BATCH_HINT, true);
        for (String folio : new String[] {"4K", "64K"}) {
            Seed000 noHint = seed000("x86_64", batchOnly, folio);
            Seed000 hint = seed000("x86_64", both, folio);
            System.out.println("seed002 x86_64 " + folio + " batch, no hint: " + noHint);
            System.out.println("seed002 x86_64 " + folio + " batch + hint:   " + hint);
            // One vm_normal_folio per present PTE batch start, except where max_nr == 1 (the last PTE of the extent,
            // which mremap_folio_pte_batch returns before looking anything up). With 4K folios every PTE starts a
            // batch: look-ups = present PTEs moved - 1 (one extent of 256 PTEs).
            if (folio.equals("4K")) assertEquals(noHint.get(Event.PTE_MOVE) - 1, noHint.get(Event.FOLIO_LOOKUP));
            // With 64K folios x86 still batches (the folio is large): one look-up per folio.
            else assertEquals(noHint.get(Event.PTE_MOVE) / 16, noHint.get(Event.FOLIO_LOOKUP));
            assertEquals(0, hint.get(Event.FOLIO_LOOKUP));
        }
        // Without mremap-pte-batch there is no folio look-up in move_ptes at all.
        Seed000 base = seed000("x86_64", FeatureSet.baseline(), "4K");
        assertEquals(0, base.get(Event.FOLIO_LOOKUP));
    }

    /**
     * move_ptes without contpte, where a present entry moves alone unless folio batches are looked up: over an
     * extent with none entries, present pages and swap entries, each entry costs one ptep_get read; each present
     * one a get_and_clear_full_ptes and a set_ptes of one entry; each swap entry a pte_clear and a swap-PTE write.
     * The model moves such entries as runs and must count exactly that, with and without the batching features.
     */
    @Test void x86SingleEntryMovesCountOneStepPerEntry() {
        FeatureSet batchOnly = FeatureSet.baseline().with(Feature.MREMAP_PTE_BATCH, true);
        for (FeatureSet fs : new FeatureSet[] {FeatureSet.baseline(), FeatureSet.patched(), batchOnly}) {
            SimBackend b = new SimBackend(Arch.X86_64, fs, true);
            b.set("thp", "never");
            b.set("swap partition", "64M");
            assertEquals(G, b.mmap(G, M, RW, PA, -1, 0));
            b.memset(G, 0xAA, M);
            // holes and swap entries among the present pages, at run starts, ends and in the middle
            assertEquals(0, b.madvise(G, 12 << 12, Uapi.MADV_DONTNEED));
            assertEquals(0, b.madvise(G + (40L << 12), 5 << 12, Uapi.MADV_DONTNEED));
            assertEquals(0, b.madvise(G + (100L << 12), 7 << 12, Uapi.MADV_PAGEOUT));
            assertEquals(0, b.madvise(G + (200L << 12), 1 << 12, Uapi.MADV_PAGEOUT));
            assertEquals(0, b.madvise(G + (255L << 12), 1 << 12, Uapi.MADV_DONTNEED));
            long present = 0;
            long swapped = 0;
            for (long a = G; a < G + M; a += 4096) {
                if (b.present(a)) present++;
                if (b.swapped(a)) swapped++;
            }
            assertEquals(256 - 12 - 5 - 8 - 1, present, fs.toString());
            assertEquals(8, swapped, fs.toString());
            long dst = G + 2 * M + (64 << 10);
            long[] before = b.counters();
            assertEquals(dst, b.mremap(G, M, M, FIXED | Uapi.MREMAP_DONTUNMAP, dst));
            long[] after = b.counters();
            long[] d = new long[Event.COUNT];
            for (int k = 0; k < d.length; k++) d[k] = after[k] - before[k];
            java.util.function.ToLongFunction<Event> n = e -> d[e.ordinal()];
            String what = fs + ": " + Counters.delta(new long[Event.COUNT], d);
            assertEquals(present + swapped, n.applyAsLong(Event.PTE_MOVE), what);
            assertEquals(swapped, n.applyAsLong(Event.PTE_WRITE_SWAP), what);
            if (fs == batchOnly) {
                // 4K folios: every present entry looks its folio up and moves alone (order 0); the last entry of the
                // extent, which would not look up, is a hole here
                assertEquals(present, n.applyAsLong(Event.FOLIO_LOOKUP), what);
            } else {
                assertEquals(0, n.applyAsLong(Event.FOLIO_LOOKUP), what);
            }
            assertEquals(256, n.applyAsLong(Event.PTE_READ), what);
            assertEquals(present, n.applyAsLong(Event.PTE_CLEAR_SINGLE), what);
            assertEquals(present + swapped, n.applyAsLong(Event.PTE_CLEAR), what);
            assertEquals(present, n.applyAsLong(Event.PTE_WRITE), what);
            assertEquals(0, n.applyAsLong(Event.PTE_BATCH_OP), what);
            for (long a = dst; a < dst + M; a += 4096) {
                long off = a - dst;
                boolean hole = off < (12 << 12) || (off >= (40L << 12) && off < (45L << 12)) || off == (255L << 12);
                assertEquals(!hole, b.present(a) || b.swapped(a), "0x" + Long.toHexString(off));
                if (!hole) assertEquals(0xAA, b.peek(a));
            }
        }
    }

    /** Seed 003: a 1 GiB move between 1 GiB-aligned addresses, THP off. */
    static long[] move1G(FeatureSet fs, long dst) {
        SimBackend b = new SimBackend(Arch.ARM64, fs, false);
        b.set("thp", "never");
        assertEquals(G, b.mmap(G, G, RW, PA | MAP_FIXED, -1, 0));
        b.memset(G, 0x11, G);
        long[] before = b.counters();
        assertEquals(dst, b.mremap(G, G, G, FIXED, dst));
        long[] after = b.counters();
        assertEquals(0x11, b.peek(dst + G - 1));
        assertEquals(0x11, b.peek(dst + 12345));
        assertEquals(262_144, b.mm().anonRss());
        b.checkNow();
        long[] d = new long[Event.COUNT];
        for (int k = 0; k < d.length; k++) d[k] = after[k] - before[k];
        return d;
    }

    @Test void seed003OneGigabyteAlignedMove() {
        FeatureSet pmdOnly = FeatureSet.of(EnumSet.of(Feature.MOVE_PMD));
        long[] withPmd = move1G(pmdOnly, 4 * G);
        assertEquals(512, withPmd[Event.PMD_MOVE.ordinal()]);
        assertEquals(0, withPmd[Event.PTE_MOVE.ordinal()]);
        assertEquals(512, withPmd[Event.TLB_FLUSH_RANGE.ordinal()]);

        long[] without = move1G(FeatureSet.baseline(), 4 * G);
        assertEquals(262_144, without[Event.PTE_MOVE.ordinal()]);
        assertEquals(0, without[Event.PMD_MOVE.ordinal()]);
        assertEquals(512, without[Event.TLB_FLUSH_RANGE.ordinal()]);

        long[] withPud = move1G(FeatureSet.patched(), 4 * G);
        assertEquals(1, withPud[Event.PUD_MOVE.ordinal()]);
        assertEquals(0, withPud[Event.PMD_MOVE.ordinal()]);
        assertEquals(0, withPud[Event.PTE_MOVE.ordinal()]);
        assertEquals(1, withPud[Event.TLB_FLUSH_RANGE.ordinal()]);
    }

    @Test void seed003UnalignedDestinationMovesEveryPte() {
        long[] d = move1G(FeatureSet.patched(), 4 * G + 4096);
        assertEquals(262_144, d[Event.PTE_MOVE.ordinal()]);
        assertEquals(0, d[Event.PMD_MOVE.ordinal()]);
        assertEquals(0, d[Event.PUD_MOVE.ordinal()]);
    }
}
