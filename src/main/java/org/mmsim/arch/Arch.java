package org.mmsim.arch;

/**
 * An architecture profile: page-table geometry, the PTE bit layout (each architecture's real encoding in a
 * {@code long}), the contpte block size, the batch hint and the TLB-flush rules. One instance per
 * architecture ({@link #X86_64}, {@link #ARM64}); all methods are pure functions of their arguments except
 * the flush helpers, which count into the given {@link Counters}.
 *
 * <p>Names follow the kernel's accessors ({@code pte_write} becomes {@link #pteWrite}); the bit positions
 * are documented in each subclass.
 */
public abstract sealed class Arch permits X86_64, Arm64 {
    public static final int PAGE_SHIFT = 12;
    public static final long PAGE_SIZE = 1L << PAGE_SHIFT;
    public static final int PTRS_PER_TABLE = 512;
    public static final int PMD_SHIFT = 21;
    public static final long PMD_SIZE = 1L << PMD_SHIFT;
    public static final int PUD_SHIFT = 30;
    public static final long PUD_SIZE = 1L << PUD_SHIFT;
    public static final int PGDIR_SHIFT = 39;
    /** Order of a PMD-sized folio (HPAGE_PMD_ORDER). */
    public static final int PMD_ORDER = PMD_SHIFT - PAGE_SHIFT;

    public static final X86_64 X86_64 = new X86_64();
    public static final Arm64 ARM64 = new Arm64();

    /** The architecture of a user-facing name ({@code x86_64}, {@code arm64}); IllegalArgumentException otherwise. */
    public static Arch byName(String name) {
        return switch (name) {
            case "x86_64", "x86-64", "x86" -> X86_64;
            case "arm64", "aarch64" -> ARM64;
            default -> throw new IllegalArgumentException("unknown arch '" + name + "'; known: x86_64, arm64");
        };
    }

    /** User-facing name. */
    public abstract String name();

    /** Highest user address + 1 (TASK_SIZE). */
    public abstract long taskSize();

    /** Entries in one contpte block (CONT_PTES), 1 where the architecture has none. */
    public abstract int contPtes();

    /** True if the architecture manages contpte blocks transparently (arm64). */
    public final boolean hasContpte() { return contPtes() > 1; }

    /** True if the architecture tracks soft-dirty in PTEs (CONFIG_HAVE_ARCH_SOFT_DIRTY). */
    public abstract boolean hasSoftDirty();

    // ---- present PTEs ----------------------------------------------------------------------------

    /** pte_none. */
    public final boolean pteNone(long pte) { return pte == 0; }

    /** pte_present: mapped, including PROT_NONE (NUMA hinting) entries. */
    public abstract boolean ptePresent(long pte);

    /** True for a present entry the MMU can use (not protnone). */
    public abstract boolean pteValid(long pte);

    /** pte_protnone: present but made inaccessible (PROT_NONE mapping or NUMA hint). */
    public final boolean pteProtnone(long pte) { return ptePresent(pte) && !pteValid(pte); }

    /** A non-present, non-none entry: a swap entry (or marker). */
    public final boolean pteIsSwap(long pte) { return pte != 0 && !ptePresent(pte); }

    public abstract long ptePfn(long pte);

    public abstract long pteWithPfn(long pte, long pfn);

    public abstract boolean pteWrite(long pte);

    public abstract boolean pteDirty(long pte);

    public abstract boolean pteYoung(long pte);

    public abstract boolean pteSoftDirty(long pte);

    public abstract boolean pteSpecial(long pte);

    public abstract boolean pteUffdWp(long pte);

    /** arm64 PTE_CONT; always false elsewhere. */
    public abstract boolean pteCont(long pte);

    public abstract boolean pteExec(long pte);

    public abstract boolean pteUser(long pte);

    /** pfn_pte(pfn, vm_get_page_prot(vmFlags)): a new entry with the mapping's base protection (never writable for private mappings). */
    public abstract long mkPte(long pfn, int prot, boolean shared);

    public abstract long pteMkwrite(long pte);

    public abstract long pteWrprotect(long pte);

    public abstract long pteMkdirty(long pte);

    public abstract long pteMkclean(long pte);

    /** The dirty update the MMU makes on a write through a writable entry (no software bits). */
    public abstract long pteHwMkdirty(long pte);

    public abstract long pteMkyoung(long pte);

    public abstract long pteMkold(long pte);

    public abstract long pteMksoftDirty(long pte);

    public abstract long pteClearSoftDirty(long pte);

    public abstract long pteMkspecial(long pte);

