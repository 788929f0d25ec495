package org.mmsim.arch;

/**
 * arm64 with the 4 KiB granule and 48-bit VA (arch/arm64/include/asm/pgtable-hwdef.h, pgtable-prot.h, pgtable.h).
 *
 * <pre>
 * bits 1:0 11 page/table, 01 block (huge PMD)    bit 51 DBM = PTE_WRITE      bit 55 PTE_DIRTY (software)
 * bit  6 AP[1] user    bit 7 AP[2] read-only       bit 52 PTE_CONT             bit 56 PTE_SPECIAL
 * bits 9:8 shareable   bit 10 AF accessed          bit 53 PXN  bit 54 UXN      bit 58 PTE_UFFD_WP
 * bit 11 nG; when bit 0 is clear it is PTE_PRESENT_INVALID (PROT_NONE / NUMA hint)
 * bits 12..47 pfn
 * swap PTE: bit 2 exclusive, bit 3 uffd-wp, bits 6..10 type, bits 12..61 offset
 * </pre>
 * Dirty is hardware dirty (DBM set and AP[2] clear) or PTE_DIRTY. arm64 has no soft-dirty tracking.
 * Contpte blocks are 16 entries (64 KiB) and are managed by {@code org.mmsim.pgtable.Contpte}.
 */
public final class Arm64 extends Arch {
    static final long VALID = 1L;
    static final long TYPE_PAGE = 3L;
    static final long USER = 1L << 6;
    static final long RDONLY = 1L << 7;
    static final long SHARED = 3L << 8;
    static final long AF = 1L << 10;
    static final long NG = 1L << 11;
    static final long PRESENT_INVALID = NG;
    static final long WRITE = 1L << 51;
    static final long CONT = 1L << 52;
    static final long PXN = 1L << 53;
    static final long UXN = 1L << 54;
    static final long DIRTY = 1L << 55;
    static final long SPECIAL = 1L << 56;
    static final long UFFD_WP = 1L << 58;
    static final long PFN_MASK = ((1L << 48) - 1) & ~((1L << 12) - 1);
    static final long SWBITS = (1L << 63) | (0xFL << 55);
    static final long MODIFY_MASK = USER | PXN | UXN | RDONLY | PRESENT_INVALID | VALID | WRITE | (7L << 2);
    static final long PAGE_DEFAULT = TYPE_PAGE | AF | SHARED;
    static final long SWP_EXCLUSIVE = 1L << 2;
    static final long SWP_UFFD_WP = 1L << 3;
    static final int SWP_TYPE_SHIFT = 6;
    static final int SWP_OFFSET_SHIFT = 12;
    static final long SWP_OFFSET_MASK = (1L << 50) - 1;

    public static final int CONT_PTES = 16;

    Arm64() {}

    @Override public String name() { return "arm64"; }

    @Override public long taskSize() { return 1L << 48; }

    @Override public int contPtes() { return CONT_PTES; }

    @Override public boolean hasSoftDirty() { return false; }

    @Override public boolean defersReclaimFlush() { return true; }

    @Override public boolean ptePresent(long pte) { return (pte & VALID) != 0 || (pte & PRESENT_INVALID) != 0; }

    @Override public boolean pteValid(long pte) { return (pte & VALID) != 0; }

    @Override public long ptePfn(long pte) { return (pte & PFN_MASK) >>> PAGE_SHIFT; }

    @Override public long pteWithPfn(long pte, long pfn) { return (pte & ~PFN_MASK) | (pfn << PAGE_SHIFT); }

    @Override public boolean pteWrite(long pte) { return (pte & WRITE) != 0; }

    private static boolean hwDirty(long pte) { return (pte & WRITE) != 0 && (pte & RDONLY) == 0; }

    @Override public boolean pteDirty(long pte) { return (pte & DIRTY) != 0 || hwDirty(pte); }

    @Override public boolean pteYoung(long pte) { return (pte & AF) != 0; }

    @Override public boolean pteSoftDirty(long pte) { return false; }

    @Override public boolean pteSpecial(long pte) { return (pte & SPECIAL) != 0; }

    @Override public boolean pteUffdWp(long pte) { return (pte & UFFD_WP) != 0; }

    @Override public boolean pteCont(long pte) { return (pte & CONT) != 0; }

    @Override public boolean pteExec(long pte) { return (pte & UXN) == 0; }

    @Override public boolean pteUser(long pte) { return (pte & USER) != 0; }

    /** protection_map: PAGE_NONE, PAGE_READONLY(_EXEC) (also for private write), PAGE_SHARED(_EXEC). */
    static long protBits(int prot, boolean shared) {
        if ((prot & 7) == 0) return (PAGE_DEFAULT & ~VALID) | PRESENT_INVALID | RDONLY | PXN | UXN;
        long v = PAGE_DEFAULT | USER | RDONLY | NG | PXN;
        if ((prot & 4) == 0) v |= UXN;
        if (shared && (prot & 2) != 0) v |= WRITE;
        return v;
    }

