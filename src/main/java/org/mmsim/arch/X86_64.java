package org.mmsim.arch;

/**
 * x86-64 with 4-level paging (arch/x86/include/asm/pgtable_types.h, pgtable_64.h).
 *
 * <pre>
 * bit  0 P present        bit  5 A accessed       bit  9 SOFTW1 special
 * bit  1 RW write         bit  6 D dirty          bit 10 SOFTW2 uffd-wp
 * bit  2 US user          bit  7 PSE (huge PMD)   bit 11 SOFTW3 soft-dirty
 * bit  3 PWT              bit  8 G (PROTNONE when P=0)
 * bits 12..51 pfn         bits 59..62 protection key        bit 63 NX
 * swap PTE: bits 59..63 type, bits 9..58 inverted offset (L1TF), bit 1 swp-soft-dirty (RW), bit 2 swp-uffd-wp (US),
 *           bit 3 swp-exclusive (PWT)
 * </pre>
 * x86 has no contpte; pte_batch_hint is always 1.
 */
public final class X86_64 extends Arch {
    static final long P = 1L;
    static final long RW = 1L << 1;
    static final long USER = 1L << 2;
    static final long PWT = 1L << 3;
    static final long PCD = 1L << 4;
    static final long A = 1L << 5;
    static final long D = 1L << 6;
    static final long PSE = 1L << 7;
    static final long GLOBAL = 1L << 8;
    static final long PROTNONE = GLOBAL;
    static final long SPECIAL = 1L << 9;
    static final long UFFD_WP = 1L << 10;
    static final long SOFT_DIRTY = 1L << 11;
    static final long NX = 1L << 63;
    /** _PAGE_PKEY_MASK: bits 59..62 hold the protection key of present entries. */
    static final long PKEY_MASK = 0xFL << 59;
    static final long PFN_MASK = ((1L << 52) - 1) & ~((1L << 12) - 1);
    /** Bits pte_modify keeps (_PAGE_CHG_MASK). */
    static final long CHG_MASK = PFN_MASK | PCD | PWT | SPECIAL | A | D | SOFT_DIRTY | UFFD_WP;
    static final long SOFTWARE = SPECIAL | UFFD_WP | SOFT_DIRTY;
    static final long FLUSH_ON_CLEAR = D | P | A;
    static final long FLUSH_ON_CHANGE = RW | USER | PWT | PCD | PSE | GLOBAL | NX;
    static final int SWP_TYPE_BITS = 5;
    static final int SWP_OFFSET_LOW = 9;
    static final long SWP_SOFT_DIRTY = RW;
    static final long SWP_UFFD_WP = USER;
    static final long SWP_EXCLUSIVE = PWT;

    /** tlb_single_page_flush_ceiling: up to 33 pages one INVLPG each, above that a full flush. */
    static final long SINGLE_PAGE_FLUSH_CEILING = 33;

    X86_64() {
        super(new Encoding("x86_64", (1L << 47) - PAGE_SIZE, 1, false, false,
                P | PROTNONE, P, PFN_MASK, RW, 0, D, D,
                A, SOFT_DIRTY, SPECIAL, UFFD_WP, 0, NX, USER,
                CHG_MASK, protectionMap(org.mmsim.arch.X86_64::protBits), PFN_MASK | FLUSH_ON_CHANGE, FLUSH_ON_CLEAR & ~A,
                SWP_OFFSET_LOW, -1L, 64 - SWP_TYPE_BITS, SWP_EXCLUSIVE, SWP_SOFT_DIRTY,
                P | RW | USER | A | D, P | PSE, P, PSE, 0,
                SINGLE_PAGE_FLUSH_CEILING, false, PKEY_MASK));
    }

    /** protection_map: PAGE_NONE, PAGE_READONLY(_EXEC), PAGE_COPY(_EXEC) for private, PAGE_SHARED(_EXEC) for shared. */
    static long protBits(int prot, boolean shared) {
        if ((prot & 7) == 0) return PROTNONE | A;
        long v = P | USER | A;
        if ((prot & 4) == 0) v |= NX;
        if (shared && (prot & 2) != 0) v |= RW;
        return v;
    }
}
