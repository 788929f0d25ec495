package org.mmsim.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mmsim.mm.Errno.EFAULT;
import static org.mmsim.mm.Errno.EINVAL;
import static org.mmsim.mm.Errno.ENOMEM;
import static org.mmsim.mm.Uapi.MAP_ANONYMOUS;
import static org.mmsim.mm.Uapi.MAP_FIXED;
import static org.mmsim.mm.Uapi.MAP_LOCKED;
import static org.mmsim.mm.Uapi.MAP_PRIVATE;
import static org.mmsim.mm.Uapi.MREMAP_DONTUNMAP;
import static org.mmsim.mm.Uapi.MREMAP_FIXED;
import static org.mmsim.mm.Uapi.MREMAP_MAYMOVE;
import static org.mmsim.mm.Uapi.PROT_READ;
import static org.mmsim.mm.Uapi.PROT_WRITE;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mmsim.arch.Arch;
import org.mmsim.arch.Event;
import org.mmsim.pgtable.PageTables;
import org.mmsim.workload.SimBackend;

/**
 * mremap(2) semantics and errno, one test per kernel rule (KERNEL_FACTS §2.1–§2.5), with the invariant checker
 * after every call. The kernel functions are those of mm/mremap.c in 6.18: check_mremap_params (flags, alignment,
 * lengths, FIXED/DONTUNMAP rules, overlap, the early map-count headroom), check_prep_vma / remap_is_valid (no VMA,
 * old_len 0 on private memory, DONTUNMAP on special VMAs, crossing vm_end, pgoff overflow, growth of special
 * VMAs), expand_vma (in-place growth blocked without MAYMOVE), prep_move_vma (map-count headroom of a move),
 * vrm_calc_charge (commit charge), remap_move (the multi-VMA move's gap rules), shrink_vma / do_vmi_munmap (a
 * shrink's tail). {@link MapCountHeadroomTest} replays the live kernel's map-count table.
 *
 * <p>Rules the model has no state for, so no test exercises them: mseal()ed VMAs (EPERM), hugetlb alignment and
 * expansion (EINVAL), uffd-armed VMAs in a multi-VMA move, files with their own get_unmapped_area, RLIMIT_MEMLOCK
 * for mlocked growth (EAGAIN; root also has CAP_IPC_LOCK) and RLIMIT_AS / RLIMIT_DATA (ENOMEM from may_expand_vm),
 * an interrupted mmap_write_lock_killable (EINTR), page-table allocation failing part-way (ENOMEM with the
 * move-back). VM_DONTEXPAND / VM_PFNMAP VMAs come only from drivers and a pgoff near overflow only from file
 * offsets: those tests set the flag or pgoff directly to check the rule itself. old_len 0 on a shared mapping
 * (duplication) belongs to the shared-memory work and stops the run as not modelled.
 */
class MremapTest {
    static final long P = 4096;
    static final long M = 1L << 20;
    static final long G = 1L << 30;
    static final int RW = PROT_READ | PROT_WRITE;
    static final int PA = MAP_PRIVATE | MAP_ANONYMOUS;
    static final int MOVE = MREMAP_MAYMOVE;
    static final int FIXED = MREMAP_MAYMOVE | MREMAP_FIXED;

    static SimBackend sim(String arch) { return new SimBackend(Arch.byName(arch), FeatureSet.patched(), true); }

    static SimBackend sim() { return sim("arm64"); }

    /** mremap through the backend, as the kernel returns it: an address or -errno. */
    static long mremap(SimBackend b, long addr, long oldLen, long newLen, int flags, long newAddr) {
        long r = b.mremap(addr, oldLen, newLen, flags, newAddr);
        return r == -1 ? -b.errno() : r;
    }

    static long map(SimBackend b, long addr, long len) {
        long r = b.mmap(addr, len, RW, PA | MAP_FIXED, -1, 0);
        assertEquals(addr, r);
        return r;
    }

    /** A read-only mapping: different flags, so it never merges with the read-write ones around it. */
    static long mapRo(SimBackend b, long addr, long len) {
        long r = b.mmap(addr, len, PROT_READ, PA | MAP_FIXED, -1, 0);
        assertEquals(addr, r);
        return r;
    }

    static Vma vma(SimBackend b, long addr) { return b.mm().vmaLookup(addr); }

    static long pte(SimBackend b, long addr) {
        long[] t = b.mm().pageTables().pteTable(addr, false);
        return t == null ? 0 : t[PageTables.pteIndex(addr)];
    }

    // ---- §2.1 check_mremap_params --------------------------------------------------------------------

    @Test void unknownFlagIsEinval() {
        SimBackend b = sim();
        map(b, G, 4 * P);
        assertEquals(-EINVAL, mremap(b, G, P, P, 8, 0));
    }

    @Test void unalignedOldAddressIsEinval() {
        SimBackend b = sim();
        map(b, G, 4 * P);
        assertEquals(-EINVAL, mremap(b, G + 1, P, 2 * P, MOVE, 0));
    }

