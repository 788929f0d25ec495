package org.mmsim.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** PTE bit layouts of x86-64 and arm64 as the kernel headers define them. */
class PteEncodingTest {
    static final int RW = 3;

    @Test
    void x86PrivateWritableMappingBitsAreTheKernels() {
        // PAGE_COPY_NOEXEC = P | US | A | NX; write and dirty come from pte_mkwrite / pte_mkdirty on a write fault
        long pte = Arch.X86_64.mkPte(0x1234, RW, false, 0);
        assertEquals((0x1234L << 12) | 1 | 4 | 0x20 | (1L << 63), pte);
        long w = Arch.X86_64.pteMkdirty(Arch.X86_64.pteMkwrite(pte));
        assertEquals(pte | 2 | 0x40 | 0x800, w, "x86 pte_mkdirty sets _PAGE_DIRTY and _PAGE_SOFT_DIRTY");
    }

    @Test
    void x86ProtNoneIsPresentButNotValid() {
        long pte = Arch.X86_64.mkPte(5, 0, false, 0);
        assertTrue(Arch.X86_64.ptePresent(pte));
        assertTrue(Arch.X86_64.pteProtnone(pte));
        assertEquals(0x100 | 0x20 | (5L << 12), pte, "PAGE_NONE = _PAGE_PROTNONE | _PAGE_ACCESSED");
    }

    @Test
    void arm64DirtyIsHardwareDirtyOrSoftwareDirty() {
        Arm64 a = Arch.ARM64;
        long pte = a.pteMkwrite(a.mkPte(7, RW, false, 0));
        assertTrue(a.pteWrite(pte));
        assertFalse(a.pteDirty(pte), "writable but AP[2] still set: clean");
        long hw = a.pteHwMkdirty(pte);
        assertTrue(a.pteDirty(hw), "DBM: clearing AP[2] makes it dirty");
        long wp = a.pteWrprotect(hw);
        assertTrue(a.pteDirty(wp), "pte_wrprotect moves hardware dirty into PTE_DIRTY");
        assertFalse(a.pteWrite(wp));
        assertEquals(1L << 55, wp & (1L << 55));
    }

    @Test
    void x86PteModifyKeepsDirtyWithoutAddingSoftDirty() {
        // pte_modify keeps _PAGE_CHG_MASK (D and SOFT_DIRTY among them) as they are: only pte_mkdirty adds soft-dirty
        X86_64 x = Arch.X86_64;
        long dirty = x.pteMkwrite(x.mkPte(3, RW, true, 0)) | 0x40;
        long ro = x.pteModify(dirty, 1, true, 0);
        assertTrue(x.pteDirty(ro));
        assertFalse(x.pteWrite(ro));
        assertFalse(x.pteSoftDirty(ro), "no soft-dirty where there was none");
        assertEquals(x.ptePfn(dirty), x.ptePfn(ro));
    }

    @Test
    void arm64PteModifyKeepsHardwareDirtyAndAWritableDirtyEntryStaysWritableForTheMmu() {
        Arm64 a = Arch.ARM64;
        long hw = a.pteHwMkdirty(a.pteMkwrite(a.mkPte(7, RW, true, 0)));
        long ro = a.pteModify(hw, 1, true, 0);
        assertTrue(a.pteDirty(ro), "hardware dirty becomes PTE_DIRTY when write goes");
        assertFalse(a.pteWrite(ro));
        assertEquals(1L << 7, ro & (1L << 7), "read-only: AP[2] set");
        long rw = a.pteModify(ro, RW, true, 0);
        assertTrue(a.pteWrite(rw));
        assertEquals(0, rw & (1L << 7), "writable and dirty: AP[2] cleared again");
        assertEquals(1L << 7, a.pteMkwrite(a.pteMkclean(ro)) & (1L << 7), "writable but clean keeps AP[2]");
    }

