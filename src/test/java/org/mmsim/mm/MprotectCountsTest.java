package org.mmsim.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.mmsim.arch.Event;
import org.mmsim.workload.SimBackend;

/** Counted facts of seed 004 (mprotect-pte-batch): baseline vs patched on the three cases of the seed. */
class MprotectCountsTest {
    private static final long SIZE = 64L << 20;

    static long[] pairOf(String arch, FeatureSet fs, String kase, long size) {
        SimBackend b = Seed004.setup(arch, fs, kase, size);
        long sum = b.checksum(Seed004.BASE, size);
        long[] d = Seed004.pair(b, size);
        b.memset(Seed004.BASE, 0, size);
        b.checkNow();
        assertEquals(sum, b.checksum(Seed004.BASE, size));
        return d;
    }

    @Test
    void printTable() {
        for (String arch : new String[] {"arm64", "x86_64"}) {
            for (String k : new String[] {"T1", "T2", "T3"}) {
                long[] base = pairOf(arch, FeatureSet.baseline(), k, SIZE);
                long[] pat = pairOf(arch, FeatureSet.patched(), k, SIZE);
                System.out.printf("%s %s 64M baseline: %s%n", arch, k, Seed004.fmt(base));
                System.out.printf("%s %s 64M patched : %s%n", arch, k, Seed004.fmt(pat));
            }
        }
    }

    /** Seed 004: on arm64 with 64K mTHP the batched walk reads a contpte block once instead of once per PTE, and never unfolds. */
    @Test
    void arm64T2PatchedReadsAtLeast8xFewerPtesAndNeverUnfolds() {
        long[] base = pairOf("arm64", FeatureSet.baseline(), "T2", SIZE);
        long[] pat = pairOf("arm64", FeatureSet.patched(), "T2", SIZE);
        assertTrue(Seed004.pteReads(base) >= 8 * Seed004.pteReads(pat), Seed004.fmt(base) + " vs " + Seed004.fmt(pat));
        assertEquals(0, Seed004.get(pat, Event.CONTPTE_UNFOLD));
        assertEquals(0, Seed004.get(pat, Event.CONTPTE_FOLD));
        assertTrue(Seed004.get(base, Event.CONTPTE_UNFOLD) > 0, "baseline unfolds every block");
    }

    /** The ratio does not depend on the size: the full 1 GiB of the seed gives the same factor. */
    @Test
    void arm64T2OneGiB() {
        long g = 1L << 30;
        long[] base = pairOf("arm64", FeatureSet.baseline(), "T2", g);
        long[] pat = pairOf("arm64", FeatureSet.patched(), "T2", g);
        assertTrue(Seed004.pteReads(base) >= 8 * Seed004.pteReads(pat));
        assertEquals(0, Seed004.get(pat, Event.CONTPTE_UNFOLD));
        System.out.printf("arm64 T2 1G baseline: %s%narm64 T2 1G patched : %s%n", Seed004.fmt(base), Seed004.fmt(pat));
    }

    /**
     * T3 (4K pages), one RO+RW pair over the seed's full 1 GiB: every PTE event and every TLB invalidation is
     * identical; the patched kernel adds exactly one folio look-up per PTE, on the PROT_READ pass.
     *
     * <p>This is what 6.18's mm/mprotect.c does, not a modelling choice. change_pte_range now calls
     * vm_normal_folio (later vm_normal_page) for every present PTE, before mprotect_folio_pte_batch, on both
     * passes; set_write_prot_commit_flush_ptes reuses that folio and looks nothing up again. The old loop looked a
     * page up only in can_change_pte_writable, i.e. on the RW pass (the write upgrade), never on the RO pass. So
     * 262,144 look-ups per pair become 524,288. The seed thread agrees: T3 went from 4.2 s to 4.3 s (+2.4 %) on
     * Apple M3, and the author named the cause "only the vm_normal_folio() + folio_test_large() overhead".
     *
     * <p>As a raw event sum the patched walk is about 14 % larger, above the "no more than 5 % more work".
     * The event sum weighs a folio look-up (a struct page read, cache-hot in this loop) the same as a PTE
     * read-modify-write with its lock and lazy-MMU traffic, which it is not; turning events into work is the cost
     * model's job (issue 8). The counts below are the kernel's and are not tuned toward the 5 %.
     */
    @Test
    void t3PatchedAddsOneFolioLookupPerPteOnTheReadOnlyPass() {
        long g = 1L << 30;
        long ptes = g / 4096;
        for (String arch : new String[] {"arm64", "x86_64"}) {
            long[] base = pairOf(arch, FeatureSet.baseline(), "T3", g);
            long[] pat = pairOf(arch, FeatureSet.patched(), "T3", g);
            for (Event e : Event.values()) {
                if (e.name().startsWith("PTE_") || e == Event.TLBI) assertEquals(base[e.ordinal()], pat[e.ordinal()], arch + " " + e);
            }
            assertEquals(ptes, Seed004.get(base, Event.FOLIO_LOOKUP), "baseline: can_change_pte_writable on the RW pass only");
            assertEquals(2 * ptes, Seed004.get(pat, Event.FOLIO_LOOKUP), "patched: vm_normal_folio on both passes");
            assertEquals(Seed004.work(base) + ptes, Seed004.work(pat), "the look-ups are the only extra events");
            System.out.printf("%s T3 1G baseline: %s%n%s T3 1G patched : %s%n", arch, Seed004.fmt(base), arch, Seed004.fmt(pat));
        }
    }