    @Override public long mkPte(long pfn, int prot, boolean shared) { return (pfn << PAGE_SHIFT) | protBits(prot, shared); }

    @Override public long pteMkwrite(long pte) {
        pte |= WRITE;
        if ((pte & DIRTY) != 0) pte &= ~RDONLY;
        return pte;
    }

    @Override public long pteWrprotect(long pte) {
        if (hwDirty(pte)) pte |= DIRTY;
        return (pte & ~WRITE) | RDONLY;
    }

    @Override public long pteMkdirty(long pte) {
        pte |= DIRTY;
        if ((pte & WRITE) != 0) pte &= ~RDONLY;
        return pte;
    }

    @Override public long pteMkclean(long pte) { return (pte & ~DIRTY) | RDONLY; }

    /** DBM: the MMU clears AP[2] (read-only) of a writable entry on the first write. */
    @Override public long pteHwMkdirty(long pte) { return (pte & WRITE) != 0 ? pte & ~RDONLY : pte; }

    @Override public long pteMkyoung(long pte) { return pte | AF; }

    @Override public long pteMkold(long pte) { return pte & ~AF; }

    @Override public long pteMksoftDirty(long pte) { return pte; }

    @Override public long pteClearSoftDirty(long pte) { return pte; }

    @Override public long pteMkspecial(long pte) { return pte | SPECIAL; }

    @Override public long pteMkcont(long pte) { return pte | CONT; }

    @Override public long pteMknoncont(long pte) { return pte & ~CONT; }

    @Override public long pteModify(long pte, int prot, boolean shared) {
        if (hwDirty(pte)) pte |= DIRTY;
        pte = (pte & ~MODIFY_MASK) | (protBits(prot, shared) & MODIFY_MASK);
        if ((pte & DIRTY) != 0) pte = pteMkdirty(pte);
        return pte;
    }

    @Override public long swpEntryPte(int type, long offset) {
        return ((long) type << SWP_TYPE_SHIFT) | ((offset & SWP_OFFSET_MASK) << SWP_OFFSET_SHIFT);
    }

    @Override public int swpType(long pte) { return (int) ((pte >>> SWP_TYPE_SHIFT) & 31); }

    @Override public long swpOffset(long pte) { return (pte >>> SWP_OFFSET_SHIFT) & SWP_OFFSET_MASK; }

    @Override public boolean swpExclusive(long pte) { return (pte & SWP_EXCLUSIVE) != 0; }

    @Override public long swpMkExclusive(long pte) { return pte | SWP_EXCLUSIVE; }

    @Override public boolean swpSoftDirty(long pte) { return false; }

    @Override public long swpMksoftDirty(long pte) { return pte; }

    @Override public long mkTableEntry(long tableId) { return (tableId << PAGE_SHIFT) | 3L; }

    @Override public boolean entryIsTable(long entry) { return (entry & 3L) == 3L; }

    @Override public long entryTableId(long entry) { return (entry & PFN_MASK) >>> PAGE_SHIFT; }

    @Override public long pteToHugePmd(long pte) { return pte & ~2L; }

    @Override public long hugePmdToPte(long pmd) { return pmd | 2L; }

    /** __TLBI_RANGE_PAGES(31, 3): the most pages range invalidation covers before a full flush (MAX_TLBI_RANGE_PAGES). */
    static final long MAX_TLBI_RANGE_PAGES = 32L << 16;

    /**
     * __flush_tlb_range_op with FEAT_TLBIRANGE (mandatory from Armv8.4; the seeds' Apple M3 has it): an odd page
     * is invalidated alone, the rest by range instructions, one per scale (0..3) whose 5-bit count field is
     * non-zero. Above MAX_TLBI_RANGE_PAGES the whole mm is flushed.
     */
    @Override public long tlbiOps(long pages) {
        if (pages > MAX_TLBI_RANGE_PAGES) return -1;
        long ops = 0;
        int scale = 0;
        while (pages > 0) {
            if (pages % 2 == 1) {
                ops++;
                pages--;
                continue;
            }
            long num = ((pages >>> (5 * scale + 1)) & 31) - 1;
            if (num >= 0) {
                ops++;
                pages -= (num + 1) << (5 * scale + 1);
            }
            scale++;
        }
        return ops;
    }

    @Override public boolean pteNeedsFlush(long oldPte, long newPte) {
        if ((oldPte & VALID) == 0) return false;
        return ((oldPte ^ newPte) & ~SWBITS) != 0;
    }
}
