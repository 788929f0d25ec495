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
import org.mmsim.pgtable.PageTables;
import org.mmsim.workload.Segfault;
import org.mmsim.workload.SimBackend;

/**
 * mprotect(2): every errno of KERNEL_FACTS §3.1 and the semantics of §3.2–§3.4, on both architectures. Each errno
 * test names its rule; the kernel functions are do_mprotect_pkey (argument and VMA-walk checks) and
 * mprotect_fixup (per-piece accounting and splitting) in mm/mprotect.c, with vma_modify_flags / __split_vma in
 * mm/vma.c for the map-count limit ({@link MapCountHeadroomTest} replays the live kernel's table).
 *
 * <p>Rules the model has no state for, so no test can exercise them: PROT_GROWSUP on a VM_GROWSUP VMA (no such
 * VMA on x86-64 or arm64: the flag is VM_NONE there, so GROWSUP is always EINVAL, tested); a pkey that is not
 * allocated (EINVAL; pkey_mprotect is not part of the model); an interrupted mmap_write_lock_killable (EINTR);
 * mseal()ed VMAs (EPERM); the memory-deny-write-execute prctl (EACCES); arch_validate_flags for arm64 MTE and
 * BTI (EINVAL; the modelled CPUs have neither, so PROT_BTI/PROT_MTE are unknown bits, tested); LSM hooks and
 * vm_ops->mprotect; PFN-mapping permission vetoes (EACCES). VM_MAYWRITE-less VMAs (EACCES) come only from
 * read-only file mappings, which the model does not have: that test clears the flag directly.
 */
class MprotectTest {
    static final long A = 1L << 30;
    static final long P = 4096;
    static final int RW = PROT_READ | PROT_WRITE;
    static final int PRIV = MAP_PRIVATE | MAP_ANONYMOUS;

    static SimBackend sim(String arch) { return new SimBackend(Arch.byName(arch), FeatureSet.patched(), true); }

    static int err(SimBackend b, int r) { return r == 0 ? 0 : -b.errno(); }

    static long pte(SimBackend b, long addr) {
        long[] t = b.mm().pageTables().pteTable(addr, false);
        return t == null ? 0 : t[PageTables.pteIndex(addr)];
    }

