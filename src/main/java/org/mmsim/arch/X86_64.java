package org.mmsim.arch;

/**
 * x86-64 with 4-level paging (arch/x86/include/asm/pgtable_types.h, pgtable_64.h).
 *
 * <pre>
 * bit  0 P present        bit  5 A accessed       bit  9 SOFTW1 special
 * bit  1 RW write         bit  6 D dirty          bit 10 SOFTW2 uffd-wp
 * bit  2 US user          bit  7 PSE (huge PMD)   bit 11 SOFTW3 soft-dirty
 * bit  3 PWT              bit  8 G (PROTNONE when P=0)
 * bits 12..51 pfn         bit 63 NX
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
    static final long PFN_MASK = ((1L << 52) - 1) & ~((1L << 12) - 1);
    /** Bits pte_modify keeps (_PAGE_CHG_MASK). */
    static final long CHG_MASK = PFN_MASK | PCD | PWT | SPECIAL | A | D | SOFT_DIRTY | UFFD_WP;
    static final long SOFTWARE = SPECIAL | UFFD_WP | SOFT_DIRTY;
    static final long FLUSH_ON_CLEAR = D | P | A;
    static final long FLUSH_ON_CHANGE = RW | USER | PWT | PCD | PSE | GLOBAL | NX;
    static final int SWP_TYPE_BITS = 5;
    static final int SWP_OFFSET_SHIFT = 9 + SWP_TYPE_BITS;
    static final long SWP_SOFT_DIRTY = RW;
    static final long SWP_UFFD_WP = USER;
    static final long SWP_EXCLUSIVE = PWT;

    X86_64() {}

    @Override public String name() { return "x86_64"; }

    @Override public long taskSize() { return (1L << 47) - PAGE_SIZE; }

    @Override public int contPtes() { return 1; }

    @Override public boolean hasSoftDirty() { return true; }

    @Override public boolean defersReclaimFlush() { return false; }

    @Override public boolean ptePresent(long pte) { return (pte & (P | PROTNONE)) != 0; }

    @Override public boolean pteValid(long pte) { return (pte & P) != 0; }

    @Override public long ptePfn(long pte) { return (pte & PFN_MASK) >>> PAGE_SHIFT; }

    @Override public long pteWithPfn(long pte, long pfn) { return (pte & ~PFN_MASK) | (pfn << PAGE_SHIFT); }

    @Override public boolean pteWrite(long pte) { return (pte & RW) != 0; }

    @Override public boolean pteDirty(long pte) { return (pte & D) != 0; }

    @Override public boolean pteYoung(long pte) { return (pte & A) != 0; }

    @Override public boolean pteSoftDirty(long pte) { return (pte & SOFT_DIRTY) != 0; }

    @Override public boolean pteSpecial(long pte) { return (pte & SPECIAL) != 0; }

    @Override public boolean pteUffdWp(long pte) { return (pte & UFFD_WP) != 0; }

    @Override public boolean pteCont(long pte) { return false; }

    @Override public boolean pteExec(long pte) { return (pte & NX) == 0; }

    @Override public boolean pteUser(long pte) { return (pte & USER) != 0; }

    /** protection_map: PAGE_NONE, PAGE_READONLY(_EXEC), PAGE_COPY(_EXEC) for private, PAGE_SHARED(_EXEC) for shared. */
    static long protBits(int prot, boolean shared) {
        if ((prot & 7) == 0) return PROTNONE | A;
        long v = P | USER | A;
        if ((prot & 4) == 0) v |= NX;
        if (shared && (prot & 2) != 0) v |= RW;
        return v;
    }

    @Override public long mkPte(long pfn, int prot, boolean shared) { return (pfn << PAGE_SHIFT) | protBits(prot, shared); }

    @Override public long pteMkwrite(long pte) { return pte | RW; }

    @Override public long pteWrprotect(long pte) { return pte & ~RW; }

    /** x86 pte_mkdirty also sets soft-dirty. */
    @Override public long pteMkdirty(long pte) { return pte | D | SOFT_DIRTY; }

    @Override public long pteMkclean(long pte) { return pte & ~D; }

    @Override public long pteHwMkdirty(long pte) { return pte | D; }

    @Override public long pteMkyoung(long pte) { return pte | A; }

    @Override public long pteMkold(long pte) { return pte & ~A; }

    @Override public long pteMksoftDirty(long pte) { return pte | SOFT_DIRTY; }

    @Override public long pteClearSoftDirty(long pte) { return pte & ~SOFT_DIRTY; }

    @Override public long pteMkspecial(long pte) { return pte | SPECIAL; }

    @Override public long pteMkcont(long pte) { return pte; }

    @Override public long pteMknoncont(long pte) { return pte; }

    @Override public long pteModify(long pte, int prot, boolean shared) {
        return (pte & CHG_MASK) | (protBits(prot, shared) & ~CHG_MASK);
    }

    @Override public long swpEntryPte(int type, long offset) {
        return ((~offset) << SWP_OFFSET_SHIFT >>> SWP_TYPE_BITS) | ((long) type << (64 - SWP_TYPE_BITS));
    }

    @Override public int swpType(long pte) { return (int) (pte >>> (64 - SWP_TYPE_BITS)); }

    @Override public long swpOffset(long pte) { return (~pte) << SWP_TYPE_BITS >>> SWP_OFFSET_SHIFT; }

    @Override public boolean swpExclusive(long pte) { return (pte & SWP_EXCLUSIVE) != 0; }

    @Override public long swpMkExclusive(long pte) { return pte | SWP_EXCLUSIVE; }

    @Override public boolean swpSoftDirty(long pte) { return (pte & SWP_SOFT_DIRTY) != 0; }

    @Override public long swpMksoftDirty(long pte) { return pte | SWP_SOFT_DIRTY; }

    @Override public long mkTableEntry(long tableId) { return (tableId << PAGE_SHIFT) | P | RW | USER | A | D; }

    @Override public boolean entryIsTable(long entry) { return (entry & P) != 0 && (entry & PSE) == 0; }

    @Override public long entryTableId(long entry) { return (entry & PFN_MASK) >>> PAGE_SHIFT; }

    @Override public long pteToHugePmd(long pte) { return pte | PSE; }

    @Override public long hugePmdToPte(long pmd) { return pmd & ~PSE; }

    /** tlb_single_page_flush_ceiling: up to 33 pages one INVLPG each, above that a full flush. */
    @Override public long tlbiOps(long pages) { return pages <= 33 ? pages : -1; }

    @Override public boolean pteNeedsFlush(long oldPte, long newPte) {
        if ((oldPte & P) == 0) return false;
        if (ptePfn(oldPte) != ptePfn(newPte)) return true;
        long oldFlags = oldPte & ~PFN_MASK;
        long diff = (oldFlags ^ (newPte & ~PFN_MASK)) & ~A;
        if ((diff & oldFlags & FLUSH_ON_CLEAR) != 0) return true;
        return (diff & FLUSH_ON_CHANGE) != 0;
    }
}