    @Test void zeroNewLengthIsEinval() {
        SimBackend b = sim();
        map(b, G, 4 * P);
        assertEquals(-EINVAL, mremap(b, G, P, 0, MOVE, 0));
    }

    @Test void newLengthAboveTaskSizeIsEinval() {
        SimBackend b = sim();
        map(b, G, 4 * P);
        assertEquals(-EINVAL, mremap(b, G, P, Arch.ARM64.taskSize() + P, MOVE, 0));
    }

    @Test void lengthsArePageAlignedUpFirst() {
        SimBackend b = sim();
        map(b, G, 4 * P);
        b.memset(G, 7, 4 * P);
        // old_len 1 means one page, new_len 4097 means two: a growth in place of one page, into a free page.
        assertEquals(G + 3 * P, mremap(b, G + 3 * P, 1, P + 1, 0, 0));
        assertEquals(G + 5 * P, vma(b, G).end());
    }

    @Test void fixedDestinationBeyondTaskSizeIsEinval() {
        SimBackend b = sim();
        map(b, G, 4 * P);
        long ts = Arch.ARM64.taskSize();
        assertEquals(-EINVAL, mremap(b, G, P, P, FIXED, ts - P + P));
        assertEquals(-EINVAL, mremap(b, G, P, 2 * P, FIXED, ts - P));
    }

    @Test void fixedUnalignedDestinationIsEinval() {
        SimBackend b = sim();
        map(b, G, 4 * P);
        assertEquals(-EINVAL, mremap(b, G, P, P, FIXED, 2 * G + 12));
    }

    @Test void fixedWithoutMaymoveIsEinval() {
        SimBackend b = sim();
        map(b, G, 4 * P);
        assertEquals(-EINVAL, mremap(b, G, P, P, MREMAP_FIXED, 2 * G));
    }

    @Test void dontunmapWithoutMaymoveIsEinval() {
        SimBackend b = sim();
        map(b, G, 4 * P);
        assertEquals(-EINVAL, mremap(b, G, P, P, MREMAP_DONTUNMAP, 2 * G));
    }

    @Test void dontunmapRefusesResizing() {
        SimBackend b = sim();
        map(b, G, 4 * P);
        assertEquals(-EINVAL, mremap(b, G, P, 2 * P, MOVE | MREMAP_DONTUNMAP, 0));
        assertEquals(-EINVAL, mremap(b, G, 2 * P, P, MOVE | MREMAP_DONTUNMAP, 0));
    }

    @Test void mremapRefusesOverlappingFixedMove() {
        SimBackend b = sim();
        map(b, G, 8 * P);
        assertEquals(-EINVAL, mremap(b, G, 4 * P, 4 * P, FIXED, G + 2 * P));
        assertEquals(-EINVAL, mremap(b, G + 4 * P, 4 * P, 4 * P, FIXED, G + 2 * P));
        assertEquals(-EINVAL, mremap(b, G, 4 * P, 4 * P, MOVE | MREMAP_DONTUNMAP, G + 3 * P));
        // adjacent is not overlapping
        assertEquals(G + 4 * P, mremap(b, G, 4 * P, 4 * P, FIXED, G + 4 * P));
    }

    @Test void mapCountHeadroomIsEnomem() {
        SimBackend b = sim();
        map(b, G, 4 * P);
        b.set("max_map_count", "4");
        // check_map_count_against_split_early: map_count + 2 + 2 must not exceed max_map_count
        assertEquals(-ENOMEM, mremap(b, G, P, 2 * P, MOVE, 0));
        b.set("max_map_count", "5");
        assertEquals(G, mremap(b, G, 4 * P, 5 * P, MOVE, 0));
    }

    // ---- §2.2 check_prep_vma ------------------------------------------------------------------------

    @Test void noVmaAtOldAddressIsEfault() {
        SimBackend b = sim();
        map(b, G, 4 * P);
        assertEquals(-EFAULT, mremap(b, G + 4 * P, P, 2 * P, MOVE, 0));
        assertEquals(-EFAULT, mremap(b, G - P, P, P, 0, 0));
    }

    @Test void oldLenZeroOnPrivateMappingIsEinval() {
        SimBackend b = sim();
        map(b, G, 4 * P);
        assertEquals(-EINVAL, mremap(b, G, 0, P, MOVE, 0));
        assertEquals(-EINVAL, mremap(b, G, 0, P, FIXED, 2 * G));
    }

    @Test void dontunmapOnDontexpandVmaIsEinval() {
        SimBackend b = sim();
        map(b, G, 4 * P);
        vma(b, G).flags |= VmFlags.VM_DONTEXPAND;
        assertEquals(-EINVAL, mremap(b, G, P, P, MOVE | MREMAP_DONTUNMAP, 2 * G));
    }

    @Test void growthOfDontexpandVmaIsEfault() {
        SimBackend b = sim();
        map(b, G, 4 * P);
        vma(b, G).flags |= VmFlags.VM_DONTEXPAND;
        assertEquals(-EFAULT, mremap(b, G, 4 * P, 8 * P, MOVE, 0));
        // moving without growth is allowed
        assertEquals(2 * G, mremap(b, G, 4 * P, 4 * P, FIXED, 2 * G));
    }

