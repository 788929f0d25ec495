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
    /** PTE_PO_IDX_MASK: bits 60..62 index the permission overlay (FEAT_S1POE protection keys). */
    static final long PO_IDX_MASK = 7L << 60;
    static final long PFN_MASK = ((1L << 48) - 1) & ~((1L << 12) - 1);
    static final long SWBITS = (1L << 63) | (0xFL << 55);
    static final long MODIFY_MASK = USER | PXN | UXN | RDONLY | PRESENT_INVALID | VALID | WRITE | (7L << 2)
            | PO_IDX_MASK;
    static final long PAGE_DEFAULT = TYPE_PAGE | AF | SHARED;
    static final long SWP_EXCLUSIVE = 1L << 2;
    static final long SWP_UFFD_WP = 1L << 3;
    static final int SWP_TYPE_SHIFT = 6;
    static final int SWP_OFFSET_SHIFT = 12;

    public static final int CONT_PTES = 16;

    /** __TLBI_RANGE_PAGES(31, 3): the most pages range invalidation covers before a full flush (MAX_TLBI_RANGE_PAGES). */
    static final long MAX_TLBI_RANGE_PAGES = 32L << 16;

    Arm64() {
        super(new Encoding("arm64", 1L << 48, CONT_PTES, true, true,
                VALID | PRESENT_INVALID, VALID, PFN_MASK, WRITE, RDONLY, DIRTY, 0,
                AF, 0, SPECIAL, UFFD_WP, CONT, UXN, USER,
                ~MODIFY_MASK, protectionMap(Arm64::protBits), ~SWBITS, 0,
                SWP_OFFSET_SHIFT, 0, SWP_TYPE_SHIFT, SWP_EXCLUSIVE, 0,
                TYPE_PAGE, 3L, 3L, 0, 2L,
                MAX_TLBI_RANGE_PAGES, true, PO_IDX_MASK));
    }

    /** protection_map: PAGE_NONE, PAGE_READONLY(_EXEC) (also for private write), PAGE_SHARED(_EXEC). */
    static long protBits(int prot, boolean shared) {
        if ((prot & 7) == 0) return (PAGE_DEFAULT & ~VALID) | PRESENT_INVALID | RDONLY | PXN | UXN;
        long v = PAGE_DEFAULT | USER | RDONLY | NG | PXN;
        if ((prot & 4) == 0) v |= UXN;
        if (shared && (prot & 2) != 0) v |= WRITE;
        return v;
    }
}
