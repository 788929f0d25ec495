package org.mmsim.mm;

import org.mmsim.phys.PhysMem;

/**
 * Reverse-mapping bookkeeping of anonymous folios (mm/rmap.c): mapcounts, the folio references that mappings
 * hold, PageAnonExclusive and the anon flag. Every PTE mapping of a page holds one mapcount of that page and
 * one reference of its folio; a PMD mapping holds the folio's entire mapcount and one reference.
 */
final class Rmap {
    private Rmap() {}

    /**
     * folio_add_new_anon_rmap(RMAP_EXCLUSIVE) for a new folio mapped by {@code nr} PTEs: every page exclusive,
     * mapcount 1, one reference per mapped page (the allocation reference becomes the first one).
     */
    static void addNewAnonPtes(PhysMem phys, long head, int nr) {
        phys.folioSet(head, (short) (PhysMem.PG_ANON | PhysMem.PG_SWAPBACKED));
        for (long p = head; p < head + nr; p++) phys.setPageAnonExclusive(p, true);
        phys.mapcountAdd(head, nr, 1);
        phys.refAdd(head, nr - 1);
    }

    /** folio_add_new_anon_rmap for a new PMD-mapped THP: entire mapcount 1, every page exclusive, one reference. */
    static void addNewAnonPmd(PhysMem phys, long head) {
        phys.folioSet(head, (short) (PhysMem.PG_ANON | PhysMem.PG_SWAPBACKED));
        int n = phys.folioNrPages(head);
        for (long p = head; p < head + n; p++) phys.setPageAnonExclusive(p, true);
        phys.entireMapcountAdd(head, 1);
    }

    /** folio_add_anon_rmap_ptes for existing pages (fork, PMD split): mapcount and references. */
    static void addAnonPtes(PhysMem phys, long firstPfn, int nr) {
        phys.mapcountAdd(firstPfn, nr, 1);
        phys.refAdd(phys.folioHead(firstPfn), nr);
    }

    /**
     * folio_remove_rmap_ptes + folio_put_refs: drops nr PTE mappings of consecutive pages of one folio and their
     * references; frees the folio when the last reference goes. Returns true if the folio was freed.
     */
    static boolean removePtes(PhysMem phys, long firstPfn, int nr) {
        long head = phys.folioHead(firstPfn);
        phys.mapcountAdd(firstPfn, nr, -1);
        for (long p = firstPfn; p < firstPfn + nr; p++) {
            if (phys.mapcount(p) == 0) phys.setPageAnonExclusive(p, false);
        }
        return put(phys, head, nr);
    }

    /** Drops a PMD mapping and its reference. */
    static boolean removePmd(PhysMem phys, long head) {
        phys.entireMapcountAdd(head, -1);
        if (phys.entireMapcount(head) == 0 && phys.largeMapcount(head) == 0) {
            int n = phys.folioNrPages(head);
            for (long p = head; p < head + n; p++) phys.setPageAnonExclusive(p, false);
        }
        return put(phys, head, 1);
    }

    /** folio_put_refs: frees the folio at zero. */
    static boolean put(PhysMem phys, long head, int nr) {
        int left = phys.refAdd(head, -nr);
        if (left < 0) throw new IllegalStateException("folio refcount underflow at pfn " + head);
        if (left == 0) {
            phys.freeFolio(head);
            return true;
        }
        return false;
    }
}
