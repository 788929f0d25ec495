package org.mmsim.mm;

/**
 * The seed patches as toggles of the model (DESIGN.md): each is on in the {@code patched} preset and
 * off in {@code baseline}. This enum is the one registry of features; names are what users type.
 */
public enum Feature {
    /** mremap moves a whole PTE table when source, destination and extent are PMD-aligned (seed 003). */
    MOVE_PMD("move-pmd", "003"),
    /** mremap moves a whole PMD table when PUD-aligned (follow-up of seed 003). */
    MOVE_PUD("move-pud", "003"),
    /** move_ptes clears and sets a run of PTEs of one large folio at once (seed 000). */
    MREMAP_PTE_BATCH("mremap-pte-batch", "000"),
    /** mremap looks the folio up only when pte_batch_hint says the run is contiguous (seed 002). */
    MREMAP_BATCH_HINT("mremap-batch-hint", "002"),
    /** change_pte_range modifies a run of PTEs of one folio at once; prot_numa skips a batch (seed 004). */
    MPROTECT_PTE_BATCH("mprotect-pte-batch", "004"),
    /** try_to_unmap clears a run of PTEs of an anonymous large folio in one go (seed 001). */
    ANON_UNMAP_BATCH("anon-unmap-batch", "001");

    private final String userName;
    private final String seed;

    Feature(String userName, String seed) {
        this.userName = userName;
        this.seed = seed;
    }

    /** The name users type (e.g. {@code move-pmd}). */
    public String userName() { return userName; }

    /** The seed thread this feature implements. */
    public String seed() { return seed; }

    /** The feature of a user name, or null. */
    public static Feature byName(String name) {
        for (Feature f : values()) if (f.userName.equals(name)) return f;
        return null;
    }
}
