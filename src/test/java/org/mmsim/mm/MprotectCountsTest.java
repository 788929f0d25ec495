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
     * T3 (4K pages): the PTE work (every PTE_* event) and TLB invalidations are identical; the only extra work of the
     * batched walk is the vm_normal_folio + folio_test_large look-up on the PROT_READ pass, where the old kernel
     * looked nothing up (it only did so in can_change_pte_writable on the writable pass). That is one FOLIO_LOOKUP
     * per PTE per pair: +14% of counted events, more than the 5% the issue expected (the seed measured +2.4% of
     * time; a folio look-up is cheaper than a PTE read-modify-write, which the event sum does not weigh).
     */
    @Test
    void t3PatchedAddsOnlyOneFolioLookupPerPte() {
        for (String arch : new String[] {"arm64", "x86_64"}) {
            long[] base = pairOf(arch, FeatureSet.baseline(), "T3", SIZE);
            long[] pat = pairOf(arch, FeatureSet.patched(), "T3", SIZE);
            long ptes = SIZE / 4096;
            for (Event e : Event.values()) {
                if (e.name().startsWith("PTE_") || e == Event.TLBI) assertEquals(base[e.ordinal()], pat[e.ordinal()], arch + " " + e);
            }
            assertEquals(ptes, Seed004.get(base, Event.FOLIO_LOOKUP), "baseline: can_change_pte_writable on the RW pass only");
            assertEquals(2 * ptes, Seed004.get(pat, Event.FOLIO_LOOKUP), "patched: vm_normal_folio on both passes");
            assertTrue(Seed004.work(pat) * 100 <= Seed004.work(base) * 115, Seed004.fmt(base) + " vs " + Seed004.fmt(pat));
        }
    }

    /** Seed 004 T1: pte_map_thps over 1 GiB with THP always gives 512 PTE-mapped THPs, no PMD mapping, bytes intact. */
    @Test
    void pteMapThpsOneGiBGives512PteMappedThps() {
        long g = 1L << 30;
        SimBackend b = new SimBackend(org.mmsim.arch.Arch.byName("arm64"), FeatureSet.patched(), false);
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
}