    @Test void rangePastVmaEndIsEfaultForGrowthAndMove() {
        SimBackend b = sim();
        map(b, G, 4 * P);
        mapRo(b, G + 4 * P, 4 * P);
        assertEquals(-EFAULT, mremap(b, G, 6 * P, 8 * P, MOVE, 0));
        assertEquals(-EFAULT, mremap(b, G + 2 * P, 4 * P, 4 * P, MOVE | MREMAP_DONTUNMAP, 2 * G));
        // a shrink+move only needs the kept prefix inside the VMA
        assertEquals(2 * G, mremap(b, G, 6 * P, 2 * P, FIXED, 2 * G));
    }

    @Test void holeInSourceRangeIsEfault() {
        SimBackend b = sim();
        map(b, G, 4 * P);
        map(b, G + 8 * P, 4 * P);
        // growth of a range that runs into the hole
        assertEquals(-EFAULT, mremap(b, G, 6 * P, 12 * P, MOVE, 0));
        // a pure move whose range starts in a hole
        assertEquals(-EFAULT, mremap(b, G + 4 * P, 8 * P, 8 * P, FIXED, 2 * G));
        // a pure move of a range with no VMA at all
        assertEquals(-EFAULT, mremap(b, G + 4 * P, 2 * P, 2 * P, FIXED, 2 * G));
    }

    @Test void plainShrinkSkipsTheVmaEndCheck() {
        SimBackend b = sim();
        map(b, G, 4 * P);
        map(b, G + 6 * P, 4 * P);
        // old_len runs past the first VMA and over a hole into the next: the unmap covers all of it.
        assertEquals(G, mremap(b, G, 8 * P, 2 * P, 0, 0));
        assertEquals(G + 2 * P, vma(b, G).end());
        assertFalse(b.mapped(G + 7 * P));
        assertTrue(b.mapped(G + 8 * P));
    }

    @Test void shrinkTailPastTaskSizeIsEinval() {
        SimBackend b = sim();
        map(b, G, 4 * P);
        assertEquals(-EINVAL, mremap(b, G, Arch.ARM64.taskSize(), P, 0, 0));
    }

    @Test void growthPgoffOverflowIsEinval() {
        SimBackend b = sim();
        map(b, G, 4 * P);
        vma(b, G).pgoff = -2;
        assertEquals(-EINVAL, mremap(b, G, 4 * P, 8 * P, MOVE, 0));
    }

    @Test void growthBlockedInPlaceWithoutMaymoveIsEnomem() {
        SimBackend b = sim();
        map(b, G, 4 * P);
        mapRo(b, G + 5 * P, P);
        assertEquals(-ENOMEM, mremap(b, G, 4 * P, 8 * P, 0, 0));
        // growth of a range that does not end at vm_end is never in place
        assertEquals(-ENOMEM, mremap(b, G, 2 * P, 3 * P, 0, 0));
    }

    @Test void hugeOldLengthIsEinval() {
        // do_mremap: PAGE_ALIGN(-1) wraps to 0, and old_len 0 on a private mapping is EINVAL (check_prep_vma ->
        // remap_is_valid); -4096 is a shrink whose tail unmap runs past TASK_SIZE (do_vmi_munmap: EINVAL). Both
        // EINVAL on the live kernel.
        SimBackend b = sim();
        map(b, G, 4 * P);
        assertEquals(-EINVAL, mremap(b, G, -1L, P, MOVE, 0));
        assertEquals(-EINVAL, mremap(b, G, -P, P, 0, 0));
    }

    @Test void dontunmapWithAnUnalignedHintIsEinval() {
        // check_mremap_params: DONTUNMAP implies a new address, which must be page aligned
        SimBackend b = sim();
        map(b, G, 4 * P);
        assertEquals(-EINVAL, mremap(b, G, P, P, MOVE | MREMAP_DONTUNMAP, 2 * G + 8));
    }

    @Test void growthWhoseChargeIsRefusedIsEnomem() {
        // vrm_calc_charge -> security_vm_enough_memory_mm (overcommit heuristic): the live kernel refuses to grow
        // an accounted mapping to 64 TiB with MAYMOVE (ENOMEM); the model refuses any charge above its RAM.
        SimBackend b = sim();
        map(b, G, 4 * P);
        assertEquals(-ENOMEM, mremap(b, G, 4 * P, 1L << 46, MOVE, 0));
        assertEquals(G + 4 * P, vma(b, G).end());
    }

