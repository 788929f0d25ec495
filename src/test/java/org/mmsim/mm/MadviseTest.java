package org.mmsim.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mmsim.mm.Uapi.*;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mmsim.arch.Arch;
import org.mmsim.arch.Event;
import org.mmsim.workload.Segfault;
import org.mmsim.workload.SimBackend;

/**
 * madvise(2): the errno rules of KERNEL_FACTS §5.1/§7.6 and the behaviours the seeds use. Each errno test names its
 * rule and the mm/madvise.c function it comes from: madvise_should_skip / madvise_behavior_valid (arguments),
 * madvise_walk_vmas (holes), madvise_vma_behavior and madvise_update_vma (per VMA; a split failing at the map-count
 * limit is EAGAIN, also in {@link MapCountHeadroomTest}), madvise_dontneed_free_valid_vma, madvise_remove,
 * can_madv_lru_vma (COLD/PAGEOUT), madvise_populate.
 *
 * <p>Not exercised, because the model has no such state or the advice is not modelled: VM_IO / VM_PFNMAP / special
 * mappings (EINVAL for POPULATE, DONTNEED, DOFORK, DODUMP: only drivers create them; the tests that need the flag
 * set it directly), file mappings (REMOVE on shmem files, WIPEONFORK on private file mappings), hugetlb,
 * mseal()ed VMAs (EPERM for the discarding advice), an interrupted lock (EINTR), missing CAP_SYS_ADMIN for
 * HWPOISON/SOFT_OFFLINE (EPERM). MADV_COLLAPSE, MADV_GUARD_INSTALL/REMOVE and MADV_HWPOISON/SOFT_OFFLINE are
 * valid advice the model does not implement: after the argument checks they stop the run ("not modelled") instead
 * of returning a made-up result. MADV_PAGEOUT belongs to the swap work.
 */
class MadviseTest {
    static final long A = 1L << 30;
    static final long P = 4096;
    static final long M2 = 2L << 20;
    static final int RW = PROT_READ | PROT_WRITE;
    static final int PRIV = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED;

    static SimBackend sim(String arch) { return new SimBackend(Arch.byName(arch), FeatureSet.patched(), true); }

    static int err(SimBackend b, int r) { return r == 0 ? 0 : -b.errno(); }

    static long flags(SimBackend b, long a) { return b.mm().vmaLookup(a).flags(); }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void dontneedOfAWholePmdRangeFreesItsPteTableSoTheNextFaultCanMapAThp(String arch) {
        // CONFIG_PT_RECLAIM (6.14+): zap_pte_range frees a PTE table whose whole PMD range MADV_DONTNEED zapped.
        // Found by difftest against Linux 6.18: after the DONTNEED a write with mthp 2M = always mapped a PMD THP.
        SimBackend b = sim(arch);
        b.mmap(A, 2 * M2, RW, PRIV, -1, 0);
        b.memset(A, 1, 2 * M2);
        assertEquals(0, b.madvise(A, M2, MADV_DONTNEED));
        assertEquals(0, b.madvise(A + M2 + P, M2 - P, MADV_DONTNEED));
        assertEquals(null, b.mm().pageTables().pteTable(A, false), "whole PMD range zapped: table freed");
        assertTrue(b.mm().pageTables().pteTable(A + M2, false) != null, "part of the PMD range kept: table kept");
        b.set("mthp 2M", "always");
        b.poke(A + 5 * P, 2);
        assertTrue(b.present(A) && b.present(A + M2 - P), "a PMD THP filled the empty PMD");
        b.poke(A + M2 + 5 * P, 2);
        assertFalse(b.present(A + M2 + 6 * P), "the kept table gets a 4K page");
    }