    @Test
    void arm64ProtNoneUsesPresentInvalid() {
        long pte = Arch.ARM64.mkPte(9, 0, false, 0);
        assertTrue(Arch.ARM64.ptePresent(pte));
        assertFalse(Arch.ARM64.pteValid(pte));
        assertEquals(0, pte & 1, "PTE_VALID clear");
        assertEquals(1L << 11, pte & (1L << 11), "PTE_PRESENT_INVALID overlays nG");
    }

    @ParameterizedTest
    @ValueSource(strings = {"x86_64", "arm64"})
    void swapEntriesRoundTripAndAreNotPresent(String name) {
        Arch a = Arch.byName(name);
        for (long off : new long[] {1, 2, 4096, (1L << 40) + 17}) {
            long pte = a.swpEntryPte(3, off);
            assertFalse(a.ptePresent(pte));
            assertTrue(a.pteIsSwap(pte));
            assertEquals(3, a.swpType(pte));
            assertEquals(off, a.swpOffset(pte));
            long ex = a.swpMkExclusive(pte);
            assertTrue(a.swpExclusive(ex));
            assertEquals(off + 5, a.swpOffset(a.pteMoveSwpOffset(ex, 5)));
            assertTrue(a.swpExclusive(a.pteMoveSwpOffset(ex, 5)), "pte_move_swp_offset keeps the other swap bits");
        }
    }

    @Test
    void x86SwapOffsetIsStoredInverted() {
        // L1TF mitigation: the offset bits of a non-present PTE are inverted so they never point at real memory
        long pte = Arch.X86_64.swpEntryPte(0, 1);
        assertEquals(~1L << 14 >>> 5, pte);
    }

    @ParameterizedTest
    @ValueSource(strings = {"x86_64", "arm64"})
    void hugePmdAndTableEntriesAreDistinct(String name) {
        Arch a = Arch.byName(name);
        long table = a.mkTableEntry(42);
        assertTrue(a.entryIsTable(table));
        assertEquals(42, a.entryTableId(table));
        long pte = a.pteMkwrite(a.mkPte(512, RW, false, 0));
        long pmd = a.pteToHugePmd(pte);
        assertTrue(a.entryIsLeaf(pmd));
        assertEquals(pte, a.hugePmdToPte(pmd));
    }

    @Test
    void x86FlushRulesFollowPteFlagsNeedFlush() {
        X86_64 x = Arch.X86_64;
        long ro = x.mkPte(1, 1, false, 0);
        long rw = x.pteMkwrite(ro);
        assertTrue(x.pteNeedsFlush(rw, ro), "removing RW flushes");
        assertTrue(x.pteNeedsFlush(ro, rw), "adding RW flushes too on x86 (flush_on_change)");
        assertFalse(x.pteNeedsFlush(ro, x.pteMkold(ro)), "accessed is ignored");
        assertFalse(x.pteNeedsFlush(0, rw), "old entry not present: no flush");
        assertFalse(x.pteNeedsFlush(ro, x.pteMksoftDirty(ro)), "software bits never flush");
    }

    @Test
    void arm64RangeInvalidationsFollowTheScaleEncoding() {
        // __flush_tlb_range_op: odd page alone, then one TLBI RVAE1IS per scale with a non-zero count
        assertEquals(1, Arch.ARM64.tlbiOps(16));
        assertEquals(1, Arch.ARM64.tlbiOps(256));
        assertEquals(2, Arch.ARM64.tlbiOps(17));
        assertEquals(1, Arch.ARM64.tlbiOps(1));
        assertEquals(2, Arch.ARM64.tlbiOps(512 + 2));
        assertEquals(-1, Arch.ARM64.tlbiOps((32L << 16) + 1), "above MAX_TLBI_RANGE_PAGES: flush the whole mm");
    }

    @Test
    void tlbRangeFlushBecomesFullFlushAboveTheCeiling() {
        Counters c = new Counters();
        Arch.X86_64.flushTlbRange(c, 0, 33 * 4096);
        assertEquals(33, c.get(Event.TLBI));
        Arch.X86_64.flushTlbRange(c, 0, 34 * 4096);
        assertEquals(1, c.get(Event.TLB_FLUSH_ALL));
        assertEquals(2, c.get(Event.TLB_FLUSH_RANGE));
    }
}