    @Test void dontunmapChargesTheWholeLengthAMoveOnlyTheGrowth() {
        // vrm_calc_charge: DONTUNMAP charges new_len (the source stays), a move charges only delta. With 16 MiB of
        // RAM, a 20 MiB accounted VMA (grown in two steps that are each granted) cannot be DONTUNMAP-moved but
        // can be moved.
        SimBackend b = sim();
        b.set("memory", "16M");
        long mib = 1L << 20;
        map(b, 2 * G, 12 * mib);
        assertEquals(2 * G, mremap(b, 2 * G, 12 * mib, 20 * mib, 0, 0));
        assertEquals(-ENOMEM, mremap(b, 2 * G, 20 * mib, 20 * mib, MOVE | MREMAP_DONTUNMAP, 3 * G));
        assertEquals(3 * G, mremap(b, 2 * G, 20 * mib, 20 * mib, FIXED, 3 * G));
    }

    // ---- dispatch and moves ---------------------------------------------------------------------------

    @Test void sameSizeWithoutNewAddressIsNoop() {
        SimBackend b = sim();
        map(b, G, 4 * P);
        b.memset(G, 1, 4 * P);
        long before = b.kernel().env().counters.get(Event.PTE_MOVE);
        assertEquals(G, mremap(b, G, 4 * P, 4 * P, MOVE, 0));
        assertEquals(before, b.kernel().env().counters.get(Event.PTE_MOVE));
    }

    @Test void shrinkInPlaceUnmapsTheTail() {
        SimBackend b = sim();
        map(b, G, 8 * P);
        b.memset(G, 3, 8 * P);
        assertEquals(G, mremap(b, G, 8 * P, 3 * P, 0, 0));
        assertEquals(G + 3 * P, vma(b, G).end());
        assertEquals(3, b.mm().anonRss());
        assertEquals(3, b.peek(G + 2 * P));
    }

    @Test void growInPlaceKeepsAddressAndMergesWithFollowingVma() {
        SimBackend b = sim();
        map(b, G, 2 * P);
        map(b, G + 4 * P, 2 * P);
        b.memset(G, 5, 2 * P);
        // the next VMA has no anon_vma yet, so it is compatible with the grown one (is_mergeable_anon_vma)
        assertEquals(2, b.vmas(G, 6 * P));
        assertEquals(G, mremap(b, G, 2 * P, 4 * P, 0, 0));
        // vma_merge_extend: the extension touches the next VMA, which is compatible -> one VMA
        assertEquals(1, b.vmas(G, 6 * P));
        assertEquals(G + 6 * P, vma(b, G).end());
        assertEquals(5, b.peek(G + P));
        assertEquals(0, b.peek(G + 3 * P));
        assertEquals(0, b.peek(G + 5 * P));
    }

