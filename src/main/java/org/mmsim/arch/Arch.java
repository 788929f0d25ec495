package org.mmsim.arch;

/**
 * An architecture profile: page-table geometry, the PTE bit layout (each architecture's real encoding in a
 * {@code long}), the contpte block size, the batch hint and the TLB-flush rules. One instance per
 * architecture ({@link #X86_64}, {@link #ARM64}); all methods are pure functions of their arguments except
 * the flush helpers, which count into the given {@link Counters}.
 *
 * <p>Names follow the kernel's accessors ({@code pte_write} becomes {@link #pteWrite}); the bit positions
 * are documented in each subclass.
 *
 * <p>Every method here is final and reads the architecture from data (the {@link Encoding} a subclass passes in:
 * bit masks, a protection table, a few parameters), never from an overridden method. This is for the JIT: the
 * model's mm code is shared by both architectures, and a virtual call per PTE accessor would give each call site
 * a type profile. When both architectures ran in one JVM (a sweep, the in-process bench), C2 first compiled the
 * hot paths for the architecture it saw, hit class-check traps when the other arrived, recompiled, and once a
 * call site had trapped too often fell back to a real virtual call there: the per-PTE paths of the first
 * architecture ran 3 to 5 times slower after the second had run. Masks and table look-ups have no profile, so
 * the compiled code is the same whichever architecture runs. Where the encodings differ in kind (arm64 hardware
 * dirty is DBM set and AP[2] clear), the formula is written once with a mask that is 0 on the architecture
 * that lacks the bit, so that term vanishes there.
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
    /** Bits of a swap offset in a swap PTE (both architectures). */
    static final int SWP_OFFSET_BITS = 50;

    public static final X86_64 X86_64 = new X86_64();
    public static final Arm64 ARM64 = new Arm64();

    /**
     * What differs between architectures, as data. A bit mask that is 0 means the architecture has no such bit
     * (setting, clearing and testing it then does nothing / is false).
     *
     * @param name           user-facing name
     * @param taskSize       highest user address + 1 (TASK_SIZE)
     * @param contPtes       entries in one contpte block, 1 where there is none
     * @param defersReclaimFlush see {@link #defersReclaimFlush()}
     * @param oldPrefault    see {@link #wantsOldPrefaultedPte()}
     * @param present        bits of which any makes an entry present (including PROT_NONE entries)
     * @param valid          the bit the MMU uses (clear in a PROT_NONE entry)
     * @param pfnMask        bits of the pfn, in place (pfn &lt;&lt; PAGE_SHIFT)
     * @param write          the write-permission bit (x86 RW, arm64 DBM/PTE_WRITE)
     * @param rdonly         arm64 AP[2]: read-only for the MMU; 0 on x86
     * @param dirty          the dirty bit pte_mkdirty sets (x86 D, arm64 the software PTE_DIRTY)
     * @param hwDirtySet     what the MMU sets on a write through a writable entry (x86 D; 0 on arm64, which
     *                       instead clears {@code rdonly})
     * @param young          the accessed bit
     * @param softDirty      the soft-dirty bit, 0 without soft-dirty tracking; pte_mkdirty also sets it
     * @param special        pte_special
     * @param uffdWp         pte_uffd_wp
     * @param cont           arm64 PTE_CONT; 0 on x86
     * @param noExec         the user no-execute bit (x86 NX, arm64 UXN)
     * @param user           the user-accessible bit
     * @param modifyKeep     bits pte_modify keeps from the old entry; the rest come from the new protection
     * @param protBits       the protection_map: entry bits for {@code prot & 7}, then the same with shared at index 8
     * @param flushOnChange  bits whose change (valid old entry) needs a TLB flush
     * @param flushOnClear   bits whose clearing (valid old entry) needs a TLB flush
     * @param swpOffsetLow   lowest bit of the 50-bit swap offset in a swap PTE
     * @param swpInvert      -1 where the offset is stored inverted (x86, L1TF), else 0
     * @param swpTypeShift   lowest bit of the 5-bit swap type
     * @param swpExclusive   swap PTE exclusive bit
     * @param swpSoftDirty   swap PTE soft-dirty bit, 0 without soft-dirty tracking
     * @param tableBits      bits of an upper-level entry pointing to a table, besides the table id
     * @param tableMask      bits that tell a table entry from a leaf ...
     * @param tableValue     ... and their value in a table entry
     * @param hugeSet        bits set when a PTE value becomes a PMD leaf (x86 PSE)
     * @param hugeClear      bits cleared when a PTE value becomes a PMD leaf (arm64: the table/page type bit)
     * @param tlbiCeiling    most pages a range flush invalidates before it flushes the whole mm
     * @param rangeTlbi      true: range invalidation instructions (arm64 FEAT_TLBIRANGE); false: one per page
     * @param pkeyMask       the entry bits of the protection key (x86 _PAGE_PKEY_MASK, arm64 PTE_PO_IDX_MASK)
     */
    record Encoding(String name, long taskSize, int contPtes, boolean defersReclaimFlush, boolean oldPrefault,
                    long present, long valid, long pfnMask, long write, long rdonly, long dirty, long hwDirtySet,
                    long young, long softDirty, long special, long uffdWp, long cont, long noExec, long user,
                    long modifyKeep, long[] protBits, long flushOnChange, long flushOnClear,
                    int swpOffsetLow, long swpInvert, int swpTypeShift, long swpExclusive, long swpSoftDirty,
                    long tableBits, long tableMask, long tableValue, long hugeSet, long hugeClear,
                    long tlbiCeiling, boolean rangeTlbi, long pkeyMask) {
        Encoding {
            if (protBits.length != 16) throw new IllegalArgumentException("protBits needs 16 entries");
        }
    }

    private final String name;
    private final long taskSize;
    private final int contPtes;
    private final boolean defersReclaimFlush;
    private final boolean oldPrefault;
    private final long present;
    private final long valid;
    private final long pfnMask;
    private final long write;
    private final long rdonly;
    private final long dirty;
    private final long hwDirtySet;
    private final long young;
    private final long softDirty;
    private final long special;
    private final long uffdWp;
    private final long cont;
    private final long noExec;
    private final long user;
    private final long modifyKeep;
    private final long[] protBits;
    private final long flushOnChange;
    private final long flushOnClear;
    private final int swpOffsetLow;
    private final long swpInvert;
    private final int swpTypeShift;
    private final long swpExclusive;
    private final long swpSoftDirty;
    private final long tableBits;
    private final long tableMask;
    private final long tableValue;
    private final long hugeSet;
    private final long hugeClear;
    private final long tlbiCeiling;
    private final boolean rangeTlbi;
    private final int pkeyShift;
    private final long pkeyMask;

    Arch(Encoding e) {
        name = e.name();
        taskSize = e.taskSize();
        contPtes = e.contPtes();
        defersReclaimFlush = e.defersReclaimFlush();
        oldPrefault = e.oldPrefault();
        present = e.present();
        valid = e.valid();
        pfnMask = e.pfnMask();
        write = e.write();
        rdonly = e.rdonly();
        dirty = e.dirty();
        hwDirtySet = e.hwDirtySet();
        young = e.young();
        softDirty = e.softDirty();
        special = e.special();
        uffdWp = e.uffdWp();
        cont = e.cont();
        noExec = e.noExec();
        user = e.user();
        modifyKeep = e.modifyKeep();
        protBits = e.protBits().clone();
        flushOnChange = e.flushOnChange();
        flushOnClear = e.flushOnClear();
        swpOffsetLow = e.swpOffsetLow();
        swpInvert = e.swpInvert();
        swpTypeShift = e.swpTypeShift();
        swpExclusive = e.swpExclusive();
        swpSoftDirty = e.swpSoftDirty();
        tableBits = e.tableBits();
        tableMask = e.tableMask();
        tableValue = e.tableValue();
        hugeSet = e.hugeSet();
        hugeClear = e.hugeClear();
        tlbiCeiling = e.tlbiCeiling();
        rangeTlbi = e.rangeTlbi();
        pkeyMask = e.pkeyMask();
        pkeyShift = Long.numberOfTrailingZeros(pkeyMask);
    }

    /** The entry bits of a protection (PROT_* bits, shared or private mapping): one architecture's protection_map. */
    @FunctionalInterface
    interface ProtBits {
        long of(int prot, boolean shared);
    }

    /** The table {@link Encoding#protBits} of a protection_map: every {@code prot & 7}, private then shared. */
    static long[] protectionMap(ProtBits bits) {
        long[] t = new long[16];
        for (int shared = 0; shared < 2; shared++) {
            for (int prot = 0; prot < 8; prot++) t[prot | shared << 3] = bits.of(prot, shared == 1);
        }
        return t;
    }

    /** The architecture of a user-facing name ({@code x86_64}, {@code arm64}); IllegalArgumentException otherwise. */
    public static Arch byName(String name) {
        return switch (name) {
            case "x86_64", "x86-64", "x86" -> X86_64;
            case "arm64", "aarch64" -> ARM64;
            default -> throw new IllegalArgumentException("unknown arch '" + name + "'; known: x86_64, arm64");
        };
    }

    /** User-facing name. */
    public final String name() { return name; }

    /** Highest user address + 1 (TASK_SIZE). */
    public final long taskSize() { return taskSize; }

    /** Entries in one contpte block (CONT_PTES), 1 where the architecture has none. */
    public final int contPtes() { return contPtes; }

    /** True if the architecture manages contpte blocks transparently (arm64). */
    public final boolean hasContpte() { return contPtes > 1; }

    /** True if the architecture tracks soft-dirty in PTEs (CONFIG_HAVE_ARCH_SOFT_DIRTY). */
    public final boolean hasSoftDirty() { return softDirty != 0; }

    // ---- present PTEs ----------------------------------------------------------------------------

    /** pte_none. */
    public final boolean pteNone(long pte) { return pte == 0; }

    /** pte_present: mapped, including PROT_NONE (NUMA hinting) entries. */
    public final boolean ptePresent(long pte) { return (pte & present) != 0; }

    /** True for a present entry the MMU can use (not protnone). */
    public final boolean pteValid(long pte) { return (pte & valid) != 0; }

    /** pte_protnone: present but made inaccessible (PROT_NONE mapping or NUMA hint). */
    public final boolean pteProtnone(long pte) { return ptePresent(pte) && !pteValid(pte); }

    /** A non-present, non-none entry: a swap entry (or marker). */
    public final boolean pteIsSwap(long pte) { return pte != 0 && !ptePresent(pte); }

    public final long ptePfn(long pte) { return (pte & pfnMask) >>> PAGE_SHIFT; }

    public final long pteWithPfn(long pte, long pfn) { return (pte & ~pfnMask) | (pfn << PAGE_SHIFT); }

    public final boolean pteWrite(long pte) { return (pte & write) != 0; }

    /** arm64 hardware dirty: writable (DBM) and AP[2] cleared by the MMU; never on x86 (rdonly is 0). */
    private boolean hwDirty(long pte) { return rdonly != 0 && (pte & (write | rdonly)) == write; }

    /** Writable entries that are dirty are writable for the MMU too: arm64 clears AP[2]; nothing on x86. */
    private long writableIfDirty(long pte) {
        return (pte & write) != 0 && (pte & dirty) != 0 ? pte & ~rdonly : pte;
    }

    public final boolean pteDirty(long pte) { return (pte & dirty) != 0 || hwDirty(pte); }

    public final boolean pteYoung(long pte) { return (pte & young) != 0; }

    public final boolean pteSoftDirty(long pte) { return (pte & softDirty) != 0; }

    public final boolean pteSpecial(long pte) { return (pte & special) != 0; }

    public final boolean pteUffdWp(long pte) { return (pte & uffdWp) != 0; }

    /** arm64 PTE_CONT; always false elsewhere. */
    public final boolean pteCont(long pte) { return (pte & cont) != 0; }

    public final boolean pteExec(long pte) { return (pte & noExec) == 0; }

    public final boolean pteUser(long pte) { return (pte & user) != 0; }

    /**
     * pfn_pte(pfn, vm_get_page_prot(vmFlags)): a new entry with the mapping's base protection (never writable for
     * private mappings) and its protection key.
     */
    public final long mkPte(long pfn, int prot, boolean shared, int pkey) {
        return (pfn << PAGE_SHIFT) | protBits(prot, shared, pkey);
    }

    /** vm_get_page_prot: the protection_map entry with the VMA's protection key in the entry's key bits. */
    private long protBits(int prot, boolean shared, int pkey) {
        return protBits[(prot & 7) | (shared ? 8 : 0)] | (long) pkey << pkeyShift;
    }

    /**
     * True if the entry's protection key lets user space read and write through it: PKRU (x86) allows data access
     * to key 0 only, as the kernel's initial PKRU does. The model has no pkey_alloc or pkey_mprotect, so the only
     * other key an entry can carry is the execute-only one, which PKRU denies by design.
     */
    public final boolean pteKeyAllowsData(long pte) { return (pte & pkeyMask) == 0; }

    /** pte_mkwrite (arm64: a dirty entry also becomes writable for the MMU). */
    public final long pteMkwrite(long pte) { return writableIfDirty(pte | write); }

    /** pte_wrprotect (arm64: hardware dirty is kept as PTE_DIRTY before AP[2] is set). */
    public final long pteWrprotect(long pte) {
        if (hwDirty(pte)) pte |= dirty;
        return (pte & ~write) | rdonly;
    }

    /** pte_mkdirty; also sets soft-dirty where the architecture tracks it (x86). */
    public final long pteMkdirty(long pte) { return writableIfDirty(pte | dirty | softDirty); }

    public final long pteMkclean(long pte) { return (pte & ~dirty) | rdonly; }

    /** The dirty update the MMU makes on a write through a writable entry (no software bits). */
    public final long pteHwMkdirty(long pte) {
        pte |= hwDirtySet;
        return (pte & write) != 0 ? pte & ~rdonly : pte;
    }

    public final long pteMkyoung(long pte) { return pte | young; }

    public final long pteMkold(long pte) { return pte & ~young; }

    public final long pteMksoftDirty(long pte) { return pte | softDirty; }

    public final long pteClearSoftDirty(long pte) { return pte & ~softDirty; }

    public final long pteMkspecial(long pte) { return pte | special; }

    public final long pteMkcont(long pte) { return pte | cont; }

    public final long pteMknoncont(long pte) { return pte & ~cont; }

    /**
     * pte_modify: keep pfn, A/D, soft-dirty, special; take the permission bits and protection key of the new
     * protection.
     */
    public final long pteModify(long pte, int prot, boolean shared, int pkey) {
        if (hwDirty(pte)) pte |= dirty;
        pte = (pte & modifyKeep) | (protBits(prot, shared, pkey) & ~modifyKeep);
        return writableIfDirty(pte);
    }

    // ---- swap entries -----------------------------------------------------------------------------

    /** __swp_entry_to_pte(swp_entry(type, offset)). */
    public final long swpEntryPte(int type, long offset) {
        return ((offset ^ swpInvert) << (64 - SWP_OFFSET_BITS) >>> (64 - SWP_OFFSET_BITS - swpOffsetLow))
                | ((long) type << swpTypeShift);
    }

    public final int swpType(long pte) { return (int) ((pte >>> swpTypeShift) & 31); }

    public final long swpOffset(long pte) {
        return (pte ^ swpInvert) << (64 - SWP_OFFSET_BITS - swpOffsetLow) >>> (64 - SWP_OFFSET_BITS);
    }

    public final boolean swpExclusive(long pte) { return (pte & swpExclusive) != 0; }

    public final long swpMkExclusive(long pte) { return pte | swpExclusive; }

    public final boolean swpSoftDirty(long pte) { return (pte & swpSoftDirty) != 0; }

    public final long swpMksoftDirty(long pte) { return pte | swpSoftDirty; }

    /** pte_move_swp_offset: the same swap PTE with offset + delta, other swap bits kept. */
    public final long pteMoveSwpOffset(long pte, long delta) {
        long bits = pte & ~swpEntryPte(swpType(pte), swpOffset(pte));
        long fresh = swpEntryPte(swpType(pte), swpOffset(pte) + delta);
        return fresh | bits;
    }

    // ---- upper-level entries (PMD/PUD) --------------------------------------------------------------

    /** An upper-level entry pointing to a next-level table identified by {@code tableId}. */
    public final long mkTableEntry(long tableId) { return (tableId << PAGE_SHIFT) | tableBits; }

    public final boolean entryIsTable(long entry) { return (entry & tableMask) == tableValue; }

    public final long entryTableId(long entry) { return (entry & pfnMask) >>> PAGE_SHIFT; }

    /** A PMD leaf (huge) entry made from a PTE value of the folio's first page. */
    public final long pteToHugePmd(long pte) { return (pte | hugeSet) & ~hugeClear; }

    /** The PTE value (first page) of a PMD leaf entry. */
    public final long hugePmdToPte(long pmd) { return (pmd & ~hugeSet) | hugeClear; }

    /** True for a huge (leaf) upper-level entry. */
    public final boolean entryIsLeaf(long entry) { return entry != 0 && !entryIsTable(entry); }

    // ---- TLB ------------------------------------------------------------------------------------------

    /**
     * The TLB invalidate instructions a flush of {@code pages} pages issues, or -1 when the architecture flushes
     * the whole address space instead (the range is above its ceiling). x86: one INVLPG per page up to
     * tlb_single_page_flush_ceiling. arm64 (__flush_tlb_range_op with FEAT_TLBIRANGE, mandatory from Armv8.4; the
     * seeds' Apple M3 has it): an odd page is invalidated alone, the rest by range instructions, one per scale
     * (0..3) whose 5-bit count field is non-zero.
     */
    public final long tlbiOps(long pages) {
        if (pages > tlbiCeiling) return -1;
        if (!rangeTlbi) return pages;
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
    public final boolean defersReclaimFlush() { return defersReclaimFlush; }

    /**
     * arch_wants_old_prefaulted_pte: entries that fault-around maps for pages other than the faulting one are made
     * old, so that the hardware access flag tells which of them are used (arm64 with the hardware access flag);
     * elsewhere they are young like the faulting page's.
     */
    public final boolean wantsOldPrefaultedPte() { return oldPrefault; }

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
    public final boolean pteNeedsFlush(long oldPte, long newPte) {
        if ((oldPte & valid) == 0) return false;
        long diff = oldPte ^ newPte;
        return (diff & flushOnChange) != 0 || (diff & oldPte & flushOnClear) != 0;
    }

    @Override public String toString() { return name(); }
}