    /** Seed 004 T1: pte_map_thps over 1 GiB with THP always gives 512 PTE-mapped THPs, no PMD mapping, bytes intact. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"arm64", "x86_64"})
    void pteMapThpsOneGiBGives512PteMappedThps(String arch) {
        long g = 1L << 30;
        SimBackend b = new SimBackend(org.mmsim.arch.Arch.byName(arch), FeatureSet.patched(), false);
        b.set("thp", "always");
        long p = b.mmap(Seed004.BASE, g, Seed004.RW, Seed004.PRIV, -1, 0);
        b.pattern(p, 8 << 20, 42);
        b.memset(p + (8 << 20), 0x5a, g - (8 << 20));
        long sum = b.checksum(p, g);
        assertEquals(512, Seed004.thpMappings(b.mm())[1], "PMD-mapped after the fault");
        Seed004.pteMapThps(b, p, g);
        long[] m = Seed004.thpMappings(b.mm());
        assertEquals(512, m[0], "PTE-mapped order-9 folios");
        assertEquals(0, m[1], "PMD mappings");
        assertEquals(1, b.vmas(p, g), "the DOFORK merged every piece back");
        assertEquals(512, b.kernel().env().counters.get(Event.THP_SPLIT_PMD));
        b.checkNow();
        assertEquals(sum, b.checksum(p, g));
    }

    /**
     * change_prot_numa over 64K folios on arm64 (numa_hint): with mprotect-pte-batch each folio is one batch (one
     * contpte-gathered read, no unfold), as in mprotect; without it every PTE is read and each block unfolded. Both
     * make every entry PROT_NONE, and the next access restores it.
     */
    @Test
    void numaHintingBatchesPerFolioOnArm64() {
        long size = 2L << 20;
        long[][] d = new long[2][];
        long[] pages = new long[2];
        FeatureSet[] sets = {FeatureSet.baseline(), FeatureSet.patched()};
        for (int k = 0; k < 2; k++) {
            SimBackend b = new SimBackend(org.mmsim.arch.Arch.ARM64, sets[k], true);
            b.set("thp", "never");
            b.set("mthp 64K", "always");
            long p = b.mmap(Seed004.BASE, size, Seed004.RW, Seed004.PRIV, -1, 0);
            b.memset(p, 7, size);
            long[] before = b.counters();
            pages[k] = b.numaHint(p, size);
            long[] after = b.counters();
            d[k] = new long[after.length];
            for (int e = 0; e < after.length; e++) d[k][e] = after[e] - before[e];
            assertEquals(7, b.peek(p + 12345));
            assertEquals(1, b.kernel().env().counters.get(Event.NUMA_HINT_FAULT));
        }
        assertEquals(size / 4096, pages[0]);
        assertEquals(size / 4096, pages[1]);
        System.out.printf("numa_hint 2M of 64K folios, arm64 baseline: %s%n                          patched : %s%n",
                Seed004.fmt(d[0]), Seed004.fmt(d[1]));
        assertTrue(Seed004.pteReads(d[0]) >= 8 * Seed004.pteReads(d[1]), Seed004.fmt(d[0]) + " vs " + Seed004.fmt(d[1]));
        assertEquals(0, Seed004.get(d[1], Event.CONTPTE_UNFOLD));
        assertTrue(Seed004.get(d[0], Event.CONTPTE_UNFOLD) > 0);
    }
}