    @Test void growBlockedMovesWithMaymove() {
        SimBackend b = sim();
        map(b, G, 4 * P);
        mapRo(b, G + 4 * P, P);
        b.pattern(G, 4 * P, 42);
        long sum = b.checksum(G, 4 * P);
        long q = mremap(b, G, 4 * P, 8 * P, MOVE, 0);
        assertTrue(q > 0 && q != G);
        assertFalse(b.mapped(G));
        assertEquals(sum, b.checksum(q, 4 * P));
        assertEquals(8 * P, vma(b, q).end() - vma(b, q).start());
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void maymoveFixedRelocatesContentsAndResidency(String arch) {
        SimBackend b = sim(arch);
        b.set("mthp 64K", "always");
        map(b, G, M);
        b.pattern(G, M / 2, 9);
        long sum = b.checksum(G, M);
        long rss = b.mm().anonRss();
        assertEquals(G + M, mremap(b, G, M, M, FIXED, G + M));
        assertFalse(b.mapped(G));
        assertEquals(sum, b.checksum(G + M, M));
        assertEquals(rss, b.mm().anonRss());
        for (long a = G + M; a < G + 2 * M; a += P) assertTrue(b.present(a));
    }

    @Test void fixedUnmapsWhatTheDestinationCovers() {
        SimBackend b = sim();
        map(b, G, 4 * P);
        map(b, 2 * G - 2 * P, 8 * P);
        b.memset(G, 1, 4 * P);
        b.memset(2 * G - 2 * P, 2, 8 * P);
        assertEquals(2 * G, mremap(b, G, 4 * P, 4 * P, FIXED, 2 * G));
        assertEquals(2, b.peek(2 * G - P));
        assertEquals(1, b.peek(2 * G + 3 * P));
        assertEquals(2, b.peek(2 * G + 4 * P));
        assertEquals(4 + 8 - 4, b.mm().anonRss());
    }

    @Test void dontunmapLeavesSourceMappedAndEmpty() {
        SimBackend b = sim();
        map(b, G, 4 * P);
        b.memset(G, 0x5A, 4 * P);
        long q = mremap(b, G, 4 * P, 4 * P, MOVE | MREMAP_DONTUNMAP, 0);
        assertTrue(q > 0 && q != G);
        assertTrue(b.mapped(G));
        for (long a = G; a < G + 4 * P; a += P) assertFalse(b.present(a));
        assertEquals(0x5A, b.peek(q + P));
        assertEquals(4, b.mm().anonRss());
        // the whole VMA moved: its anon_vma link is dropped
        assertNull(vma(b, G).anonVma());
        assertNotNull(vma(b, q).anonVma());
        assertEquals(0, b.peek(G));
    }

    @Test void dontunmapWithFixedUsesTheAddressGiven() {
        SimBackend b = sim();
        map(b, G, 4 * P);
        b.memset(G, 1, 4 * P);
        assertEquals(2 * G, mremap(b, G, 2 * P, 2 * P, FIXED | MREMAP_DONTUNMAP, 2 * G));
        assertEquals(G + 4 * P, vma(b, G).end());
        assertFalse(b.present(G));
        assertTrue(b.present(G + 2 * P));
        // only part of the VMA moved: it keeps its anon_vma
        assertNotNull(vma(b, G).anonVma());
    }

    @Test void multiVmaPureMoveKeepsTheHoles() {
        SimBackend b = sim();
        map(b, G, 2 * P);
        map(b, G + 3 * P, 2 * P);
        map(b, G + 7 * P, 3 * P);
        b.memset(G, 1, 2 * P);
        b.memset(G + 3 * P, 2, 2 * P);
        b.memset(G + 7 * P, 3, 3 * P);
        // the range starts in the first VMA and ends inside the last one: it is split there
        assertEquals(2 * G, mremap(b, G, 9 * P, 9 * P, FIXED, 2 * G));
        assertEquals(List.of(), b.mm().intersecting(G, G + 9 * P));
        assertTrue(b.mapped(G + 9 * P));
        assertEquals(3, b.vmas(2 * G, 9 * P));
        assertEquals(2 * G + 2 * P, vma(b, 2 * G).end());
        assertEquals(2 * G + 3 * P, vma(b, 2 * G + 3 * P).start());
        assertEquals(2 * G + 9 * P, vma(b, 2 * G + 7 * P).end());
        assertFalse(b.mapped(2 * G + 2 * P));
        assertFalse(b.mapped(2 * G + 6 * P));
        assertEquals(1, b.peek(2 * G + P));
        assertEquals(2, b.peek(2 * G + 4 * P));
        assertEquals(3, b.peek(2 * G + 8 * P));
    }

    @Test void dontunmapOfAMiddlePartKeepsTheSourceWholeAndAccounted() {
        // dontunmap_complete (6.18) clears only VM_LOCKED/VM_LOCKONFAULT on the source; the source VMA is not split
        // and keeps VM_ACCOUNT (oracle rows mremap-dontunmap-part / -fixed-part: "[0x0-0x10000 rw-p {... ac}]"),
        // the moved part's pages read as zero afterwards.
        SimBackend b = sim();
        map(b, G, 16 * P);
        b.memset(G, 'a', 16 * P);
        assertEquals(2 * G, mremap(b, G + 4 * P, 4 * P, 4 * P, FIXED | MREMAP_DONTUNMAP, 2 * G));
        Vma src = vma(b, G);
        assertEquals(G, src.start());
        assertEquals(G + 16 * P, src.end());
        assertTrue(src.has(VmFlags.VM_ACCOUNT));
        assertTrue(vma(b, 2 * G).has(VmFlags.VM_ACCOUNT));
        assertFalse(b.present(G + 5 * P));
        assertEquals(0, b.peek(G + 5 * P));
        assertEquals('a', b.peek(G + 3 * P));
        assertEquals('a', b.peek(2 * G + P));
    }

    @Test void multiVmaPureMoveWithAHoleAtTheEndMovesTheMappedPart() {
        // remap_move (6.17+): only a gap at the START is EFAULT; for_each_vma_range simply ends at the last VMA, so
        // a trailing gap is accepted. Each piece's mremap_to unmaps only that piece's destination, so what lies at
        // the destination opposite the gap stays (oracle rows mremap-hole-07 and mremap-hole-14: the PROT_NONE
        // reservation survives there as [0x22000-0x40000 ---p]).
        SimBackend b = sim();
        map(b, G, 4 * P);
        b.memset(G, 7, 4 * P);
        mapRo(b, 2 * G + 4 * P, 4 * P); // something opposite the trailing gap
        assertEquals(2 * G, mremap(b, G, 8 * P, 8 * P, FIXED, 2 * G));
        assertFalse(b.mapped(G));
        assertEquals(2, b.vmas(2 * G, 8 * P));
        assertEquals(2 * G + 4 * P, vma(b, 2 * G).end());
        assertEquals(PROT_READ, b.prot(2 * G + 4 * P), "the destination opposite the gap is left as it was");
        assertEquals(7, b.peek(2 * G + 3 * P));
    }

    @Test void multiVmaPureMoveWithAHoleAtTheStartIsEfault() {
        // remap_move: "no gap permitted at the start of the range" -> EFAULT, nothing moved
        SimBackend b = sim();
        map(b, G + 2 * P, 4 * P);
        assertEquals(-EFAULT, mremap(b, G, 6 * P, 6 * P, FIXED, 2 * G));
        assertTrue(b.mapped(G + 2 * P));
        assertFalse(b.mapped(2 * G + 2 * P));
    }

    @Test void sameSizeWithoutNewAddressOverAHoleIsANoop() {
        // check_prep_vma: vrm_will_map_new is false for NO_RESIZE without FIXED/DONTUNMAP, so the old_len > vm_end
        // - addr rule is not applied: the live kernel returns addr and does nothing, with or without MAYMOVE.
        SimBackend b = sim();
        map(b, G, 2 * P);
        map(b, G + 4 * P, 2 * P);
        assertEquals(G, mremap(b, G, 6 * P, 6 * P, 0, 0));
        assertEquals(G, mremap(b, G, 6 * P, 6 * P, MOVE, 0));
        assertEquals(2, b.vmas(G, 6 * P));
    }

    @Test void shrinkAndMoveOverAHoleDependsOnWhereTheNewLengthEnds() {
        // check_prep_vma / remap_is_valid: for a SHRINK only new_len must fit in the VMA (old_len = new_len);
        // oracle: succeeds if the new length ends inside the first VMA, EFAULT if it ends in the hole.
        SimBackend b = sim();
        map(b, G, 4 * P);
        map(b, G + 6 * P, 2 * P);
        b.memset(G, 4, 4 * P);
        assertEquals(-EFAULT, mremap(b, G, 8 * P, 5 * P, FIXED, 2 * G));
        assertEquals(2 * G, mremap(b, G, 8 * P, 2 * P, FIXED, 2 * G));
        assertEquals(4, b.peek(2 * G + P));
        // the shrink unmapped [G+2P, G+8P) first (mremap_to -> shrink_vma), the following VMA included
        assertFalse(b.mapped(G + 6 * P));
    }

    @Test void growAndMoveOrDontunmapOverAHoleIsEfault() {
        // remap_is_valid: "We can't remap across vm area boundaries": old_len > vm_end - addr -> EFAULT
        SimBackend b = sim();
        map(b, G, 4 * P);
        map(b, G + 6 * P, 2 * P);
        assertEquals(-EFAULT, mremap(b, G, 8 * P, 10 * P, FIXED, 2 * G));
        assertEquals(-EFAULT, mremap(b, G, 8 * P, 10 * P, MOVE, 0));
        assertEquals(-EFAULT, mremap(b, G, 8 * P, 8 * P, MOVE | MREMAP_DONTUNMAP, 2 * G));
        assertEquals(2, b.vmas(G, 8 * P));
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void swapEntriesMoveOneByOneSoftDirtyAndWithoutAFlush(String arch) {
        // move_ptes: a non-present entry is cleared and set at the destination alone (nr 1), made swap-soft-dirty
        // where soft-dirty exists (move_soft_dirty_pte), and does not set force_flush. Swap-out itself belongs to
        // the swap work; the entry is planted here, with the checker off (it does not accept swap entries yet).
        SimBackend b = new SimBackend(Arch.byName(arch), FeatureSet.patched(), false);
        map(b, G, 4 * P);
        b.memset(G, 9, P);
        Arch a = b.kernel().env().arch;
        long swp = a.swpEntryPte(0, 77);
        long[] t = b.mm().pageTables().pteTable(G + 2 * P, false);
        b.kernel().env().pte.setSwapPte(t, PageTables.pteIndex(G + 2 * P), G + 2 * P, swp);
        long flushes = b.kernel().env().counters.get(Event.TLB_FLUSH_RANGE);
        assertEquals(2 * G, mremap(b, G, 4 * P, 4 * P, FIXED, 2 * G));
        long moved = pte(b, 2 * G + 2 * P);
        assertEquals(77, a.swpOffset(moved));
        assertEquals(a.hasSoftDirty(), a.swpSoftDirty(moved));
        assertEquals(0, pte(b, G + 2 * P));
        assertEquals(9, b.peek(2 * G));
        // one flush for the present entry's table and one for the source munmap, none extra for the swap entry
        long moveFlushes = b.kernel().env().counters.get(Event.TLB_FLUSH_RANGE) - flushes;
        SimBackend c = new SimBackend(Arch.byName(arch), FeatureSet.patched(), false);
        map(c, G, 4 * P);
        c.memset(G, 9, P);
        long f0 = c.kernel().env().counters.get(Event.TLB_FLUSH_RANGE);
        assertEquals(2 * G, mremap(c, G, 4 * P, 4 * P, FIXED, 2 * G));
        assertEquals(c.kernel().env().counters.get(Event.TLB_FLUSH_RANGE) - f0, moveFlushes);
    }

    @Test void copyVmaGivesAnonVmaLessVmaTheNewAddressAsPgoff() {
        SimBackend b = sim();
        map(b, G, 4 * P);
        assertEquals(2 * G, mremap(b, G, 4 * P, 4 * P, FIXED, 2 * G));
        assertEquals(2 * G >>> 12, vma(b, 2 * G).pgoff());
        // so a new mapping right after it merges
        map(b, 2 * G + 4 * P, 4 * P);
        assertEquals(1, b.vmas(2 * G, 8 * P));
    }

    @Test void movedVmaWithAnonVmaKeepsItsPgoffAndDoesNotMergeWithNewNeighbours() {
        SimBackend b = sim();
        map(b, G, 4 * P);
        b.memset(G, 1, 4 * P);
        assertEquals(2 * G, mremap(b, G, 4 * P, 4 * P, FIXED, 2 * G));
        assertEquals(G >>> 12, vma(b, 2 * G).pgoff());
        map(b, 2 * G + 4 * P, 4 * P);
        assertEquals(2, b.vmas(2 * G, 8 * P));
    }

    @Test void movingBackNextToTheRestMergesAgain() {
        SimBackend b = sim();
        map(b, G, 8 * P);
        b.memset(G, 1, 8 * P);
        assertEquals(2 * G, mremap(b, G + 4 * P, 4 * P, 4 * P, FIXED, 2 * G));
        assertEquals(2, b.mm().mapCount());
        // moved back to where its pgoff fits: copy_vma merges it into the first part
        assertEquals(G + 4 * P, mremap(b, 2 * G, 4 * P, 4 * P, FIXED, G + 4 * P));
        assertEquals(1, b.mm().mapCount());
    }

    @Test void moveWithinTheSameVmaSplitsIt() {
        SimBackend b = sim();
        map(b, G, 10 * P);
        b.pattern(G, 10 * P, 3);
        long first = b.checksum(G, P);
        assertEquals(G + 5 * P, mremap(b, G, P, P, FIXED, G + 5 * P));
        assertFalse(b.mapped(G));
        assertEquals(first, b.checksum(G + 5 * P, P));
        assertEquals(3, b.mm().mapCount());
    }

    @Test void zeroPageEntriesMoveAsZeroPage() {
        SimBackend b = sim();
        map(b, G, 4 * P);
        assertEquals(0, b.peek(G + P));
        assertEquals(2 * G, mremap(b, G, 4 * P, 4 * P, FIXED, 2 * G));
        assertTrue(b.present(2 * G + P));
        assertFalse(b.present(2 * G));
        assertTrue(Arch.ARM64.pteSpecial(pte(b, 2 * G + P)));
    }

    @Test void moveSoftDirtyPteMarksMovedEntriesOnX86() {
        SimBackend b = sim("x86_64");
        b.kernel().env().setFeatures(FeatureSet.baseline());
        map(b, G, 4 * P);
        assertEquals(0, b.peek(G));
        assertFalse(Arch.X86_64.pteSoftDirty(pte(b, G)));
        assertEquals(2 * G, mremap(b, G, 4 * P, 4 * P, FIXED, 2 * G));
        assertTrue(Arch.X86_64.pteSoftDirty(pte(b, 2 * G)));
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void writeBitOfEachEntryIsKeptByBatchedMove(String arch) {
        SimBackend b = sim(arch);
        b.set("mthp 64K", "always");
        map(b, G, 64 * 1024);
        b.memset(G, 1, 64 * 1024);
        // write-protect the middle of the folio directly (as a COW-shared part would be)
        long[] t = b.mm().pageTables().pteTable(G, false);
        b.kernel().env().pte.wrprotectPtes(t, 4, G + 4 * P, 4);
        b.checkNow();
        assertEquals(2 * G, mremap(b, G, 64 * 1024, 64 * 1024, FIXED, 2 * G));
        Arch a = b.kernel().arch();
        for (int i = 0; i < 16; i++) {
            assertEquals(i < 4 || i >= 8, a.pteWrite(pte(b, 2 * G + i * P)), "entry " + i);
        }
    }

    @Test void movedLargeFoliosStayLargeAndContpteFollowsAlignment() {
        SimBackend b = sim("arm64");
        b.set("mthp 64K", "always");
        map(b, G, M);
        b.memset(G, 0xAA, M);
        Arch a = Arch.ARM64;
        assertTrue(a.pteCont(pte(b, G)));
        long pfn = a.ptePfn(pte(b, G));
        assertEquals(G + M, mremap(b, G, M, M, FIXED, G + M));
        assertTrue(a.pteCont(pte(b, G + M)));
        assertEquals(pfn, a.ptePfn(pte(b, G + M)));
        assertEquals(4, b.kernel().env().phys.folioOrder(pfn));
        // offset by 4K: VA and PA blocks no longer align, so no contpte at the destination
        assertEquals(2 * G + P, mremap(b, G + M, M, M, FIXED, 2 * G + P));
        for (long x = 2 * G + P; x < 2 * G + P + M; x += P) assertFalse(a.pteCont(pte(b, x)));
        assertEquals(4, b.kernel().env().phys.folioOrder(a.ptePfn(pte(b, 2 * G + P))));
        assertEquals(0xAA, b.peek(2 * G + P + 12345));
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void pmdMappedThpMovesAsOneEntry(String arch) {
        SimBackend b = sim(arch);
        b.set("thp", "always");
        map(b, G, 2 * M);
        b.memset(G, 4, 2 * M);
        Arch a = b.kernel().arch();
        assertTrue(a.entryIsLeaf(b.mm().pageTables().pmdEntry(G)));
        long before = b.kernel().env().counters.get(Event.PMD_MOVE);
        assertEquals(2 * G, mremap(b, G, 2 * M, 2 * M, FIXED, 2 * G));
        assertEquals(before + 1, b.kernel().env().counters.get(Event.PMD_MOVE));
        assertTrue(a.entryIsLeaf(b.mm().pageTables().pmdEntry(2 * G)));
        assertEquals(4, b.peek(2 * G + M));
    }

    @Test void pmdMappedThpToUnalignedDestinationIsSplitAndStaysLarge() {
        SimBackend b = sim();
        b.set("thp", "always");
        map(b, G, 2 * M);
        b.memset(G, 4, 2 * M);
        assertEquals(2 * G + P, mremap(b, G, 2 * M, 2 * M, FIXED, 2 * G + P));
        Arch a = Arch.ARM64;
        assertFalse(a.entryIsLeaf(b.mm().pageTables().pmdEntry(2 * G)));
        assertEquals(9, b.kernel().env().phys.folioOrder(a.ptePfn(pte(b, 2 * G + P))));
        assertEquals(4, b.peek(2 * G + M));
        assertEquals(512, b.mm().anonRss());
    }

    @Test void tryRealignAddrMovesTheFirstPartialPmdWhole() {
        SimBackend b = sim();
        long src = G + M;           // 1 MiB into a PMD, nothing mapped below it in that PMD
        long dst = 2 * G + M;       // same offset
        map(b, src, 3 * M);
        b.memset(src, 1, 3 * M);
        var c = b.kernel().env().counters;
        long pmd0 = c.get(Event.PMD_MOVE);
        long pte0 = c.get(Event.PTE_MOVE);
        assertEquals(dst, mremap(b, src, 3 * M, 3 * M, FIXED, dst));
        // [G, G+2M) moves as one table (realigned), [G+2M, G+4M) is PMD-aligned too
        assertEquals(2, c.get(Event.PMD_MOVE) - pmd0);
        assertEquals(0, c.get(Event.PTE_MOVE) - pte0);
        assertEquals(1, b.peek(dst + 3 * M - 1));
    }

    @Test void noRealignWhenSomethingIsMappedBelowInThatPmd() {
        SimBackend b = sim();
        map(b, G, P);
        map(b, G + M, 3 * M);
        b.memset(G + M, 1, 3 * M);
        var c = b.kernel().env().counters;
        long pte0 = c.get(Event.PTE_MOVE);
        assertEquals(2 * G + M, mremap(b, G + M, 3 * M, 3 * M, FIXED, 2 * G + M));
        // the first, partial PMD goes PTE by PTE; [G+2M, G+4M) is aligned and moves as one table
        assertEquals(256, c.get(Event.PTE_MOVE) - pte0);
    }

    @Test void sourcePageTablesAreFreedByTheUnmap() {
        for (FeatureSet fs : List.of(FeatureSet.baseline(), FeatureSet.patched())) {
            SimBackend b = new SimBackend(Arch.ARM64, fs, true);
            int empty = b.kernel().env().tables.liveCount();
            map(b, G, 4 * M);
            b.memset(G, 1, 4 * M);
            assertEquals(2 * G, mremap(b, G, 4 * M, 4 * M, FIXED, 2 * G));
            assertEquals(0, b.munmap(2 * G, 4 * M));
            assertEquals(empty, b.kernel().env().tables.liveCount(), fs.spec());
            assertEquals(0, b.kernel().env().phys.allocatedFrames());
        }
    }

    @Test void mlockedGrowthPopulatesTheNewTail() {
        SimBackend b = sim();
        assertEquals(G, b.mmap(G, 2 * P, RW, PA | MAP_FIXED | MAP_LOCKED, -1, 0));
        assertEquals(G, mremap(b, G, 2 * P, 4 * P, 0, 0));
        assertTrue(b.present(G + 3 * P));
    }

    @Test void expandWithMaymoveOfPmdMultipleGetsPmdAlignedAddress() {
        SimBackend b = sim();
        map(b, G, 2 * M);
        mapRo(b, G + 2 * M, P);
        long q = mremap(b, G, 2 * M, 4 * M, MOVE, 0);
        assertNotEquals(G, q);
        assertEquals(0, q & (2 * M - 1));
    }

    @Test void destinationMergingIntoSourceVmaIsHandled() {
        SimBackend b = sim();
        map(b, G, 2 * P);
        // never written: no anon_vma, so the destination (right after the VMA) merges into the source VMA
        assertEquals(0, b.peek(G));
        assertEquals(G + 2 * P, mremap(b, G, P, P, FIXED, G + 2 * P));
        assertEquals(1, b.mm().mapCount());
        assertEquals(G + P, vma(b, G + P).start());
        assertEquals(G + 3 * P, vma(b, G + P).end());
        assertTrue(b.present(G + 2 * P));
    }
}