    // ---- §3.1 errno rules ----

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void einvalWhenBothGrowsdownAndGrowsup(String arch) {
        SimBackend b = sim(arch);
        b.mmap(A, 4 * P, RW, PRIV, -1, 0);
        assertEquals(-Errno.EINVAL, err(b, b.mprotect(A, P, PROT_READ | PROT_GROWSDOWN | PROT_GROWSUP)));
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void einvalWhenStartNotPageAligned(String arch) {
        SimBackend b = sim(arch);
        b.mmap(A, 4 * P, RW, PRIV, -1, 0);
        assertEquals(-Errno.EINVAL, err(b, b.mprotect(A + 1, P, PROT_READ)));
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void zeroLengthIsANoOpEvenOverAHole(String arch) {
        SimBackend b = sim(arch);
        assertEquals(0, b.mprotect(A, 0, PROT_READ));
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void enomemWhenStartPlusLengthOverflows(String arch) {
        SimBackend b = sim(arch);
        b.mmap(A, 4 * P, RW, PRIV, -1, 0);
        assertEquals(-Errno.ENOMEM, err(b, b.mprotect(A, -P, PROT_READ)));
        assertEquals(-Errno.ENOMEM, err(b, b.mprotect(A, -1L, PROT_READ)), "PAGE_ALIGN(len) wraps to 0: end <= start");
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void einvalWhenArchValidateProtRejectsUnknownBits(String arch) {
        SimBackend b = sim(arch);
        b.mmap(A, 4 * P, RW, PRIV, -1, 0);
        // do_mprotect_pkey -> arch_validate_prot: the bits the live kernel refused (0x10 = PROT_BTI and 0x20 =
        // PROT_MTE on arm64 CPUs without BTI/MTE)
        for (int bit : new int[] {0x10, 0x20, 0x40, 0x100, 0x80000000}) {
            assertEquals(-Errno.EINVAL, err(b, b.mprotect(A, P, PROT_READ | bit)), Integer.toHexString(bit));
        }
        assertEquals(0, b.mprotect(A, P, PROT_READ | PROT_SEM), "PROT_SEM is accepted");
        assertEquals(0, b.mprotect(A, 0, 0x10), "len 0 returns before the prot check");
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void enomemWhenNoVmaOverlapsOrHoleAtStart(String arch) {
        SimBackend b = sim(arch);
        assertEquals(-Errno.ENOMEM, err(b, b.mprotect(A, P, PROT_READ)), "no VMA at all");
        b.mmap(A + 2 * P, 2 * P, RW, PRIV | MAP_FIXED, -1, 0);
        assertEquals(-Errno.ENOMEM, err(b, b.mprotect(A, 4 * P, PROT_READ)), "first VMA starts above start");
        assertEquals(RW, b.prot(A + 2 * P), "nothing changed");
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void enomemForHoleInsideRangeLeavesEarlierVmasChanged(String arch) {
        SimBackend b = sim(arch);
        b.mmap(A, 2 * P, RW, PRIV | MAP_FIXED, -1, 0);
        b.mmap(A + 3 * P, 2 * P, RW, PRIV | MAP_FIXED, -1, 0);
        assertEquals(-Errno.ENOMEM, err(b, b.mprotect(A, 5 * P, PROT_READ)));
        assertEquals(PROT_READ, b.prot(A), "the VMA before the hole was changed");
        assertEquals(RW, b.prot(A + 3 * P), "the loop stopped at the hole");
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void enomemForTrailingHoleAfterProcessingWhatExists(String arch) {
        SimBackend b = sim(arch);
        b.mmap(A, 2 * P, RW, PRIV | MAP_FIXED, -1, 0);
        assertEquals(-Errno.ENOMEM, err(b, b.mprotect(A, 4 * P, PROT_READ)));
        assertEquals(PROT_READ, b.prot(A));
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void growsdownOnVmaWithoutVmGrowsdownIsEinval(String arch) {
        SimBackend b = sim(arch);
        b.mmap(A, 4 * P, RW, PRIV | MAP_FIXED, -1, 0);
        assertEquals(-Errno.EINVAL, err(b, b.mprotect(A + P, P, PROT_READ | PROT_GROWSDOWN)));
        assertEquals(-Errno.ENOMEM, err(b, b.mprotect(A - 2 * P, P, PROT_READ | PROT_GROWSDOWN)),
                "GROWSDOWN: first VMA at or after end");
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void growsdownExtendsStartToTheVmaStart(String arch) {
        SimBackend b = sim(arch);
        b.mmap(A, 4 * P, RW, PRIV | MAP_FIXED | MAP_GROWSDOWN, -1, 0);
        assertEquals(0, b.mprotect(A + 2 * P, P, PROT_READ | PROT_GROWSDOWN));
        assertEquals(PROT_READ, b.prot(A), "start became vma->vm_start");
        assertEquals(RW, b.prot(A + 3 * P));
        assertEquals(2, b.vmas(A, 4 * P));
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void growsupIsEinvalBecauseNoVmaHasVmGrowsup(String arch) {
        SimBackend b = sim(arch);
        b.mmap(A, 4 * P, RW, PRIV | MAP_FIXED, -1, 0);
        assertEquals(-Errno.EINVAL, err(b, b.mprotect(A, P, PROT_READ | PROT_GROWSUP)));
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void eaccesWhenAccessExceedsVmMay(String arch) {
        SimBackend b = sim(arch);
        b.mmap(A, 4 * P, PROT_READ, PRIV | MAP_FIXED, -1, 0);
        b.mm().vmaLookup(A).flags &= ~VmFlags.VM_MAYWRITE; // as a read-only file mapping would be
        assertEquals(-Errno.EACCES, err(b, b.mprotect(A, P, RW)));
        assertEquals(0, b.mprotect(A, P, PROT_NONE));
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void enomemWhenSplitExceedsMaxMapCount(String arch) {
        SimBackend b = sim(arch);
        b.mmap(A, 4 * P, RW, PRIV | MAP_FIXED, -1, 0);
        b.set("max_map_count", "1");
        assertEquals(-Errno.ENOMEM, err(b, b.mprotect(A + P, P, PROT_READ)));
        assertEquals(RW, b.prot(A + P));
    }

    // ---- §3.2 split and merge ----

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void partialMprotectSplitsAndRestoringMerges(String arch) {
        SimBackend b = sim(arch);
        b.mmap(A, 8 * P, RW, PRIV | MAP_FIXED, -1, 0);
        b.memset(A, 7, 8 * P);
        assertEquals(0, b.mprotect(A + 2 * P, 2 * P, PROT_READ));
        assertEquals(3, b.vmas(A, 8 * P));
        assertEquals(0, b.mprotect(A + 2 * P, 2 * P, RW));
        assertEquals(1, b.vmas(A, 8 * P));
        b.poke(A + 2 * P, 1);
        assertEquals(1, b.peek(A + 2 * P));
    }

    // ---- §3.3 PTE changes ----

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void readOnlyMprotectMakesWritesFaultWithSigsegv(String arch) {
        SimBackend b = sim(arch);
        b.mmap(A, 4 * P, RW, PRIV | MAP_FIXED, -1, 0);
        b.memset(A, 3, 4 * P);
        assertEquals(0, b.mprotect(A, 4 * P, PROT_READ));
        assertEquals(3, b.peek(A + P));
        assertThrows(Segfault.class, () -> b.poke(A + P, 1));
        assertEquals(0, b.mprotect(A, 4 * P, PROT_NONE));
        assertThrows(Segfault.class, () -> b.peek(A));
        assertTrue(b.present(A), "PROT_NONE keeps the page (protnone PTE)");
    }

    /** can_change_pte_writable: exclusive anonymous pages become writable again without a write fault. */
    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void exclusiveAnonPagesBecomeWritableWithoutFault(String arch) {
        SimBackend b = sim(arch);
        Arch ar = b.kernel().arch();
        b.mmap(A, 4 * P, RW, PRIV | MAP_FIXED, -1, 0);
        b.memset(A, 1, 4 * P);
        b.mprotect(A, 4 * P, PROT_READ);
        assertFalse(ar.pteWrite(pte(b, A)));
        b.mprotect(A, 4 * P, RW);
        assertTrue(ar.pteWrite(pte(b, A)));
        long faults = b.kernel().env().counters.get(Event.FAULT_WP_REUSE);
        b.memset(A, 2, 4 * P);
        assertEquals(faults, b.kernel().env().counters.get(Event.FAULT_WP_REUSE), "no write fault");
    }

    /** can_change_pte_writable: the zero page (COW) and non-exclusive anonymous pages stay read-only. */
    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void cowAndSharedPagesStayReadOnly(String arch) {
        SimBackend b = sim(arch);
        Arch ar = b.kernel().arch();
        b.mmap(A, 4 * P, RW, PRIV | MAP_FIXED, -1, 0);
        b.peek(A);                 // zero page
        b.poke(A + P, 1);          // exclusive anon page
        b.mprotect(A, 4 * P, PROT_READ);
        long pfn = ar.ptePfn(pte(b, A + P));
        b.kernel().env().phys.setPageAnonExclusive(pfn, false); // as after a fork child exited
        b.mprotect(A, 4 * P, RW);
        assertFalse(ar.pteWrite(pte(b, A)), "zero page stays read-only");
        assertFalse(ar.pteWrite(pte(b, A + P)), "non-exclusive anon page stays read-only");
        b.poke(A, 9);
        b.poke(A + P, 9);
        assertEquals(1, b.kernel().env().counters.get(Event.FAULT_WP_COPY), "zero page copied on write");
        assertEquals(1, b.kernel().env().counters.get(Event.FAULT_WP_REUSE), "sole mapper reuses");
    }

    /**
     * commit_anon_folio_batch over a 64K folio whose page 5 is not exclusive: three commits (pages 0-4, 5, 6-15), the
     * middle one a single-entry set_ptes that reads its entry first and must find it none (the start wrote none
     * entries: PteOps.startFolioPtes leaves them out and clearStarted writes them for such a commit); on arm64 the
     * block is not unfolded again and its entries end up non-cont.
     */
    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void aFolioWithOneSharedPageIsCommittedInThreeRuns(String arch) {
        SimBackend b = sim(arch);
        b.set("mthp 64K", "always");
        Arch ar = b.kernel().arch();
        b.mmap(A, 16 * P, RW, PRIV | MAP_FIXED, -1, 0);
        b.memset(A, 1, 16 * P);
        assertEquals(ar == Arch.ARM64, ar.pteCont(pte(b, A)), "one contpte block on arm64");
        b.mprotect(A, 16 * P, PROT_READ);
        long pfn0 = ar.ptePfn(pte(b, A));
        b.kernel().env().phys.setPageAnonExclusive(pfn0 + 5, false);
        long[] c0 = b.counters();
        b.mprotect(A, 16 * P, RW);
        long[] c1 = b.counters();
        for (int k = 0; k < 16; k++) {
            long e = pte(b, A + k * P);
            assertEquals(pfn0 + k, ar.ptePfn(e), "page " + k);
            assertEquals(k != 5, ar.pteWrite(e), "page " + k);
            assertFalse(ar.pteCont(e), "page " + k);
        }
        assertEquals(0, c1[Event.CONTPTE_UNFOLD.ordinal()] - c0[Event.CONTPTE_UNFOLD.ordinal()], "no unfold");
        assertEquals(16, c1[Event.PTE_WRITE.ordinal()] - c0[Event.PTE_WRITE.ordinal()]);
        b.checkNow();
    }

    /** MM_CP_TRY_CHANGE_WRITABLE only when the VMA becomes VM_WRITE: PROT_EXEC changes keep PTEs read-only. */
    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void noWriteUpgradeWhenVmaNotWritable(String arch) {
        SimBackend b = sim(arch);
        Arch ar = b.kernel().arch();
        b.mmap(A, 4 * P, RW, PRIV | MAP_FIXED, -1, 0);
        b.memset(A, 1, 4 * P);
        b.mprotect(A, 4 * P, PROT_READ);
        b.mprotect(A, 4 * P, PROT_READ | PROT_EXEC);
        assertFalse(ar.pteWrite(pte(b, A)));
        assertTrue(ar.pteExec(pte(b, A)));
    }

    /** Huge PMD fully covered: change_huge_pmd keeps the PMD mapping. */
    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void fullyCoveredHugePmdIsChangedWhole(String arch) {
        SimBackend b = sim(arch);
        b.set("thp", "always");
        b.mmap(A, 2 << 20, RW, PRIV | MAP_FIXED, -1, 0);
        b.memset(A, 5, 2 << 20);
        assertEquals(0, b.mprotect(A, 2 << 20, PROT_READ));
        assertEquals(1, Seed004.thpMappings(b.mm())[1]);
        assertThrows(Segfault.class, () -> b.poke(A, 1));
        assertEquals(0, b.mprotect(A, 2 << 20, RW));
        b.poke(A, 1);
        assertEquals(0, b.kernel().env().counters.get(Event.THP_SPLIT_PMD));
        assertEquals(0, b.kernel().env().counters.get(Event.FAULT_WP_REUSE), "can_change_pmd_writable: exclusive THP writable without a fault");
    }

    /**
     * Partial mprotect of a PMD THP splits the mapping (§7.6); the dirty read-only part is not writable after the
     * split (the mkdirty selftest): a write there still faults, and the data is intact.
     */
    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void partialMprotectSplitsThpAndDirtyStaysReadOnly(String arch) {
        SimBackend b = sim(arch);
        Arch ar = b.kernel().arch();
        b.set("thp", "always");
        b.mmap(A, 2 << 20, RW, PRIV | MAP_FIXED, -1, 0);
        b.pattern(A, 2 << 20, 7);
        long sum = b.checksum(A, 2 << 20);
        assertEquals(0, b.mprotect(A, 2 << 20, PROT_READ));      // whole PMD: read-only, still dirty
        assertEquals(0, b.madvise(A, P, MADV_DONTFORK));          // VMA split: PMD split
        assertEquals(0, b.madvise(A, P, MADV_DOFORK));
        long[] m = Seed004.thpMappings(b.mm());
        assertEquals(1, m[0]);
        assertEquals(0, m[1]);
        long e = pte(b, A + 5 * P);
        assertTrue(ar.pteDirty(e));
        assertFalse(ar.pteWrite(e), "dirty must not become writable");
        assertThrows(Segfault.class, () -> b.poke(A + 5 * P, 1));
        assertEquals(0, b.mprotect(A + P, P, RW));
        assertEquals(3, b.vmas(A, 2 << 20));
        assertThrows(Segfault.class, () -> b.poke(A + 5 * P, 1));
        b.poke(A + P, b.peek(A + P));
        assertEquals(sum, b.checksum(A, 2 << 20));
    }

    // ---- §3.4 TLB ----

    /** One gather for the whole call: a multi-VMA mprotect issues a single range flush. */
    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void oneTlbFlushPerCall(String arch) {
        SimBackend b = sim(arch);
        b.mmap(A, 8 * P, RW, PRIV | MAP_FIXED, -1, 0);
        b.memset(A, 1, 8 * P);
        b.mprotect(A + 2 * P, 2 * P, PROT_READ | PROT_EXEC);
        long before = b.kernel().env().counters.get(Event.TLB_FLUSH_RANGE);
        assertEquals(0, b.mprotect(A, 8 * P, PROT_READ));
        assertEquals(before + 1, b.kernel().env().counters.get(Event.TLB_FLUSH_RANGE));
    }

    /** pte_needs_flush: x86 flushes on RO->RW too; no flush at all when nothing was present. */
    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void noFlushWithoutPresentEntriesAndFlushOnUpgrade(String arch) {
        SimBackend b = sim(arch);
        b.mmap(A, 8 * P, RW, PRIV | MAP_FIXED, -1, 0);
        long before = b.kernel().env().counters.get(Event.TLB_FLUSH_RANGE);
        b.mprotect(A, 8 * P, PROT_READ);
        b.mprotect(A, 8 * P, RW);
        assertEquals(before, b.kernel().env().counters.get(Event.TLB_FLUSH_RANGE), "nothing mapped");
        b.memset(A, 1, 8 * P);
        b.mprotect(A, 8 * P, PROT_READ);
        long mid = b.kernel().env().counters.get(Event.TLB_FLUSH_RANGE);
        b.mprotect(A, 8 * P, RW);
        assertEquals(mid + 1, b.kernel().env().counters.get(Event.TLB_FLUSH_RANGE), "RO->RW changes hardware bits");
    }

    /** §3.2 step 6: a private VM_LOCKED VMA that becomes writable is populated (COW broken eagerly). */
    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void mlockedPrivateBecomingWritablePopulates(String arch) {
        SimBackend b = sim(arch);
        b.mmap(A, 4 * P, PROT_READ, PRIV | MAP_FIXED | MAP_LOCKED, -1, 0);
        assertTrue(b.present(A));
        assertEquals(0, b.mprotect(A, 4 * P, RW));
        assertTrue(b.kernel().arch().pteWrite(pte(b, A)), "populate_vma_page_range broke COW of the zero page");
    }

    // ---- mprotect_fixup accounting (KERNEL_FACTS §3.2 step 3; docs/kernel-oracle.md "VM_ACCOUNT") ----

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void vmAccountIsDroppedOnRwToReadOfAnUntouchedVmaWhichThenMergesWithAReadNeighbour(String arch) {
        // mprotect_fixup: removing VM_WRITE from an accounted anonymous VMA without an anon_vma clears VM_ACCOUNT,
        // so the piece now equals a fresh PROT_READ mapping and vma_modify_flags merges them (live kernel: "RW->READ
        // on an untouched VMA drops ac (and it then merges with a READ mmap neighbour)").
        SimBackend b = sim(arch);
        b.mmap(A, 4 * P, RW, PRIV | MAP_FIXED, -1, 0);
        b.mmap(A + 4 * P, 4 * P, PROT_READ, PRIV | MAP_FIXED, -1, 0);
        assertTrue((b.mm().vmaLookup(A).flags() & VmFlags.VM_ACCOUNT) != 0);
        assertEquals(2, b.vmas(A, 8 * P));
        assertEquals(0, b.mprotect(A, 4 * P, PROT_READ));
        assertEquals(1, b.vmas(A, 8 * P));
        assertEquals(0, b.mm().vmaLookup(A).flags() & VmFlags.VM_ACCOUNT);
        // made writable again it is charged again and gets VM_ACCOUNT back (a split off the merged VMA)
        assertEquals(0, b.mprotect(A, 4 * P, RW));
        assertTrue((b.mm().vmaLookup(A).flags() & VmFlags.VM_ACCOUNT) != 0);
        assertEquals(2, b.vmas(A, 8 * P));
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void vmAccountStaysOnAWrittenVmaSoItDoesNotMergeWithAFreshReadMapping(String arch) {
        // mprotect_fixup: the VMA has an anon_vma (it was written), so VM_ACCOUNT stays and the flags differ from
        // the READ neighbour's (live kernel: "on a written VMA ac stays (no merge with a fresh READ mapping)").
        SimBackend b = sim(arch);
        b.mmap(A, 4 * P, RW, PRIV | MAP_FIXED, -1, 0);
        b.memset(A, 1, P);
        b.mmap(A + 4 * P, 4 * P, PROT_READ, PRIV | MAP_FIXED, -1, 0);
        assertEquals(0, b.mprotect(A, 4 * P, PROT_READ));
        assertTrue((b.mm().vmaLookup(A).flags() & VmFlags.VM_ACCOUNT) != 0);
        assertEquals(2, b.vmas(A, 8 * P));
        assertEquals(1, b.peek(A));
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void enomemWhenTheWriteChargeIsRefused(String arch) {
        // mprotect_fixup: a private VMA becoming writable is charged its pages; security_vm_enough_memory_mm
        // (overcommit heuristic, vm.overcommit_memory = 0) refuses a charge above RAM + swap -> ENOMEM, VMA unchanged.
        SimBackend b = sim(arch);
        b.set("memory", "64M");
        assertEquals(A, b.mmap(A, 128L << 20, PROT_READ, PRIV | MAP_FIXED, -1, 0));
        assertEquals(-Errno.ENOMEM, err(b, b.mprotect(A, 128L << 20, RW)));
        assertEquals(PROT_READ, b.prot(A));
        assertEquals(0, b.mprotect(A, 32L << 20, RW), "a charge within RAM is granted");
    }

    @ParameterizedTest @ValueSource(strings = {"x86_64", "arm64"})
    void swapEntriesAreLeftAsTheyAre(String arch) {
        // change_pte_range -> change_softleaf_pte: a plain swap entry (no uffd-wp, not a migration entry) is not
        // changed and not counted. Planted directly, with the checker off: swap-out belongs to the swap work.
        SimBackend b = new SimBackend(Arch.byName(arch), FeatureSet.patched(), false);
        b.mmap(A, 4 * P, RW, PRIV | MAP_FIXED, -1, 0);
        b.memset(A, 1, P);
        Arch a = b.kernel().env().arch;
        long swp = a.swpEntryPte(0, 5);
        long[] t = b.mm().pageTables().pteTable(A, false);
        b.kernel().env().pte.setSwapPte(t, PageTables.pteIndex(A + P), A + P, swp);
        assertEquals(0, b.mprotect(A, 4 * P, PROT_READ));
        assertEquals(swp, pte(b, A + P));
        assertFalse(a.pteWrite(pte(b, A)));
    }
}