    public abstract long pteMkcont(long pte);

    public abstract long pteMknoncont(long pte);

    /** pte_modify: keep pfn, A/D, soft-dirty, special; take the permission bits of the new protection. */
    public abstract long pteModify(long pte, int prot, boolean shared);

    // ---- swap entries -----------------------------------------------------------------------------

    /** __swp_entry_to_pte(swp_entry(type, offset)). */
    public abstract long swpEntryPte(int type, long offset);

    public abstract int swpType(long pte);

    public abstract long swpOffset(long pte);

    public abstract boolean swpExclusive(long pte);

    public abstract long swpMkExclusive(long pte);

    public abstract boolean swpSoftDirty(long pte);

    public abstract long swpMksoftDirty(long pte);

    /** pte_move_swp_offset: the same swap PTE with offset + delta, other swap bits kept. */
    public final long pteMoveSwpOffset(long pte, long delta) {
        long bits = pte & ~swpEntryPte(swpType(pte), swpOffset(pte));
        long fresh = swpEntryPte(swpType(pte), swpOffset(pte) + delta);
        return fresh | bits;
    }

    // ---- upper-level entries (PMD/PUD) --------------------------------------------------------------

    /** An upper-level entry pointing to a next-level table identified by {@code tableId}. */
    public abstract long mkTableEntry(long tableId);

    public abstract boolean entryIsTable(long entry);

    public abstract long entryTableId(long entry);

    /** A PMD leaf (huge) entry made from a PTE value of the folio's first page. */
    public abstract long pteToHugePmd(long pte);

    /** The PTE value (first page) of a PMD leaf entry. */
    public abstract long hugePmdToPte(long pmd);

    /** True for a huge (leaf) upper-level entry. */
    public final boolean entryIsLeaf(long entry) { return entry != 0 && !entryIsTable(entry); }

    // ---- TLB ------------------------------------------------------------------------------------------

    /**
     * The TLB invalidate instructions a flush of {@code pages} pages issues, or -1 when the architecture flushes
     * the whole address space instead (the range is above its ceiling).
     */
    public abstract long tlbiOps(long pages);

    /** flush_tlb_range over [start, end): one request, the architecture's invalidations, or a full flush. */
    public final void flushTlbRange(Counters c, long start, long end) {
        countRangeFlush(c, start, end, Event.TLBI);
    }

    /**
     * One range-flush request over [start, end): its invalidates, counted as {@code invalidate}, or a full flush
     * above the architecture's ceiling ({@link #tlbiOps}).
     */
    private void countRangeFlush(Counters c, long start, long end, Event invalidate) {
        long pages = (end - start) >>> PAGE_SHIFT;
        if (pages <= 0) return;
        c.inc(Event.TLB_FLUSH_RANGE);
        long ops = tlbiOps(pages);
        if (ops < 0) c.inc(Event.TLB_FLUSH_ALL);
        else c.add(invalidate, ops);
    }

    /**
     * Reclaim may defer its TLB flushes (should_defer_flush with TTU_BATCH_FLUSH): arm64 always does
     * (arch_tlbbatch_should_defer, barring the REPEAT_TLBI erratum) and issues the invalidates at once without
     * waiting; x86 defers only when other CPUs are in the mm's cpumask, which a model process (one CPU) never has,
     * so it flushes page by page as it unmaps.
     */
    public abstract boolean defersReclaimFlush();

    /**
     * arch_tlbbatch_add_pending on arm64 (__flush_tlb_range_nosync): the invalidates of a range, issued without the
     * barrier; {@link #tlbSync} completes them.
     */
    public final void flushTlbRangeNoSync(Counters c, long start, long end) {
        countRangeFlush(c, start, end, Event.TLBI_NOSYNC);
    }

    /** arch_tlbbatch_flush: the one barrier completing the deferred invalidates. */
    public final void tlbSync(Counters c) {
        c.inc(Event.TLB_SYNC);
    }

    /** flush_tlb_page. */
    public final void flushTlbPage(Counters c) {
        c.inc(Event.TLB_FLUSH_PAGE);
        c.inc(Event.TLBI);
    }

    /**
     * pte_needs_flush(old, new) after a protection change (KERNEL_FACTS §3.4): x86 flushes when a hardware
     * permission or the pfn changes or dirty/present is cleared; arm64 whenever anything but software bits changed;
     * no flush when the old entry was not valid.
     */
    public abstract boolean pteNeedsFlush(long oldPte, long newPte);

    @Override public String toString() { return name(); }
}
