package org.mmsim.mm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mmsim.arch.Arch;
import org.mmsim.arch.Event;
import org.mmsim.workload.SimBackend;

/**
 * Seed 001's benchmark (MADV_PAGEOUT of memset-to-zero anonymous memory) counted on the model, baseline against
 * patched ({@code anon-unmap-batch}): the work the series removes is the per-PTE reading and clearing of a large
 * folio and its per-page TLB invalidations; with 4K folios nothing changes.
 */
class Seed001CountsTest {
    static final long BASE = 1L << 30;
    static final long SIZE = 16L << 20;

    /** Counter deltas of the one madvise(MADV_PAGEOUT) of the benchmark. */
    static long[] pageout(String arch, FeatureSet fs, String folio) {
        SimBackend b = new SimBackend(Arch.byName(arch), fs, false);
        b.set("swap partition", "1G");
        b.set("thp", "never");
        if (folio.equals("64K")) b.set("mthp 64K", "always");
        long p = b.mmap(BASE, SIZE, Uapi.PROT_READ | Uapi.PROT_WRITE, Uapi.MAP_PRIVATE | Uapi.MAP_ANONYMOUS | Uapi.MAP_FIXED, -1, 0);
        b.memset(p, 0, SIZE);
        long[] before = b.counters();
        if (b.madvise(p, SIZE, Uapi.MADV_PAGEOUT) != 0) throw new AssertionError("madvise");
        long[] after = b.counters();
        for (long a = p; a < p + SIZE; a += 4096) if (!b.swapped(a)) throw new AssertionError("not swapped at " + a);
        b.checkNow();
        long[] d = new long[after.length];
        for (int i = 0; i < d.length; i++) d[i] = after[i] - before[i];
        return d;
    }

    static long get(long[] d, Event e) { return d[e.ordinal()]; }

    /** PTE reads and clears issued one entry at a time. */
    static long oneByOne(long[] d) {
        return get(d, Event.PTE_READ) + get(d, Event.PTE_READ_CONT_GATHER) + get(d, Event.PTE_CLEAR_SINGLE);
    }

    static final FeatureSet PATCHED = FeatureSet.patched();
    static final FeatureSet BASELINE = FeatureSet.patched().with(Feature.ANON_UNMAP_BATCH, false);

    @Test
    void arm64With64kFoliosIssuesAtLeast8xFewerSinglePteOpsAndFewerTlbInvalidations() {
        long[] base = pageout("arm64", BASELINE, "64K");
        long[] pat = pageout("arm64", PATCHED, "64K");
        long folios = SIZE / (64 << 10);
        assertTrue(oneByOne(base) >= 8 * oneByOne(pat), "baseline " + oneByOne(base) + " vs patched " + oneByOne(pat));
        // Reclaim defers its flushes on arm64 (TTU_BATCH_FLUSH): invalidates are posted without a barrier, and one
        // barrier per dirty folio completes them before its I/O (try_to_unmap_flush_dirty); the contpte unfold of
        // the baseline flushes synchronously.
        long invBase = get(base, Event.TLBI) + get(base, Event.TLBI_NOSYNC);
        long invPat = get(pat, Event.TLBI) + get(pat, Event.TLBI_NOSYNC);
        assertTrue(invBase > invPat, invBase + " vs " + invPat);
        assertEquals(folios, get(pat, Event.TLBI_NOSYNC), "one range invalidation per folio");
        assertEquals(0, get(pat, Event.TLBI));
        assertEquals(16 * folios, get(base, Event.TLBI_NOSYNC), "16 pages per folio");
        assertEquals(folios, get(base, Event.TLBI), "the contpte unfold's own flush per folio");
        assertEquals(folios, get(base, Event.TLB_SYNC), "one barrier per dirty folio before its I/O");
        assertEquals(folios, get(pat, Event.TLB_SYNC));
        assertEquals(folios, get(base, Event.CONTPTE_UNFOLD));
        assertEquals(0, get(pat, Event.CONTPTE_UNFOLD), "whole blocks are cleared without unfolding");
        assertEquals(16 * folios, get(base, Event.SWAP_DUP));
        assertEquals(folios, get(pat, Event.SWAP_DUP), "one batched swap-count raise per folio");
        assertEquals(get(base, Event.SWPOUT_ZERO), get(pat, Event.SWPOUT_ZERO));
        assertEquals(get(base, Event.PTE_WRITE_SWAP), get(pat, Event.PTE_WRITE_SWAP));
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void with4kFoliosThePatchCountsTheSameWork(String arch) {
        assertArrayEquals(pageout(arch, BASELINE, "4K"), pageout(arch, PATCHED, "4K"));
    }

    @Test
    void x86With64kFoliosReadsLessButInvalidatesAsMuch() {
        long[] base = pageout("x86_64", BASELINE, "64K");
        long[] pat = pageout("x86_64", PATCHED, "64K");
        // folio_pte_batch has no batch hint on x86: it still reads every PTE, so the gain is much smaller.
        assertTrue(oneByOne(base) > oneByOne(pat), oneByOne(base) + " vs " + oneByOne(pat));
        assertTrue(oneByOne(base) < 8 * oneByOne(pat), oneByOne(base) + " vs " + oneByOne(pat));
        assertEquals(get(base, Event.TLBI), get(pat, Event.TLBI), "INVLPG per page either way: no TLB gain on x86");
        assertEquals(0, get(base, Event.TLBI_NOSYNC) + get(base, Event.TLB_SYNC), "x86 does not defer for one CPU");
    }
}