    // ---- argument checks (do_madvise) ----

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void unknownAdviceIsEinval(String arch) {
        SimBackend b = sim(arch);
        b.mmap(A, 4 * P, RW, PRIV, -1, 0);
        assertEquals(-Errno.EINVAL, err(b, b.madvise(A, P, 5)));
        assertEquals(-Errno.EINVAL, err(b, b.madvise(A, P, 999)));
        assertEquals(-Errno.EINVAL, err(b, b.madvise(A, 0, 999)), "validity is checked before the length");
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void unalignedStartIsEinval(String arch) {
        SimBackend b = sim(arch);
        b.mmap(A, 4 * P, RW, PRIV, -1, 0);
        assertEquals(-Errno.EINVAL, err(b, b.madvise(A + 7, P, MADV_DONTNEED)));
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void lengthRoundingToZeroOrOverflowIsEinval(String arch) {
        SimBackend b = sim(arch);
        b.mmap(A, 4 * P, RW, PRIV, -1, 0);
        assertEquals(-Errno.EINVAL, err(b, b.madvise(A, -1L, MADV_NORMAL)), "len_in != 0 but PAGE_ALIGN gives 0");
        assertEquals(-Errno.EINVAL, err(b, b.madvise(A, -2 * P, MADV_NORMAL)), "start + len overflows");
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void zeroLengthSucceedsWithoutAVma(String arch) {
        assertEquals(0, sim(arch).madvise(A, 0, MADV_DONTNEED));
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void holeIsEnomemButTheRestIsAdvised(String arch) {
        SimBackend b = sim(arch);
        b.mmap(A, 2 * P, RW, PRIV, -1, 0);
        b.mmap(A + 3 * P, 2 * P, RW, PRIV, -1, 0);
        b.memset(A, 1, 2 * P);
        b.memset(A + 3 * P, 1, 2 * P);
        assertEquals(-Errno.ENOMEM, err(b, b.madvise(A, 5 * P, MADV_DONTNEED)));
        assertFalse(b.present(A));
        assertFalse(b.present(A + 3 * P), "the walk went on after the hole");
        assertEquals(-Errno.ENOMEM, err(b, b.madvise(A + 6 * P, P, MADV_DONTNEED)), "no VMA at all");
        assertEquals(-Errno.ENOMEM, err(b, b.madvise(A - P, 2 * P, MADV_DONTFORK)), "hole at start");
        assertTrue((flags(b, A) & VmFlags.VM_DONTCOPY) != 0, "flag advice still applied after the hole");
    }

    // ---- flag advice ----

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void accessPatternAdviceSetsOnlyVmaFlags(String arch) {
        SimBackend b = sim(arch);
        b.mmap(A, 4 * P, RW, PRIV, -1, 0);
        assertEquals(0, b.madvise(A, 4 * P, MADV_RANDOM));
        assertTrue((flags(b, A) & VmFlags.VM_RAND_READ) != 0);
        assertEquals(0, b.madvise(A, 4 * P, MADV_SEQUENTIAL));
        assertEquals(VmFlags.VM_SEQ_READ, flags(b, A) & (VmFlags.VM_SEQ_READ | VmFlags.VM_RAND_READ));
        assertEquals(0, b.madvise(A, 4 * P, MADV_NORMAL));
        assertEquals(0, flags(b, A) & (VmFlags.VM_SEQ_READ | VmFlags.VM_RAND_READ));
        assertEquals(0, b.madvise(A + P, P, MADV_RANDOM));
        assertEquals(3, b.vmas(A, 4 * P));
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void dontforkSplitsAndDoforkMerges(String arch) {
        SimBackend b = sim(arch);
        b.mmap(A, 4 * P, RW, PRIV, -1, 0);
        assertEquals(0, b.madvise(A + P, P, MADV_DONTFORK));
        assertEquals(3, b.vmas(A, 4 * P));
        assertEquals(0, b.madvise(A + P, P, MADV_DOFORK));
        assertEquals(1, b.vmas(A, 4 * P));
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void doforkOnVmIoIsEinval(String arch) {
        SimBackend b = sim(arch);
        b.mmap(A, 4 * P, RW, PRIV, -1, 0);
        b.mm().vmaLookup(A).flags |= VmFlags.VM_IO;
        assertEquals(-Errno.EINVAL, err(b, b.madvise(A, P, MADV_DOFORK)));
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void splitBeyondMaxMapCountIsReportedAsEagain(String arch) {
        SimBackend b = sim(arch);
        b.mmap(A, 4 * P, RW, PRIV, -1, 0);
        b.set("max_map_count", "1");
        assertEquals(-Errno.EAGAIN, err(b, b.madvise(A + P, P, MADV_DONTFORK)));
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void wipeonforkOnSharedIsEinvalKeeponforkClears(String arch) {
        SimBackend b = sim(arch);
        b.mmap(A, 4 * P, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        assertEquals(-Errno.EINVAL, err(b, b.madvise(A, P, MADV_WIPEONFORK)));
        b.mmap(A + 8 * P, 4 * P, RW, PRIV, -1, 0);
        assertEquals(0, b.madvise(A + 8 * P, 4 * P, MADV_WIPEONFORK));
        assertTrue((flags(b, A + 8 * P) & VmFlags.VM_WIPEONFORK) != 0);
        assertEquals(0, b.madvise(A + 8 * P, 4 * P, MADV_KEEPONFORK));
        assertEquals(0, flags(b, A + 8 * P) & VmFlags.VM_WIPEONFORK);
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void dodumpOnSpecialVmaIsEinval(String arch) {
        SimBackend b = sim(arch);
        b.mmap(A, 4 * P, RW, PRIV, -1, 0);
        assertEquals(0, b.madvise(A, 4 * P, MADV_DONTDUMP));
        assertTrue((flags(b, A) & VmFlags.VM_DONTDUMP) != 0);
        assertEquals(0, b.madvise(A, 4 * P, MADV_DODUMP));
        b.mm().vmaLookup(A).flags |= VmFlags.VM_IO;
        assertEquals(-Errno.EINVAL, err(b, b.madvise(A, P, MADV_DODUMP)));
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void hugepageAdviceControlsThpFaults(String arch) {
        SimBackend b = sim(arch);
        b.set("thp", "madvise");
        b.mmap(A, 2 * M2, RW, PRIV, -1, 0);
        assertEquals(0, b.madvise(A, M2, MADV_HUGEPAGE));
        assertTrue((flags(b, A) & VmFlags.VM_HUGEPAGE) != 0);
        b.memset(A, 1, 2 * M2);
        assertEquals(1, b.kernel().env().counters.get(Event.FAULT_PMD_THP), "only the MADV_HUGEPAGE half");
        assertEquals(0, b.madvise(A, M2, MADV_NOHUGEPAGE));
        assertEquals(VmFlags.VM_NOHUGEPAGE, flags(b, A) & (VmFlags.VM_HUGEPAGE | VmFlags.VM_NOHUGEPAGE));
    }

    /** §7.6: a flag split inside a PMD THP splits the mapping; the folio stays whole and PTE-mapped. */
    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void dontforkInsideThpSplitsPmdMapping(String arch) {
        SimBackend b = sim(arch);
        b.set("thp", "always");
        b.mmap(A, 2 * M2, RW, PRIV, -1, 0);
        b.pattern(A, 2 * M2, 3);
        long sum = b.checksum(A, 2 * M2);
        Seed004.pteMapThps(b, A, 2 * M2);
        long[] m = Seed004.thpMappings(b.mm());
        assertEquals(2, m[0]);
        assertEquals(0, m[1]);
        assertEquals(1, b.vmas(A, 2 * M2));
        assertEquals(sum, b.checksum(A, 2 * M2));
    }

    // ---- advice on pages ----

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void dontneedZapsAndLaterReadsZero(String arch) {
        SimBackend b = sim(arch);
        b.set("mthp 64K", "always");
        b.mmap(A, 64 * P, RW, PRIV, -1, 0);
        b.memset(A, 9, 64 * P);
        assertEquals(0, b.madvise(A + 8 * P, 16 * P, MADV_DONTNEED)); // partial 64K folios
        assertFalse(b.present(A + 8 * P));
        assertTrue(b.present(A + 7 * P));
        assertEquals(0, b.peek(A + 8 * P));
        assertEquals(9, b.peek(A + 24 * P));
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void dontneedPartialThpSplitsPmd(String arch) {
        SimBackend b = sim(arch);
        b.set("thp", "always");
        b.mmap(A, M2, RW, PRIV, -1, 0);
        b.memset(A, 9, M2);
        assertEquals(0, b.madvise(A, P, MADV_DONTNEED));
        assertEquals(0, Seed004.thpMappings(b.mm())[1]);
        assertFalse(b.present(A));
        assertEquals(9, b.peek(A + P));
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void dontneedAndFreeOnLockedVmaAreEinvalButDontneedLockedWorks(String arch) {
        SimBackend b = sim(arch);
        b.mmap(A, 4 * P, RW, PRIV | MAP_LOCKED, -1, 0);
        assertEquals(-Errno.EINVAL, err(b, b.madvise(A, P, MADV_DONTNEED)));
        assertEquals(-Errno.EINVAL, err(b, b.madvise(A, P, MADV_FREE)));
        assertEquals(-Errno.EINVAL, err(b, b.madvise(A, P, MADV_PAGEOUT)));
        assertEquals(-Errno.EINVAL, err(b, b.madvise(A, P, MADV_COLD)));
        assertEquals(0, b.madvise(A, P, MADV_DONTNEED_LOCKED));
        assertFalse(b.present(A));
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void dontneedOnPfnmapIsEinval(String arch) {
        SimBackend b = sim(arch);
        b.mmap(A, 4 * P, RW, PRIV, -1, 0);
        b.mm().vmaLookup(A).flags |= VmFlags.VM_PFNMAP;
        assertEquals(-Errno.EINVAL, err(b, b.madvise(A, P, MADV_DONTNEED)));
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void freeMarksLazyfreeButDataStaysReadableWithoutReclaim(String arch) {
        SimBackend b = sim(arch);
        b.set("mthp 64K", "always");
        b.mmap(A, 32 * P, RW, PRIV, -1, 0);
        b.memset(A, 4, 32 * P);
        assertEquals(0, b.madvise(A, 32 * P, MADV_FREE));
        assertTrue(b.present(A));
        assertEquals(4, b.peek(A + 3 * P));
        b.poke(A, 5);
        assertEquals(5, b.peek(A));
        b.mmap(A + 64 * P, 4 * P, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        assertEquals(-Errno.EINVAL, err(b, b.madvise(A + 64 * P, P, MADV_FREE)), "MADV_FREE is for anonymous private memory");
    }

    /** Without a swap device Linux cannot page anonymous memory out: 0, pages stay resident. */
    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void pageoutWithoutSwapKeepsPagesResident(String arch) {
        SimBackend b = sim(arch);
        b.mmap(A, 4 * P, RW, PRIV, -1, 0);
        b.memset(A, 6, 4 * P);
        assertEquals(0, b.madvise(A, 4 * P, MADV_PAGEOUT));
        assertEquals(0, b.madvise(A, 4 * P, MADV_COLD));
        assertEquals(0, b.madvise(A, 4 * P, MADV_WILLNEED));
        assertTrue(b.present(A));
        assertFalse(b.swapped(A));
        assertEquals(6, b.peek(A));
    }

    // ---- MADV_COLD: the access bits (madvise_cold_or_pageout_pte_range, !pageout) ----

    /** TLB flush requests of any size (a range flush above the ceiling counts TLB_FLUSH_ALL as well). */
    static long flushes(SimBackend b) {
        return ForkTest.count(b, Event.TLB_FLUSH_PAGE) + ForkTest.count(b, Event.TLB_FLUSH_RANGE);
    }

    static boolean young(SimBackend b, long addr) { return b.kernel().arch().pteYoung(MprotectTest.pte(b, addr)); }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void coldMakesTheEntriesOfFoliosMappedOnlyHereOldWithOneFlush(String arch) {
        // clear_young_dirty_ptes(CYDP_CLEAR_YOUNG) of each young batch, tlb_remove_tlb_entries, and one flush from
        // madvise_cold's mmu_gather at the end of the VMA
        SimBackend b = sim(arch);
        b.set("mthp 64K", "always");
        b.mmap(A, 32 * P, RW, PRIV, -1, 0);
        b.memset(A, 3, 16 * P);
        for (long a = A + 16 * P; a < A + 32 * P; a += P) b.peek(a); // read faults: the zero page, never made old
        long writes = ForkTest.count(b, Event.PTE_WRITE);
        long fl = flushes(b);
        assertEquals(0, b.madvise(A, 32 * P, MADV_COLD));
        Arch x = b.kernel().arch();
        for (long a = A; a < A + 16 * P; a += P) {
            long pte = MprotectTest.pte(b, a);
            assertFalse(x.pteYoung(pte), "old at " + (a - A) / P);
            assertTrue(x.pteDirty(pte) && x.pteWrite(pte) && b.present(a), "only the access bit goes");
        }
        assertTrue(young(b, A + 16 * P), "the zero page is no folio of this process: left young");
        assertEquals(16, ForkTest.count(b, Event.PTE_WRITE) - writes, "one write per entry of the 64K folio");
        assertEquals(fl + 1, flushes(b), "one flush for the VMA");
        assertEquals(3, b.peek(A + 5 * P));
        assertTrue(young(b, A + 5 * P), "the access made its entry young again");
        fl = flushes(b);
        b.poke(A + 9 * P, 4); // young again too (write access)
        assertEquals(0, b.madvise(A + 8 * P, 8 * P, MADV_COLD)); // half of the folio: split, each page alone
        assertFalse(young(b, A + 9 * P));
        // The split (try_to_migrate with TTU_BATCH_FLUSH) clears the folio's 16 entries one by one: x86 flushes each
        // page as it goes (ptep_clear_flush: no other CPU has the mm); arm64 unfolds the contpte block at the first
        // clear (one flush) and issues the 16 invalidates without waiting. Then MADV_COLD's own flush.
        assertEquals(arch.equals("arm64") ? 1 + 16 + 1 : 16 + 1, flushes(b) - fl);
        assertEquals(0, b.madvise(A, 16 * P, MADV_COLD));
        assertFalse(young(b, A + 5 * P));
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void aSplitUnmapsTheFolioToMigrationEntriesAndMapsEachPageBackAsItWas(String arch) {
        // split_folio of a PTE-mapped anonymous folio (MADV_PAGEOUT of half of it, no swap device: nothing is
        // reclaimed after): unmap_folio (try_to_migrate, TTU_BATCH_FLUSH) takes each entry on its own, clears it and
        // writes a migration entry, sharing each exclusive page; remap_page walks each new folio and writes its entry
        // back. Data, mapcounts and exclusivity come through unchanged; only the contpte bit goes.
        SimBackend b = sim(arch);
        b.set("mthp 64K", "always");
        b.mmap(A, 16 * P, RW, PRIV, -1, 0);
        b.memset(A, 3, 16 * P);
        b.poke(A + 2 * P, 7);
        Arch x = b.kernel().arch();
        org.mmsim.phys.PhysMem phys = b.kernel().env().phys;
        long[] was = new long[16];
        for (int k = 0; k < 16; k++) was[k] = MprotectTest.pte(b, A + k * P);
        long head = x.ptePfn(was[0]);
        assertEquals(4, phys.folioOrder(head));
        long[] c0 = b.counters();
        long fl = flushes(b);
        assertEquals(0, b.madvise(A, 8 * P, MADV_PAGEOUT));
        long[] c1 = b.counters();
        for (int k = 0; k < 16; k++) {
            assertEquals(x.pteMknoncont(was[k]), MprotectTest.pte(b, A + k * P), "page " + k + " mapped back as it was");
            assertEquals(0, phys.folioOrder(head + k), "page " + k + " is a folio of its own");
            assertEquals(1, phys.mapcount(head + k));
            assertTrue(phys.pageAnonExclusive(head + k));
        }
        assertEquals(7, b.peek(A + 2 * P));
        assertEquals(3, b.peek(A + 15 * P));
        assertEquals(1, delta(c0, c1, Event.FOLIO_SPLIT));
        int unfold = arch.equals("arm64") ? 16 : 0; // contpte_convert: the block's 16 entries cleared and written again
        assertEquals(16, delta(c0, c1, Event.PTE_CLEAR) - unfold, "ptep_get_and_clear of each entry");
        assertEquals(16, delta(c0, c1, Event.PTE_CLEAR_SINGLE), "one entry at a time");
        assertEquals(16, delta(c0, c1, Event.PTE_WRITE_SWAP), "a migration entry for each");
        assertEquals(16, delta(c0, c1, Event.ANON_SHARE), "each page was exclusive");
        assertEquals(16, delta(c0, c1, Event.PTE_WRITE) - unfold, "remap_page writes each entry back");
        assertEquals(arch.equals("arm64") ? 1 : 0, delta(c0, c1, Event.CONTPTE_UNFOLD), "the first clear unfolds the block");
        // x86 flushes each page as it clears it (no other CPU has the mm); arm64 flushes the unfolded block, then
        // issues the 16 invalidates without waiting and waits once at try_to_unmap_flush
        assertEquals(arch.equals("arm64") ? 1 + 16 : 16, flushes(b) - fl);
        assertEquals(1 + 16, delta(c0, c1, Event.PTL_LOCK) - 1, "one lock to unmap, one per new folio to map back");
    }

    static long delta(long[] before, long[] after, Event e) { return after[e.ordinal()] - before[e.ordinal()]; }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void coldLeavesYoungAFolioAnotherProcessMapsAndWritesNothingWhenNothingIsYoung(String arch) {
        SimBackend b = sim(arch);
        b.mmap(A, 4 * P, RW, PRIV, -1, 0);
        b.memset(A, 3, 4 * P);
        b.fork(); // the pages are mapped twice now: folio_mapcount != folio_nr_pages
        long writes = ForkTest.count(b, Event.PTE_WRITE);
        long fl = flushes(b);
        assertEquals(0, b.madvise(A, 4 * P, MADV_COLD));
        assertTrue(young(b, A) && young(b, A + 3 * P));
        assertEquals(writes, ForkTest.count(b, Event.PTE_WRITE));
        assertEquals(fl, flushes(b), "nothing gathered, nothing flushed");
        b.poke(A, 1); // COW: a page of our own
        assertEquals(0, b.madvise(A, 4 * P, MADV_COLD));
        assertFalse(young(b, A));
        assertTrue(young(b, A + P));
        writes = ForkTest.count(b, Event.PTE_WRITE);
        fl = flushes(b);
        assertEquals(0, b.madvise(A, P, MADV_COLD));
        assertEquals(writes, ForkTest.count(b, Event.PTE_WRITE), "already old: nothing to clear");
        assertEquals(fl, flushes(b));
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void coldOfAWholePmdThpInvalidatesAndRewritesItOld(String arch) {
        // madvise_cold_or_pageout_huge_pmd: pmdp_invalidate (its own flush), set_pmd_at old, tlb_remove_pmd_tlb_entry
        SimBackend b = sim(arch);
        b.set("thp", "always");
        b.mmap(A, M2, RW, PRIV, -1, 0);
        b.memset(A, 3, M2);
        long[] m = b.mm().pageTables().pmdTable(A, false);
        int mi = org.mmsim.pgtable.PageTables.pmdIndex(A);
        Arch x = b.kernel().arch();
        assertTrue(x.entryIsLeaf(m[mi]), "a PMD THP");
        long fl = flushes(b);
        assertEquals(0, b.madvise(A, M2, MADV_COLD));
        long pte = x.hugePmdToPte(m[mi]);
        assertTrue(x.entryIsLeaf(m[mi]) && !x.pteYoung(pte) && x.pteDirty(pte));
        assertEquals(fl + 2, flushes(b), "pmdp_invalidate's flush and the gather's");
        assertEquals(3, b.peek(A + M2 - 1));
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void coldMakesSharedAnonymousPagesMappedOnlyHereOld(String arch) {
        SimBackend b = sim(arch);
        b.mmap(A, 4 * P, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        b.memset(A, 3, 4 * P);
        long fl = flushes(b);
        assertEquals(0, b.madvise(A, 4 * P, MADV_COLD));
        for (long a = A; a < A + 4 * P; a += P) assertFalse(young(b, a));
        assertEquals(fl + 1, flushes(b));
        assertEquals(3, b.peek(A + 2 * P));
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void removeOnPrivateAnonIsEinval(String arch) {
        SimBackend b = sim(arch);
        b.mmap(A, 4 * P, RW, PRIV, -1, 0);
        assertEquals(-Errno.EINVAL, err(b, b.madvise(A, P, MADV_REMOVE)));
    }

    // ---- MADV_POPULATE_* ----

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void populateReadAndWriteFaultIn(String arch) {
        SimBackend b = sim(arch);
        b.mmap(A, 8 * P, RW, PRIV, -1, 0);
        assertEquals(0, b.madvise(A, 4 * P, MADV_POPULATE_READ));
        assertTrue(b.present(A));
        assertEquals(1, b.kernel().env().counters.get(Event.FAULT_ZERO_PAGE) > 0 ? 1 : 0);
        assertEquals(0, b.madvise(A, 8 * P, MADV_POPULATE_WRITE));
        assertTrue(b.kernel().arch().pteWrite(MprotectTest.pte(b, A)), "POPULATE_WRITE broke COW of the zero page");
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void populateWithProtectionMismatchIsEinval(String arch) {
        SimBackend b = sim(arch);
        b.mmap(A, 4 * P, PROT_READ, PRIV, -1, 0);
        assertEquals(-Errno.EINVAL, err(b, b.madvise(A, 4 * P, MADV_POPULATE_WRITE)));
        b.mmap(A + 8 * P, 4 * P, PROT_NONE, PRIV, -1, 0);
        assertEquals(-Errno.EINVAL, err(b, b.madvise(A + 8 * P, 4 * P, MADV_POPULATE_READ)));
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void populateOverHoleIsEnomemAfterPopulatingWhatCameBefore(String arch) {
        SimBackend b = sim(arch);
        b.mmap(A, 2 * P, RW, PRIV, -1, 0);
        b.mmap(A + 3 * P, 2 * P, RW, PRIV, -1, 0);
        assertEquals(-Errno.ENOMEM, err(b, b.madvise(A, 5 * P, MADV_POPULATE_WRITE)));
        assertTrue(b.present(A + P));
        assertFalse(b.present(A + 3 * P), "populate stops at the hole");
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void unmodelledAdviceThrowsRatherThanLies(String arch) {
        SimBackend b = sim(arch);
        b.mmap(A, 4 * P, RW, PRIV, -1, 0);
        assertThrows(UnsupportedOperationException.class, () -> b.madvise(A, P, MADV_COLLAPSE));
    }

    // ---- NUMA hinting ----

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void numaHintMakesPtesProtnoneAndTheFaultRestoresThem(String arch) {
        for (FeatureSet fs : new FeatureSet[] {FeatureSet.baseline(), FeatureSet.patched()}) {
            SimBackend b = new SimBackend(Arch.byName(arch), fs, true);
            Arch ar = b.kernel().arch();
            b.set("mthp 64K", "always");
            b.mmap(A, 32 * P, RW, PRIV, -1, 0);
            b.memset(A, 2, 16 * P);
            b.peek(A + 20 * P); // zero page: never hinted
            int n = NumaHint.numaHint(b.mm(), A, 32 * P);
            b.checkNow();
            assertEquals(16, n);
            assertTrue(ar.pteProtnone(MprotectTest.pte(b, A + 3 * P)));
            assertFalse(ar.pteProtnone(MprotectTest.pte(b, A + 20 * P)));
            assertEquals(0, NumaHint.numaHint(b.mm(), A, 32 * P), "already protnone: skipped");
            assertEquals(2, b.peek(A + 3 * P));
            b.poke(A + 4 * P, 3);
            assertEquals(2, b.kernel().env().counters.get(Event.NUMA_HINT_FAULT));
            assertTrue(ar.pteWrite(MprotectTest.pte(b, A + 4 * P)));
            assertEquals(0, b.kernel().env().counters.get(Event.FAULT_WP_REUSE) + b.kernel().env().counters.get(Event.FAULT_WP_COPY));
            b.mprotect(A, 32 * P, PROT_READ);
            assertThrows(Segfault.class, () -> b.poke(A + 7 * P, 1));
            assertEquals(2, b.peek(A + 7 * P));
        }
    }

    // ---- the advice values and the clean stops ----

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void theAdviceValuesAcceptedAreThoseOfTheLiveKernel(String arch) {
        // madvise_behavior_valid (6.18, x86-64/arm64 with THP, KSM and memory failure): the live kernel accepted
        // 0-4, 8, 10-24, 102, 103 on a private RW page; 9 (REMOVE) is valid but EINVAL on private memory; 25
        // (COLLAPSE), 100/101 (HWPOISON/SOFT_OFFLINE) and 102/103 (GUARD_*) are valid but not modelled: the model
        // stops on them rather than pretend. Everything else, -1 included, is EINVAL.
        java.util.Set<Integer> stops = java.util.Set.of(MADV_COLLAPSE, MADV_HWPOISON, MADV_SOFT_OFFLINE,
                MADV_GUARD_INSTALL, MADV_GUARD_REMOVE);
        for (int advice = -1; advice <= 130; advice++) {
            SimBackend b = sim(arch);
            b.mmap(A, 4 * P, RW, PRIV, -1, 0);
            b.poke(A, 1);
            boolean accepted = advice >= 0 && advice <= 4 || advice == 8 || advice >= 10 && advice <= 24;
            final int adv = advice;
            if (stops.contains(advice)) {
                UnsupportedOperationException u = assertThrows(UnsupportedOperationException.class,
                        () -> b.madvise(A, P, adv));
                assertTrue(u.getMessage().contains("not modelled"), u.getMessage());
            } else if (accepted) {
                assertEquals(0, b.madvise(A, P, advice), "advice " + advice);
            } else {
                assertEquals(-Errno.EINVAL, err(b, b.madvise(A, P, advice)), "advice " + advice);
            }
        }
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void unmodelledAdviceIsValidatedBeforeTheStop(String arch) {
        // madvise_should_skip runs first: an unaligned start is EINVAL and an empty range returns 0 for every
        // valid advice, so only a call that would really act stops.
        SimBackend b = sim(arch);
        b.mmap(A, 4 * P, RW, PRIV, -1, 0);
        for (int advice : new int[] {MADV_COLLAPSE, MADV_HWPOISON, MADV_SOFT_OFFLINE, MADV_GUARD_INSTALL,
                MADV_GUARD_REMOVE}) {
            assertEquals(-Errno.EINVAL, err(b, b.madvise(A + 1, P, advice)));
            assertEquals(0, b.madvise(A, 0, advice));
        }
    }

    // ---- per-VMA rules ----

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void freeOnSharedAnonymousMemoryIsEinval(String arch) {
        // madvise_dontneed_free_valid_vma / madvise_free_single_vma: MADV_FREE needs an anonymous (private) VMA
        // (live kernel: "FREE / WIPEONFORK on shared anon -> EINVAL")
        SimBackend b = sim(arch);
        b.mmap(A, 4 * P, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        assertEquals(-Errno.EINVAL, err(b, b.madvise(A, P, MADV_FREE)));
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void coldOnALockedVmaIsEinval(String arch) {
        // madvise_cold -> can_madv_lru_vma: VM_LOCKED, VM_PFNMAP and VM_HUGETLB VMAs are refused with EINVAL
        SimBackend b = sim(arch);
        b.mmap(A, 4 * P, RW, PRIV | MAP_LOCKED, -1, 0);
        assertEquals(-Errno.EINVAL, err(b, b.madvise(A, P, MADV_COLD)));
        b.mmap(A + 8 * P, 4 * P, RW, PRIV, -1, 0);
        assertEquals(0, b.madvise(A + 8 * P, P, MADV_COLD));
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void holeAtTheStartIsEnomemButDontneedStillZapsTheVmaAfterIt(String arch) {
        // madvise_walk_vmas: a gap is remembered as ENOMEM and the walk goes on (live kernel: "hole at start:
        // ENOMEM; DONTNEED/DONTFORK still applied to the VMA after the hole")
        SimBackend b = sim(arch);
        b.mmap(A + 2 * P, 2 * P, RW, PRIV, -1, 0);
        b.memset(A + 2 * P, 5, 2 * P);
        assertEquals(-Errno.ENOMEM, err(b, b.madvise(A, 4 * P, MADV_DONTNEED)));
        assertFalse(b.present(A + 2 * P));
        assertEquals(0, b.peek(A + 2 * P));
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void populateReadOfAReadOnlyVmaMapsTheZeroPage(String arch) {
        // madvise_populate: POPULATE_READ on PROT_READ succeeds; every page maps the shared zero page
        SimBackend b = sim(arch);
        b.mmap(A, 4 * P, PROT_READ, PRIV, -1, 0);
        assertEquals(0, b.madvise(A, 4 * P, MADV_POPULATE_READ));
        for (long a = A; a < A + 4 * P; a += P) assertTrue(b.present(a));
        assertEquals(0, b.mm().anonRss(), "zero-page mappings are not anonymous RSS");
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void populateWriteOverARwThenReadVmaIsEinvalAfterPopulatingTheRwPart(String arch) {
        // madvise_populate -> faultin_page_range -> check_vma_flags: the READ VMA refuses FOLL_WRITE with EINVAL;
        // the RW VMA before it has been populated (live kernel: "EINVAL after populating the RW part")
        SimBackend b = sim(arch);
        b.mmap(A, 2 * P, RW, PRIV, -1, 0);
        b.mmap(A + 2 * P, 2 * P, PROT_READ, PRIV, -1, 0);
        assertEquals(-Errno.EINVAL, err(b, b.madvise(A, 4 * P, MADV_POPULATE_WRITE)));
        assertTrue(b.present(A + P));
        assertFalse(b.present(A + 2 * P));
    }
}
