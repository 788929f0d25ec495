package org.mmsim.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mmsim.mm.Uapi.*;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mmsim.arch.Arch;
import org.mmsim.arch.Event;
import org.mmsim.check.InvariantViolation;
import org.mmsim.swap.SwapDevice;
import org.mmsim.workload.SimBackend;

/** Swap-out by MADV_PAGEOUT, swap-in by faults, and the swap state's life through munmap, mremap and MADV_FREE. */
class SwapTest {
    static final long A = 1L << 30;
    static final long P = 4096;
    static final long K64 = 64 << 10;
    static final int RW = PROT_READ | PROT_WRITE;
    static final int PRIV = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED;

    static SimBackend sim(String arch, boolean batch, String folio) {
        FeatureSet f = batch ? FeatureSet.patched() : FeatureSet.patched().with(Feature.ANON_UNMAP_BATCH, false);
        SimBackend b = new SimBackend(Arch.byName(arch), f, true);
        b.set("thp", "never");
        if (folio != null) b.set("mthp " + folio, "always");
        return b;
    }

    static long count(SimBackend b, Event e) { return b.kernel().env().counters.get(e); }

    static SwapDevice dev(SimBackend b) { return b.kernel().env().swap.device(); }

    static void assertAll(SimBackend b, long start, long len, boolean swapped) {
        for (long a = start; a < start + len; a += P) {
            assertEquals(swapped, b.swapped(a), "swapped at 0x" + Long.toHexString(a));
            assertEquals(!swapped, b.present(a), "present at 0x" + Long.toHexString(a));
        }
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void pageoutWritesLargeFoliosAndFaultsReadThemBack(String arch) {
        for (boolean batch : new boolean[] {false, true}) {
            SimBackend b = sim(arch, batch, "64K");
            b.set("swap partition", "1G");
            b.mmap(A, 1 << 20, RW, PRIV, -1, 0);
            b.pattern(A, 1 << 20, 7);
            long sum = b.checksum(A, 1 << 20);
            assertEquals(0, b.madvise(A, 1 << 20, MADV_PAGEOUT));
            assertAll(b, A, 1 << 20, true);
            assertEquals(256, count(b, Event.PSWPOUT));
            assertEquals(16, count(b, Event.SWAP_ALLOC), "one aligned run of slots per 64K folio");
            assertEquals(256, b.mm().swapEnts());
            assertEquals(0, b.mm().anonRss());
            assertEquals(256, dev(b).used());
            // The written folios stay in the swap cache (asynchronous writeback): a read maps its whole folio back
            // without I/O (docs/kernel-oracle.md, swap block device: "then read page 5").
            b.peek(A + 5 * P);
            assertAll(b, A, K64, false);
            assertAll(b, A + K64, (1 << 20) - K64, true);
            assertEquals(sum, b.checksum(A, 1 << 20), "data read back equals what was written");
            assertAll(b, A, 1 << 20, false);
            assertEquals(0, count(b, Event.PSWPIN));
            assertEquals(0, b.mm().swapEnts());
            assertEquals(256, dev(b).used(), "read faults leave the pages in the swap cache");
            assertEquals(0, b.munmap(A, 1 << 20));
            assertEquals(0, dev(b).used(), "munmap frees the slots with the cached folios");
            assertEquals(0, b.kernel().env().phys.allocatedFrames());
        }
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void zeroFilledPagesAreMarkedNotWritten(String arch) {
        SimBackend b = sim(arch, true, "64K");
        b.set("swap partition", "1G");
        b.mmap(A, 1 << 20, RW, PRIV, -1, 0);
        b.memset(A, 0, 1 << 20);
        b.poke(A + 5 * K64 + 3, 9);
        b.madvise(A, 1 << 20, MADV_PAGEOUT);
        assertEquals(240, count(b, Event.SWPOUT_ZERO), "15 zero-filled folios: zero marks only");
        assertEquals(16, count(b, Event.PSWPOUT), "the written folio is written whole");
        assertEquals(0, b.peek(A));
        assertEquals(9, b.peek(A + 5 * K64 + 3));
        assertEquals(1, count(b, Event.SWPIN_ZERO));
        assertEquals(0, count(b, Event.PSWPIN), "the written folio was still in the swap cache");
    }

    /** Under memory pressure the written-out folios leave the swap cache; the data then comes from the device. */
    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void aFullMachineDropsWrittenSwapCacheAndReadsTheDeviceLater(String arch) {
        SimBackend b = sim(arch, true, "64K");
        b.set("memory", "8M"); // 4 MiB of it is reserved (zero page, huge zero folio): 1024 frames to use
        b.set("swap partition", "64M");
        long len = 2L << 20;
        b.mmap(A, len, RW, PRIV, -1, 0);
        b.pattern(A, len, 12);
        long sum = b.checksum(A, len);
        b.madvise(A, len, MADV_PAGEOUT);
        assertEquals(512, b.kernel().env().phys.allocatedFrames(), "written folios stay in memory, in the swap cache");
        long other = A + (64L << 20);
        b.mmap(other, 3L << 20, RW, PRIV, -1, 0);
        b.memset(other, 1, 3L << 20); // needs the memory the swap cache holds
        assertEquals(512, count(b, Event.PGRECLAIM));
        assertEquals(0, b.munmap(other, 3L << 20));
        assertEquals(sum, b.checksum(A, len), "read back from the device");
        assertEquals(512, count(b, Event.PSWPIN));
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void withoutSwapDirtyPagesStayAndLargeFoliosAreSplit(String arch) {
        SimBackend b = sim(arch, true, "64K");
        b.mmap(A, 1 << 20, RW, PRIV, -1, 0);
        b.pattern(A, 1 << 20, 3);
        long sum = b.checksum(A, 1 << 20);
        assertEquals(0, b.madvise(A, 1 << 20, MADV_PAGEOUT));
        assertAll(b, A, 1 << 20, false);
        assertEquals(16, count(b, Event.FOLIO_SPLIT), "folio_alloc_swap fails, the large folio is split first");
        assertEquals(16, count(b, Event.SWPOUT_FALLBACK));
        assertEquals(sum, b.checksum(A, 1 << 20));
        assertEquals(256, b.mm().anonRss());
    }

    /** docs/kernel-oracle.md madvise-free-then-pageout: residency .x2 P .x5, data 00b00000. */
    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void pageoutDiscardsCleanLazyfreePagesEvenWithoutSwap(String arch) {
        SimBackend b = sim(arch, true, null);
        b.mmap(A, 8 * P, RW, PRIV, -1, 0);
        b.memset(A, 'a', 8 * P);
        b.madvise(A, 8 * P, MADV_FREE);
        b.poke(A + 2 * P, 'b');
        assertEquals(0, b.madvise(A, 8 * P, MADV_PAGEOUT));
        for (int i = 0; i < 8; i++) assertEquals(i == 2, b.present(A + i * P), "page " + i);
        for (int i = 0; i < 8; i++) assertEquals(i == 2 ? 'b' : 0, b.peek(A + i * P));
        assertEquals(7, count(b, Event.PGLAZYFREED));
    }

    /** docs/kernel-oracle.md madvise-pageout-shared: residency .x8, data ssssssss, residency after read Px8. */
    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void pageoutOfSharedAnonymousMemoryUnmapsButKeepsTheData(String arch) {
        SimBackend b = sim(arch, true, null);
        b.mmap(A, 8 * P, RW, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        b.memset(A, 's', 8 * P);
        assertEquals(0, b.madvise(A, 8 * P, MADV_PAGEOUT));
        for (int i = 0; i < 8; i++) assertFalse(b.present(A + i * P));
        for (int i = 0; i < 8; i++) assertEquals('s', b.peek(A + i * P));
        for (int i = 0; i < 8; i++) assertTrue(b.present(A + i * P));
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void madvFreeDropsSwapEntries(String arch) {
        SimBackend b = sim(arch, true, null);
        b.set("swap partition", "64M");
        b.mmap(A, 8 * P, RW, PRIV, -1, 0);
        b.memset(A, 'a', 8 * P);
        b.madvise(A, 8 * P, MADV_PAGEOUT);
        assertEquals(0, b.madvise(A, 4 * P, MADV_FREE));
        assertEquals(4, dev(b).used());
        assertEquals(0, b.peek(A), "a freed swapped-out page reads as zero");
        assertEquals('a', b.peek(A + 4 * P));
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void swappedInExclusivePageIsWrittenInPlaceAndLeavesTheSwapCache(String arch) {
        SimBackend b = sim(arch, true, null);
        b.set("swap partition", "64M");
        b.mmap(A, 4 * P, RW, PRIV, -1, 0);
        b.memset(A, 'x', 4 * P);
        b.madvise(A, 4 * P, MADV_PAGEOUT);
        b.poke(A + 1, 'y');
        assertEquals(0, count(b, Event.FAULT_WP_COPY), "the exclusive bit maps it writable: no copy");
        assertEquals(3, dev(b).used(), "the write fault freed the slot of the written page");
        assertEquals('y', b.peek(A + 1));
        assertEquals('x', b.peek(A));
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void mremapMovesSwapEntries(String arch) {
        SimBackend b = sim(arch, true, "64K");
        b.set("swap partition", "64M");
        b.mmap(A, 256 * K64 / 16, RW, PRIV, -1, 0);
        long len = 16 * K64;
        b.pattern(A, len, 11);
        long sum = b.checksum(A, len);
        b.madvise(A, len, MADV_PAGEOUT);
        long dst = A + (64L << 20);
        assertEquals(dst, b.mremap(A, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, dst));
        assertAll(b, dst, len, true);
        assertFalse(b.mapped(A));
        assertEquals(sum, b.checksum(dst, len));
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void partlyCoveredLargeFolioIsSplitAndOnlyTheRangeSwapped(String arch) {
        SimBackend b = sim(arch, true, "64K");
        b.set("swap partition", "64M");
        b.mmap(A, K64, RW, PRIV, -1, 0);
        b.pattern(A, K64, 5);
        long sum = b.checksum(A, K64);
        b.madvise(A, 4 * P, MADV_PAGEOUT);
        assertEquals(1, count(b, Event.FOLIO_SPLIT));
        assertAll(b, A, 4 * P, true);
        assertAll(b, A + 4 * P, K64 - 4 * P, false);
        assertEquals(sum, b.checksum(A, K64));
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void pmdMappedThpIsSwappedWholeOrSplitWhenPartlyCovered(String arch) {
        SimBackend b = sim(arch, true, null);
        b.set("thp", "always");
        b.set("swap partition", "64M");
        long M2 = 2L << 20;
        b.mmap(A, 2 * M2, RW, PRIV, -1, 0);
        b.pattern(A, 2 * M2, 9);
        long sum = b.checksum(A, 2 * M2);
        b.madvise(A, M2, MADV_PAGEOUT);
        assertAll(b, A, M2, true);
        assertEquals(1, count(b, Event.SWAP_ALLOC), "one 512-slot run for the THP");
        b.madvise(A + M2, M2 / 2, MADV_PAGEOUT);
        assertAll(b, A + M2, M2 / 2, true);
        assertAll(b, A + M2 + M2 / 2, M2 / 2, false);
        assertEquals(sum, b.checksum(A, 2 * M2));
    }

    /**
     * A THP PTE-mapped in the parent (its PMD split by an mprotect) and still PMD-mapped in a forked child: MADV_PAGEOUT
     * in the parent leaves it (another process maps it); once the child has exited, the parent's PTEs are its only
     * mappings and all 512 pages are swapped out, the data kept (checker on throughout).
     */
    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void aThpStillPmdMappedInAChildIsNotSwappedFromTheParent(String arch) {
        SimBackend b = sim(arch, true, null);
        b.set("thp", "always");
        b.set("swap partition", "64M");
        long M2 = 2L << 20;
        b.mmap(A, M2, RW, PRIV, -1, 0);
        b.pattern(A, M2, 5);
        long sum = b.checksum(A, M2);
        long child = b.fork();
        assertEquals(0, b.mprotect(A, P, PROT_READ));
        assertEquals(0, b.mprotect(A, P, RW));
        b.madvise(A, M2, MADV_PAGEOUT);
        assertAll(b, A, M2, false);
        assertEquals(0, count(b, Event.SWAP_ALLOC));
        b.switchTo(child);
        assertEquals(sum, b.checksum(A, M2));
        b.switchTo(0);
        assertEquals(0, b.exit(child));
        b.madvise(A, M2, MADV_PAGEOUT);
        assertAll(b, A, M2, true);
        assertEquals(M2 / P, b.mm(0).swapEnts());
        assertEquals(sum, b.checksum(A, M2));
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void aFullDeviceSwapsWhatFitsAndLargeFoliosFallBackToPages(String arch) {
        SimBackend b = sim(arch, true, "64K");
        b.set("swap partition", Long.toString(24 * P)); // the header and 23 slots: one aligned 16-run, then pages
        b.mmap(A, 4 * K64, RW, PRIV, -1, 0);
        b.pattern(A, 4 * K64, 1);
        long sum = b.checksum(A, 4 * K64);
        b.madvise(A, 4 * K64, MADV_PAGEOUT);
        int swapped = 0;
        for (long a = A; a < A + 4 * K64; a += P) swapped += b.swapped(a) ? 1 : 0;
        assertEquals(23, swapped);
        assertTrue(count(b, Event.SWPOUT_FALLBACK) >= 1);
        assertEquals(sum, b.checksum(A, 4 * K64));
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void forkSharesSwapEntriesAndEachProcessSwapsInItsOwnView(String arch) {
        SimBackend b = sim(arch, true, "64K");
        b.set("swap partition", "64M");
        b.mmap(A, K64, RW, PRIV, -1, 0);
        b.memset(A, 'p', K64);
        b.madvise(A, K64, MADV_PAGEOUT);
        long child = b.fork();
        assertEquals(2, dev(b).count(firstSlotInUse(b)), "parent and child name the slot");
        assertEquals(16, b.mm(child).swapEnts());
        b.switchTo(child);
        assertEquals('p', b.peek(A), "the child reads the shared page from swap");
        assertEquals(1, count(b, Event.FAULT_SWAP));
        b.poke(A, 'c');
        assertEquals(1, count(b, Event.FAULT_WP_COPY), "not exclusive any more: the child's write copies");
        b.switchTo(0);
        assertEquals('p', b.peek(A));
        b.poke(A + P, 'q');
        assertEquals(0, b.exit(child));
        assertEquals('p', b.peek(A));
        assertEquals('q', b.peek(A + P));
        assertEquals(0, b.munmap(A, K64));
        assertEquals(0, dev(b).used());
    }

    /** The first slot in use. */
    private static long firstSlotInUse(SimBackend b) {
        for (long off = 1; off < dev(b).slots(); off++) if (dev(b).inUse(off)) return off;
        return -1;
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void aSwapFileTakesNoLargeFoliosSoTheyAreSplitFirst(String arch) {
        SimBackend b = sim(arch, true, "64K");
        b.set("swap", "64M");
        b.mmap(A, 16 * K64, RW, PRIV, -1, 0);
        b.pattern(A, 16 * K64, 6);
        long sum = b.checksum(A, 16 * K64);
        b.madvise(A, 16 * K64, MADV_PAGEOUT);
        assertAll(b, A, 16 * K64, true);
        assertEquals(16, count(b, Event.SWPOUT_FALLBACK));
        assertEquals(16, count(b, Event.FOLIO_SPLIT));
        assertEquals(256, count(b, Event.SWAP_ALLOC), "one slot per page");
        b.peek(A + 5 * P);
        for (int i = 0; i < 32; i++) assertEquals(i == 5, b.present(A + i * P), "only the page read comes back");
        assertEquals(sum, b.checksum(A, 16 * K64));
    }

    /**
     * The live 6.18 kernel (docs/kernel-oracle.md, swap probes): two 64K folios of zeros, one page of the second
     * written. No swap or a swap file: both folios are split and every zero-filled page then maps the shared zero
     * page; the written page stays (no swap) or is swapped (file). A block device swaps both folios whole.
     */
    @ParameterizedTest @ValueSource(strings = {"none", "swap", "swap partition"})
    void splittingAFolioMapsItsZeroFilledPagesToTheZeroPage(String swap) {
        for (String arch : new String[] {"x86_64", "arm64"}) {
            SimBackend b = sim(arch, true, "64K");
            if (!swap.equals("none")) b.set(swap, "64M");
            b.mmap(A, 2 * K64, RW, PRIV, -1, 0);
            b.memset(A, 0, 2 * K64);
            b.poke(A + K64 + 5 * P, 7);
            b.madvise(A, 2 * K64, MADV_PAGEOUT);
            for (int i = 0; i < 32; i++) {
                long a = A + i * P;
                if (swap.equals("swap partition")) {
                    assertTrue(b.swapped(a), "page " + i);
                } else if (i == 21) {
                    assertEquals(swap.equals("swap"), b.swapped(a));
                    assertEquals(swap.equals("none"), b.present(a));
                } else {
                    assertEquals(org.mmsim.phys.PhysMem.ZERO_PFN, SwapTestSupport.pfnAt(b, a), "page " + i + " maps the zero page");
                }
            }
            assertEquals(swap.equals("swap partition") ? 0 : 2, count(b, Event.FOLIO_SPLIT));
            assertEquals(7, b.peek(A + K64 + 5 * P));
            assertEquals(0, b.peek(A + 3 * P));
        }
    }

    /** zram: written folios are freed at once; a fault reads the whole 64K folio back past the swap cache. */
    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void zramFreesAtOnceAndSwapsInWholeLargeFolios(String arch) {
        SimBackend b = sim(arch, true, "64K");
        b.set("swap zram", "64M");
        b.mmap(A, 4 * K64, RW, PRIV, -1, 0);
        b.pattern(A, 4 * K64, 13);
        long sum = b.checksum(A, 4 * K64);
        b.madvise(A, 4 * K64, MADV_PAGEOUT);
        assertEquals(0, b.kernel().env().phys.allocatedFrames(), "a synchronous write frees the folios at once");
        assertEquals(64, dev(b).used());
        b.peek(A + K64 + 5 * P);
        assertAll(b, A + K64, K64, false);
        assertAll(b, A, K64, true);
        assertEquals(16, count(b, Event.PSWPIN), "one fault read the whole 64K folio");
        assertEquals(1, count(b, Event.FAULT_SWAP));
        assertEquals(48, dev(b).used(), "its slots are free: the folio skipped the swap cache");
        b.poke(A + K64, 1);
        assertEquals(0, count(b, Event.FAULT_WP_COPY), "exclusive and writable");
        b.poke(A + K64, org.mmsim.workload.Patterns.byteAt(13, K64));
        assertEquals(sum, b.checksum(A, 4 * K64));
        assertEquals(0, b.mm().swapEnts());
        assertEquals(0, dev(b).used());
    }

    @Test
    void swapoffIsRefusedWhileSlotsAreInUse() {
        SimBackend b = sim("x86_64", true, null);
        b.set("swap", "1M");
        b.mmap(A, 4 * P, RW, PRIV, -1, 0);
        b.memset(A, 1, 4 * P);
        b.madvise(A, 4 * P, MADV_PAGEOUT);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.set("swap", "0"));
        assertTrue(e.getMessage().contains("in use"), e.getMessage());
        b.munmap(A, 4 * P);
        b.set("swap", "none");
        assertEquals(null, dev(b));
        assertThrows(IllegalArgumentException.class, () -> b.set("swap", "lots"));
    }

    // ---- failures during unmap -----------------------------------------------------------------------

    @ParameterizedTest @ValueSource(strings = {"swap_dup_fail", "arch_unmap_fail", "folio_pinned"})
    void aFailedBatchRestoresEveryPteAndDropsItsSwapReferences(String kind) {
        for (String arch : new String[] {"x86_64", "arm64"}) {
            SimBackend b = sim(arch, true, "64K");
            b.set("swap partition", "64M");
            b.mmap(A, K64, RW, PRIV, -1, 0);
            b.pattern(A, K64, 2);
            long sum = b.checksum(A, K64);
            b.inject(kind, kind.equals("swap_dup_fail") ? 3 : 1);
            assertEquals(0, b.madvise(A, K64, MADV_PAGEOUT));
            assertAll(b, A, K64, false);
            assertEquals(1, count(b, Event.TTU_RESTORE));
            assertEquals(0, b.mm().swapEnts());
            assertEquals(sum, b.checksum(A, K64));
            // The folio stayed in the swap cache; a second pageout needs no new slots.
            assertEquals(0, b.madvise(A, K64, MADV_PAGEOUT));
            assertAll(b, A, K64, true);
            assertEquals(1, count(b, Event.SWAP_ALLOC));
            assertEquals(sum, b.checksum(A, K64));
        }
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void withoutBatchingAFailureStopsAtThatPage(String arch) {
        SimBackend b = sim(arch, false, "64K");
        b.set("swap partition", "64M");
        b.mmap(A, K64, RW, PRIV, -1, 0);
        b.pattern(A, K64, 2);
        long sum = b.checksum(A, K64);
        b.inject("swap_dup_fail", 3);
        b.madvise(A, K64, MADV_PAGEOUT);
        assertAll(b, A, 2 * P, true);
        assertAll(b, A + 2 * P, K64 - 2 * P, false);
        assertEquals(sum, b.checksum(A, K64));
    }

    @Test
    void swapAllocFailureOfALargeFolioFallsBackToItsPages() {
        SimBackend b = sim("arm64", true, "64K");
        b.set("swap partition", "64M");
        b.mmap(A, K64, RW, PRIV, -1, 0);
        b.pattern(A, K64, 4);
        b.inject("swap_alloc_fail", 1);
        b.madvise(A, K64, MADV_PAGEOUT);
        assertEquals(1, count(b, Event.SWPOUT_FALLBACK));
        assertEquals(16, count(b, Event.SWAP_ALLOC));
        assertAll(b, A, K64, true);
        assertThrows(IllegalArgumentException.class, () -> b.inject("swap_full", 1));
        assertThrows(IllegalArgumentException.class, () -> b.inject("swap_dup_fail", 0));
    }

    /**
     * A 64K folio whose first half is no longer PageAnonExclusive (a fork whose child exited, then writes to the
     * second half) and that is mapped read-only: one batch of 16 PTEs, two sub-batches. The pin check fails on the
     * second.
     */
    static SimBackend mixedExclusivity(String arch, boolean planted) {
        SimBackend b = sim(arch, true, "64K");
        b.set("swap partition", "64M");
        b.mmap(A, K64, RW, PRIV, -1, 0);
        b.pattern(A, K64, 8);
        SwapTestSupport.forkAndChildExit(b);
        for (long a = A + K64 / 2; a < A + K64; a += P) b.poke(a, 1); // write-fault reuse: exclusive again
        assertEquals(0, b.mprotect(A, K64, PROT_READ));
        if (planted) SwapTestSupport.plantSubBatchRestoreBug(b);
        b.inject("folio_pinned", 1);
        return b;
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void mixedExclusivityIsRestoredWhole(String arch) {
        SimBackend b = mixedExclusivity(arch, false);
        long sum = b.checksum(A, K64);
        assertEquals(0, b.madvise(A, K64, MADV_PAGEOUT));
        assertAll(b, A, K64, false);
        assertEquals(sum, b.checksum(A, K64));
        assertEquals(2, count(b, Event.SWAP_DUP), "two sub-batches of equal exclusivity");
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void thePlantedV3BugIsCaughtByTheChecker(String arch) {
        SimBackend b = mixedExclusivity(arch, true);
        InvariantViolation v = assertThrows(InvariantViolation.class, () -> b.madvise(A, K64, MADV_PAGEOUT));
        // The first half stays cleared although the folio still counts it mapped: RSS, mapcounts and the swap
        // counts of its slots no longer match the tables (the data of those pages would read back as zero).
        assertTrue(v.getMessage().contains("RSS") || v.getMessage().contains("mapcount")
                || v.getMessage().contains("swap count"), v.getMessage());
    }
}
