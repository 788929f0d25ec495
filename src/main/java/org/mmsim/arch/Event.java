package org.mmsim.arch;

/**
 * Every architectural or kernel event the model counts. Counters are plain {@code long[]} indexed by
 * {@link #ordinal()}; an architecture profile gives each event a cost for time predictions.
 * The grouping follows KERNEL_FACTS §9.1 and the seeds: what the batching patches change.
 */
public enum Event {
    /** A raw read of one page-table entry (the entry the caller asked for). */
    PTE_READ,
    /** Extra raw reads of sibling entries done by arm64 {@code ptep_get} to gather access/dirty over a contpte block. */
    PTE_READ_CONT_GATHER,
    /** A write of a present PTE value (set_pte_at / set_ptes, per entry). */
    PTE_WRITE,
    /** A write of a non-present, non-none PTE (swap entry, marker), per entry. */
    PTE_WRITE_SWAP,
    /** A clear of one PTE (get_and_clear, clear_full, modify_prot_start), per entry. */
    PTE_CLEAR,
    /** One call of a batched PTE primitive covering more than one entry (set_ptes, get_and_clear_full_ptes, ...). */
    PTE_BATCH_OP,
    /** A look-up of the folio behind a PTE (vm_normal_folio): touches the frame's metadata. */
    FOLIO_LOOKUP,
    /** A TLB flush of one page. */
    TLB_FLUSH_PAGE,
    /** A TLB flush of a virtual range (flush_tlb_range) issued as one request. */
    TLB_FLUSH_RANGE,
    /** A full TLB flush of the address space (range above the per-page ceiling). */
    TLB_FLUSH_ALL,
    /** One per-page TLB invalidate instruction (TLBI on arm64, INVLPG on x86) issued by a range flush. */
    TLBI,
    /** arm64: a contpte block folded (16 PTEs rewritten with the cont bit, break-before-make). */
    CONTPTE_FOLD,
    /** arm64: a contpte block unfolded (16 PTEs rewritten without the cont bit, break-before-make). */
    CONTPTE_UNFOLD,
    /** Page-table lock taken. */
    PTL_LOCK,
    /** A page-table page (any level) allocated. */
    PGTABLE_ALLOC,
    /** A page-table page (any level) freed. */
    PGTABLE_FREE,
    /** A PMD entry moved (mremap move_normal_pmd / move_huge_pmd). */
    PMD_MOVE,
    /** A PUD entry moved (mremap move_normal_pud / move_huge_pud). */
    PUD_MOVE,
    /** A present PTE moved by mremap move_ptes (per entry). */
    PTE_MOVE,
    /** Read fault mapping the shared zero page. */
    FAULT_ZERO_PAGE,
    /** Anonymous fault mapping a new order-0 folio. */
    FAULT_ANON,
    /** Anonymous fault mapping a new mTHP (order 2..8) folio. */
    FAULT_ANON_MTHP,
    /** Anonymous fault mapping a PMD THP. */
    FAULT_PMD_THP,
    /** Read fault mapping the huge zero page at PMD level. */
    FAULT_HUGE_ZERO,
    /** Write fault on a read-only PTE that reused the page. */
    FAULT_WP_REUSE,
    /** Write fault on a read-only PTE that copied the page (COW or zero page). */
    FAULT_WP_COPY,
    /** Access fault that only set the accessed/dirty bits. */
    FAULT_SPURIOUS,
    /** A user access that got SIGSEGV (or SIGBUS: a shared mapping beyond the end of its object). */
    FAULT_SIGSEGV,
    /** PMD mapping split into PTEs. */
    THP_SPLIT_PMD,
    /** A single-entry PTE clear call (get_and_clear_full_ptes or clear_full_ptes with nr == 1): work issued one by one. */
    PTE_CLEAR_SINGLE,
    /** A large folio split into order-0 folios (split_folio). */
    FOLIO_SPLIT,
    /** Swap slots allocated for a folio (folio_alloc_swap), one per folio. */
    SWAP_ALLOC,
    /** A large folio's swap allocation failed and it was split to swap its pages one by one (swpout_fallback). */
    SWPOUT_FALLBACK,
    /** A swap-count increment call (folio_dup_swap / swap_duplicate): takes the cluster lock once, however many slots. */
    SWAP_DUP,
    /** A swap-count decrement call (folio_put_swap / swap_free_nr): one cluster lock. */
    SWAP_PUT,
    /** A folio added to the swap cache. */
    SWAPCACHE_ADD,
    /** A folio deleted from the swap cache. */
    SWAPCACHE_DEL,
    /** A folio_try_share_anon_rmap call (clears PageAnonExclusive before a swap PTE is written). */
    ANON_SHARE,
    /** try_to_unmap_one batches: one per run of PTEs cleared together (1 page each without batching). */
    TTU_BATCH,
    /** A try_to_unmap that failed and restored the PTEs it had cleared. */
    TTU_RESTORE,
    /** Pages written to the swap device (PSWPOUT). */
    PSWPOUT,
    /** Zero-filled pages swapped out without I/O, only marked zero (SWPOUT_ZERO). */
    SWPOUT_ZERO,
    /** Pages read from the swap device (PSWPIN). */
    PSWPIN,
    /** Pages swapped in as zero-filled from the zero mark, without I/O (SWPIN_ZERO). */
    SWPIN_ZERO,
    /** A fault on a swap entry (do_swap_page). */
    FAULT_SWAP,
    /** Lazy-free (MADV_FREE'd, clean) pages discarded by reclaim (PGLAZYFREED). */
    PGLAZYFREED,
    /** Pages reclaimed (freed) by MADV_PAGEOUT. */
    PGRECLAIM,
    /** Folio allocations by order. */
    FOLIO_ALLOC_0, FOLIO_ALLOC_1, FOLIO_ALLOC_2, FOLIO_ALLOC_3, FOLIO_ALLOC_4, FOLIO_ALLOC_5,
    FOLIO_ALLOC_6, FOLIO_ALLOC_7, FOLIO_ALLOC_8, FOLIO_ALLOC_9, FOLIO_ALLOC_10,
    /** Folio frees by order. */
    FOLIO_FREE_0, FOLIO_FREE_1, FOLIO_FREE_2, FOLIO_FREE_3, FOLIO_FREE_4, FOLIO_FREE_5,
    FOLIO_FREE_6, FOLIO_FREE_7, FOLIO_FREE_8, FOLIO_FREE_9, FOLIO_FREE_10,
    /** Allocation of an order failed or was refused and the fault fell back to a lower order. */
    MTHP_FALLBACK,
    /** 4 KiB pages zeroed by the kernel (fault zeroing). */
    PAGES_ZEROED,
    /** 4 KiB pages copied by the kernel (COW). */
    PAGES_COPIED,
    /** Bytes written by the user program (memset, poke, pattern). */
    USER_BYTES_WRITTEN,
    /** Bytes read by the user program (peek, checksum). */
    USER_BYTES_READ,
    /** VMA tree look-ups. */
    VMA_LOOKUP,
    /** VMA split. */
    VMA_SPLIT,
    /** VMA merge. */
    VMA_MERGE,
    /** System calls made (mmap, munmap, mremap, mprotect, madvise, ...). */
    SYSCALL,
    /** A NUMA-hinting fault (do_numa_page): an access to a PTE made PROT_NONE by NUMA hinting. */
    NUMA_HINT_FAULT,
    /** A fork (dup_mmap) of an address space. */
    FORK,
    /** An address space torn down by process exit (exit_mmap). */
    PROCESS_EXIT,
    /** A fault on a shared anonymous (shmem) mapping that mapped page-cache pages (shmem_fault + finish_fault). */
    FAULT_SHMEM,
    /**
     * A TLB invalidate issued without waiting for it to complete: reclaim's deferred flush (TTU_BATCH_FLUSH,
     * arch_tlbbatch_add_pending) on arm64, a TLBI with no DSB after it. {@link #TLB_SYNC} completes the batch.
     */
    TLBI_NOSYNC,
    /** The one barrier that completes a batch of deferred invalidates (try_to_unmap_flush: DSB ISH on arm64). */
    TLB_SYNC;

    private static final Event[] VALUES = values();
    public static final int COUNT = VALUES.length;

    /** The folio-allocation event of an order (0..10). */
    public static Event folioAlloc(int order) { return VALUES[FOLIO_ALLOC_0.ordinal() + order]; }

    /** The folio-free event of an order (0..10). */
    public static Event folioFree(int order) { return VALUES[FOLIO_FREE_0.ordinal() + order]; }

    /** The event of an ordinal. */
    public static Event of(int ordinal) { return VALUES[ordinal]; }
}
