package org.mmsim.pgtable;

import java.util.Arrays;

import org.mmsim.arch.Arch;
import org.mmsim.arch.Counters;
import org.mmsim.arch.Event;
import org.mmsim.phys.PhysMem;

/**
 * The page-table primitives of the kernel API (include/linux/pgtable.h and, for arm64 contpte,
 * arch/arm64/mm/contpte.c) over one PTE table {@code t} at index {@code i}. Each primitive counts its events;
 * a batched primitive covers {@code nr} entries of one table that map consecutive pages of one folio.
 *
 * <p>On arm64 the contpte block management of KERNEL_FACTS §6 is applied: {@link #ptepGet} gathers access and
 * dirty over a block, single-entry writers unfold a block (break-before-make with a TLB invalidation), the
 * last write of an aligned block tries to fold it, and multi-entry writers only unfold partially covered edge
 * blocks.
 */
public final class PteOps {
    /** folio_pte_batch flags (mm/internal.h). */
    public static final int FPB_RESPECT_DIRTY = 1;
    public static final int FPB_RESPECT_SOFT_DIRTY = 1 << 1;
    public static final int FPB_RESPECT_WRITE = 1 << 2;
    public static final int FPB_MERGE_WRITE = 1 << 3;
    public static final int FPB_MERGE_YOUNG_DIRTY = 1 << 4;

    /** A table of none entries, to compare stretches of a table with. */
    private static final long[] NONE = new long[512];

    private final Arch arch;
    private final Counters c;
    private final PhysMem phys;
    private final int contPtes;
    private final boolean contpte;
    /**
     * What one more slot adds to a swap PTE: the offset is one contiguous field (inverted on x86), so within a run of
     * slots of one device entry j is the first plus j of these (pte_move_swp_offset by j).
     */
    private final long swpStep;

    /** The first PTE of the last {@link #folioPteBatch} with the MERGE flags applied. */
    private long batchPte;
    /** The first old entry of the last {@link #getAndClearFolioPtes} run with A/D merged from all of it. */
    private long clearedPte;

    public PteOps(Arch arch, Counters counters, PhysMem phys) {
        this.arch = arch;
        this.c = counters;
        this.phys = phys;
        this.contPtes = arch.contPtes();
        this.contpte = arch.hasContpte();
        long one = arch.swpEntryPte(0, 1);
        this.swpStep = arch.pteMoveSwpOffset(one, 1) - one;
    }

    public Arch arch() { return arch; }

    // ---- reads --------------------------------------------------------------------------------------

    /** __ptep_get: the raw entry. */
    public long ptepGetRaw(long[] t, int i) {
        c.inc(Event.PTE_READ);
        return t[i];
    }

    /** ptep_get: the entry; on arm64 a contpte entry carries the access/dirty bits of its whole block. */
    public long ptepGet(long[] t, int i) {
        c.inc(Event.PTE_READ);
        long pte = t[i];
        if (!contpte || !arch.pteValid(pte) || !arch.pteCont(pte)) return pte;
        return gatherBlock(t, i, pte);
    }

    /**
     * Two ptep_get of the same entry back to back with nothing in between (page_vma_mapped_walk's check_pte, then
     * the caller's read): the entry once, counted as the two reads (and on arm64 the two block gathers) they are.
     */
    public long ptepGetTwice(long[] t, int i) {
        c.add(Event.PTE_READ, 2);
        long pte = t[i];
        if (!contpte || !arch.pteValid(pte) || !arch.pteCont(pte)) return pte;
        return gatherBlock(t, i, pte, 2);
    }

    /** contpte_ptep_get: OR access and dirty over the block, stopping once both are known. */
    private long gatherBlock(long[] t, int i, long pte) { return gatherBlock(t, i, pte, 1); }

    /** {@link #gatherBlock(long[], int, long)} done {@code times} times over, counted so, read once. */
    private long gatherBlock(long[] t, int i, long pte, int times) {
        int base = i & ~(contPtes - 1);
        int reads = 0;
        boolean young = false;
        boolean dirty = false;
        for (int j = base; j < base + contPtes; j++) {
            long e = t[j];
            reads++;
            young |= arch.pteYoung(e);
            dirty |= arch.pteDirty(e);
            if (young && dirty) break;
        }
        c.add(Event.PTE_READ_CONT_GATHER, (long) reads * times);
        if (young) pte = arch.pteMkyoung(pte);
        if (dirty) pte = arch.pteMkdirty(pte);
        return pte;
    }

    /**
     * ptep_get over a stretch of none entries: the number of consecutive none entries from {@code i} (at most
     * {@code max}), each counted as the single read that ptep_get of a none entry is. A walker steps over an
     * unpopulated stretch with one call instead of one per entry; the counts are the same.
     */
    public int noneRun(long[] t, int i, int max) {
        if (max <= 0 || t[i] != 0) return 0;
        // a vectorised comparison with a table of none entries finds the first populated entry
        int m = Arrays.mismatch(t, i, i + max, NONE, 0, max);
        int run = m < 0 ? max : m;
        c.add(Event.PTE_READ, run);
        return run;
    }

    /** pte_batch_hint: entries from {@code i} to the end of its contpte block if {@code pte} is a valid cont entry, else 1. */
    public int pteBatchHint(int i, long pte) {
        if (!contpte || !arch.pteValid(pte) || !arch.pteCont(pte)) return 1;
        return contPtes - (i & (contPtes - 1));
    }

    // ---- writes -------------------------------------------------------------------------------------

    /**
     * set_ptes: writes {@code pte} and the same value with pfn+1, +2, ... into nr entries. For nr &gt; 1 the old
     * entries must be non-present. arm64: nr == 1 unfolds a cont block under the entry and tries to fold after;
     * nr &gt; 1 sets the cont bit on whole aligned blocks directly.
     */
    public void setPtes(long[] t, int i, long addr, long pte, int nr) {
        if (nr > 1) c.inc(Event.PTE_BATCH_OP);
        c.add(Event.PTE_WRITE, nr);
        if (!contpte) {
            for (int j = 0; j < nr; j++) t[i + j] = arch.pteWithPfn(pte, arch.ptePfn(pte) + j);
            return;
        }
        setPtesCont(t, i, addr, pte, nr);
    }

    /**
     * The arm64 part of {@link #setPtes}, a method of its own so that setPtes stays small enough for the JIT to
     * inline on the per-PTE paths of architectures without contpte even after arm64 machines ran in the same JVM.
     */
    private void setPtesCont(long[] t, int i, long addr, long pte, int nr) {
        pte = arch.pteMknoncont(pte);
        if (nr == 1) {
            tryUnfold(t, i, addr);
            t[i] = pte;
            tryFold(t, i, addr, pte);
            return;
        }
        // contpte_set_ptes: cut at block boundaries; a chunk that is a whole aligned block (VA and PA) gets cont.
        long pfn = arch.ptePfn(pte);
        int mask = contPtes - 1;
        if (nr == contPtes && (i & mask) == 0 && (pfn & mask) == 0) {
            fillConsecutive(t, i, arch.pteMkcont(pte), nr); // one whole block, the common case
            return;
        }
        int j = 0;
        while (j < nr) {
            int idx = i + j;
            int chunk = Math.min(nr - j, contPtes - (idx & (contPtes - 1)));
            boolean whole = chunk == contPtes && ((pfn + j) & (contPtes - 1)) == 0;
            long v = whole ? arch.pteMkcont(pte) : pte;
            fillConsecutive(t, idx, arch.pteWithPfn(v, pfn + j), chunk);
            j += chunk;
        }
    }

    /**
     * Writes nr swap PTEs whose offsets increase by one from {@code swp} (other swap bits kept) into entries that the
     * caller has cleared: the batched swap-PTE write of seed 001 (one call, nr entries).
     */
    public void setSwapPtes(long[] t, int i, long swp, int nr) {
        countSwapPtes(nr);
        writeSwapRun(t, i, swp, nr);
    }

    /** Writes swap entry {@code swp} at t[i] and the entries of the following slots after it, nr in all. */
    private void writeSwapRun(long[] t, int i, long swp, int nr) {
        long step = swpStep;
        for (int j = 0; j < nr; j++) t[i + j] = swp + j * step;
    }

    /** The counts of {@link #setSwapPtes} of nr entries. */
    private void countSwapPtes(int nr) {
        if (nr > 1) c.inc(Event.PTE_BATCH_OP);
        c.add(Event.PTE_WRITE_SWAP, nr);
    }

    /** set_pte_at of a non-present value (a swap entry or none), one entry. */
    public void setSwapPte(long[] t, int i, long addr, long swp) {
        if (contpte) tryUnfold(t, i, addr);
        c.inc(Event.PTE_WRITE_SWAP);
        t[i] = swp;
    }

    /**
     * get_and_clear_full_ptes: clears nr entries and returns the first old value with dirty and young OR-ed in
     * from all of them. arm64: nr == 1 unfolds; nr &gt; 1 unfolds only partially covered edge blocks.
     */
    public long getAndClearFullPtes(long[] t, int i, long addr, int nr) { return startFullPtes(t, i, addr, nr, true); }

    /**
     * {@link #getAndClearFullPtes}, with the none entries written only if {@code clear} (see
     * {@link #startFolioPtes}); the counts and the unfolds are the same either way.
     */
    private long startFullPtes(long[] t, int i, long addr, int nr, boolean clear) {
        if (nr > 1) c.inc(Event.PTE_BATCH_OP); else c.inc(Event.PTE_CLEAR_SINGLE);
        if (contpte) unfoldForRange(t, i, addr, nr);
        c.add(Event.PTE_CLEAR, nr);
        long first = t[i];
        boolean young = false;
        boolean dirty = false;
        // the access bits until both are known, then the entries cleared in one fill
        for (int j = 0; j < nr && !(young && dirty); j++) {
            long e = t[i + j];
            young |= arch.pteYoung(e);
            dirty |= arch.pteDirty(e);
        }
        if (clear) Arrays.fill(t, i, i + nr, 0L);
        if (young) first = arch.pteMkyoung(first);
        if (dirty) first = arch.pteMkdirty(first);
        return first;
    }

    /**
     * The single-entry steps of move_ptes over a run of present entries that each move alone: for each entry, the
     * ptep_get read, get_and_clear_full_ptes of one entry and set_ptes of one entry at {@code dst[dstAddr]}, the
     * value made soft-dirty when {@code softDirty} (move_soft_dirty_pte). Stops before the first entry that is not
     * present or whose destination is not none, after at most {@code max}; on arm64 also before a valid cont entry
     * (its block moves as a batch or is unfolded). The arm64 single-entry steps are all there: an entry that is not
     * a valid cont entry is read raw and cleared without an unfold, its destination (none) needs no unfold, the
     * value written is non-cont, and the write of the last entry of an aligned block tries to fold that block
     * (contpte_try_fold, with its own counts). Returns the entries moved; the events of the single-entry calls are
     * added once for the run.
     */
    public int moveSinglePtes(long[] src, int si, long[] dst, int di, long dstAddr, int max, boolean softDirty) {
        int k = 0;
        if (!contpte) {
            for (; k < max; k++) {
                long pte = src[si + k];
                if (!arch.ptePresent(pte) || dst[di + k] != 0) break;
                src[si + k] = 0;
                dst[di + k] = softDirty ? arch.pteMksoftDirty(pte) : pte;
            }
        } else {
            int mask = contPtes - 1;
            for (; k < max; k++) {
                long pte = src[si + k];
                if (!arch.ptePresent(pte) || (arch.pteValid(pte) && arch.pteCont(pte)) || dst[di + k] != 0) break;
                src[si + k] = 0;
                long v = arch.pteMknoncont(softDirty ? arch.pteMksoftDirty(pte) : pte);
                dst[di + k] = v;
                if (((di + k) & mask) == mask) tryFold(dst, di + k, dstAddr + ((long) k << Arch.PAGE_SHIFT), v);
            }
        }
        if (k == 0) return 0;
        c.add(Event.PTE_READ, k);
        c.add(Event.PTE_CLEAR_SINGLE, k);
        c.add(Event.PTE_CLEAR, k);
        c.add(Event.PTE_WRITE, k);
        return k;
    }

    /**
     * The batched steps of move_ptes (mremap-pte-batch, arm64) over a run of whole contpte blocks that each map one
     * folio of exactly one block: per block the ptep_get read with its access/dirty gather, the folio look-up (the
     * batch is the block: its hint reaches the folio's end), get_and_clear_full_ptes of the block and set_ptes of it at
     * {@code dst[di]}, cont again there. Stops before an entry that does not start such a block at block-aligned
     * {@code si} and {@code di}, before a destination entry that is not none, and when fewer than a block's entries
     * are left of {@code max}. Returns the entries moved; the events of the per-block steps are added once for the
     * run (PTE_MOVE is the caller's).
     */
    public int moveContBlocks(long[] src, int si, long[] dst, int di, int max) {
        int mask = contPtes - 1;
        if (!contpte || arch.hasSoftDirty() || ((si | di) & mask) != 0) return 0; // (move_soft_dirty_pte not done here)
        int k = 0;
        long gathered = 0;
        while (k + contPtes <= max) {
            long first = src[si + k];
            if (!arch.pteValid(first) || !arch.pteCont(first) || arch.pteSpecial(first) || dst[di + k] != 0) break;
            long pfn = arch.ptePfn(first);
            if ((pfn & mask) != 0 || phys.folioOrder(pfn) != Integer.numberOfTrailingZeros(contPtes)) break;
            // the gather of ptep_get and the merge of get_and_clear_full_ptes read the same entries: until both known
            boolean young = false;
            boolean dirty = false;
            int reads = 0;
            while (reads < contPtes && !(young && dirty)) {
                long e = src[si + k + reads++];
                young |= arch.pteYoung(e);
                dirty |= arch.pteDirty(e);
            }
            gathered += reads;
            long v = first;
            if (young) v = arch.pteMkyoung(v);
            if (dirty) v = arch.pteMkdirty(v);
            Arrays.fill(src, si + k, si + k + contPtes, 0L);
            fillConsecutive(dst, di + k, arch.pteMkcont(arch.pteMknoncont(v)), contPtes);
            k += contPtes;
        }
        if (k == 0) return 0;
        long blocks = k / contPtes;
        c.add(Event.PTE_READ, blocks);
        c.add(Event.PTE_READ_CONT_GATHER, gathered);
        c.add(Event.FOLIO_LOOKUP, blocks);
        c.add(Event.PTE_BATCH_OP, 2 * blocks);
        c.add(Event.PTE_CLEAR, k);
        c.add(Event.PTE_WRITE, k);
        return k;
    }

    /** clear_full_ptes: clears nr entries (A/D not needed). */
    public void clearFullPtes(long[] t, int i, long addr, int nr) {
        if (nr > 1) c.inc(Event.PTE_BATCH_OP); else c.inc(Event.PTE_CLEAR_SINGLE);
        if (contpte) unfoldForRange(t, i, addr, nr);
        c.add(Event.PTE_CLEAR, nr);
        for (int j = 0; j < nr; j++) t[i + j] = 0;
    }

    /** pte_clear of a non-present entry (swap entry zap). */
    public void pteClear(long[] t, int i) {
        c.inc(Event.PTE_CLEAR);
        t[i] = 0;
    }

    /** wrprotect_ptes: clears write on nr entries; full contpte blocks stay cont. */
    public void wrprotectPtes(long[] t, int i, long addr, int nr) {
        if (nr > 1) c.inc(Event.PTE_BATCH_OP);
        if (contpte) unfoldForRange(t, i, addr, nr);
        c.add(Event.PTE_WRITE, nr);
        for (int j = 0; j < nr; j++) t[i + j] = arch.pteWrprotect(t[i + j]);
    }

    /**
     * modify_prot_start_ptes: starts a protection change of nr entries by clearing them; returns the first old
     * value with A/D merged from all (arm64: through get_and_clear_ptes).
     */
    public long modifyProtStartPtes(long[] t, int i, long addr, int nr) {
        return getAndClearFullPtes(t, i, addr, nr);
    }

    /**
     * modify_prot_commit_ptes: writes {@code pte} for the first entry and the same protection for the rest,
     * advancing only the pfn. Generic: one ptep_modify_prot_commit (set_pte_at) per entry; arm64: one set_ptes.
     */
    public void modifyProtCommitPtes(long[] t, int i, long addr, long pte, int nr) {
        if (contpte) {
            setPtes(t, i, addr, pte, nr);
            return;
        }
        // one single-entry set_pte_at per entry: PTE_WRITE each, no batch op (what setPtes(.., 1) counts)
        c.add(Event.PTE_WRITE, nr);
        fillConsecutive(t, i, pte, nr);
    }

    /**
     * Writes {@code pte} into entry i and the same value with pfn+1, pfn+2, ... into the next nr-1 entries. On both
     * architectures the pfn is a contiguous field starting at bit PAGE_SHIFT, so the entry of the page pfn+k is the
     * entry of pfn plus k pages' worth of that field (no carry leaves the field: pfns stay far below its top).
     */
    static void fillConsecutive(long[] t, int i, long pte, int nr) {
        for (int k = 0; k < nr; k++) t[i + k] = pte + ((long) k << Arch.PAGE_SHIFT);
    }

    /**
     * ptep_set_access_flags: makes one entry young/dirty/writable as {@code entry} says (fault paths). arm64: when
     * only A/D change on a cont entry, every entry of the block is updated without unfolding; a write-permission
     * change unfolds first.
     */
    public void ptepSetAccessFlags(long[] t, int i, long addr, long entry) {
        long old = t[i];
        if (contpte && arch.pteValid(old) && arch.pteCont(old)) {
            if (arch.pteWrite(old) == arch.pteWrite(entry)) {
                int base = i & ~(contPtes - 1);
                for (int j = base; j < base + contPtes; j++) {
                    long e = t[j];
                    if (arch.pteYoung(entry)) e = arch.pteMkyoung(e);
                    if (arch.pteDirty(entry)) e = arch.pteMkdirty(e);
                    t[j] = e;
                }
                c.add(Event.PTE_WRITE, contPtes);
                return;
            }
            tryUnfold(t, i, addr);
        }
        c.inc(Event.PTE_WRITE);
        t[i] = arch.pteMknoncont(entry);
        if (contpte) tryFold(t, i, addr, t[i]);
    }

    /**
     * clear_young_dirty_ptes(CYDP_CLEAR_YOUNG | CYDP_CLEAR_DIRTY) over nr entries (MADV_FREE). arm64: the range is
     * expanded to whole contpte blocks, which stay folded.
     */
    public void clearYoungDirtyPtes(long[] t, int i, int nr) { clearYoungDirtyPtes(t, i, nr, true); }

    /**
     * clear_young_dirty_ptes(CYDP_CLEAR_YOUNG) over nr entries (MADV_COLD): the entries made old, dirty kept. arm64
     * writes every entry of the range expanded to whole contpte blocks (a compare-and-exchange each; the blocks stay
     * folded); elsewhere ptep_test_and_clear_young writes only the entries that are young.
     */
    public void clearYoungPtes(long[] t, int i, int nr) { clearYoungDirtyPtes(t, i, nr, false); }

    private void clearYoungDirtyPtes(long[] t, int i, int nr, boolean clean) {
        if (nr > 1) c.inc(Event.PTE_BATCH_OP);
        int s = i;
        int e = i + nr;
        if (contpte) {
            if (arch.pteValid(t[s]) && arch.pteCont(t[s])) s &= ~(contPtes - 1);
            if (arch.pteValid(t[e - 1]) && arch.pteCont(t[e - 1])) e = (e + contPtes - 1) & ~(contPtes - 1);
        }
        int writes = 0;
        for (int j = s; j < e; j++) {
            long old = t[j];
            if (!clean && !contpte && !arch.pteYoung(old)) continue; // test-and-clear of an old entry writes nothing
            t[j] = clean ? arch.pteMkold(arch.pteMkclean(old)) : arch.pteMkold(old);
            writes++;
        }
        c.add(Event.PTE_WRITE, writes);
    }

    // ---- folio_pte_batch ----------------------------------------------------------------------------------

    /**
     * folio_pte_batch_flags: the number (&gt;= 1) of consecutive present entries from {@code i}, at most {@code maxNr},
     * mapping consecutive pages of the folio {@code folioHead} and identical but for the pfn, young and the bits
     * not respected by {@code flags}. {@code first} is the already read first entry (ptep_get). With MERGE flags,
     * the merged first entry is available from {@link #batchPte()}.
     */
    public int folioPteBatch(long folioHead, long[] t, int i, long first, int maxNr, int flags) {
        long pfn = arch.ptePfn(first);
        long folioEnd = folioHead + phys.folioNrPages(folioHead);
        maxNr = (int) Math.min(maxNr, folioEnd - pfn);
        batchPte = first;
        int nr = pteBatchHint(i, first);
        boolean anyWrite = arch.pteWrite(first);
        boolean anyYoung = arch.pteYoung(first);
        boolean anyDirty = arch.pteDirty(first);
        // when the first entry's contpte block already reaches maxNr, nothing more is read
        if (nr < maxNr) {
            long expected = clearIgnored(arch.pteWithPfn(first, pfn + nr), flags);
            if (!contpte) {
                // No batch hint: one plain read per entry. An entry equal to the first one but for the pfn matches
                // whatever the flags ignore and adds no write/young/dirty bit the first did not have, so only entries
                // that differ need the full comparison. Reads are counted once for the run.
                int reads = 0;
                while (nr < maxNr) {
                    long pte = t[i + nr];
                    reads++;
                    if (pte != arch.pteWithPfn(first, pfn + nr)) {
                        if (!arch.ptePresent(pte) || clearIgnored(pte, flags) != expected) break;
                        anyWrite |= arch.pteWrite(pte);
                        anyYoung |= arch.pteYoung(pte);
                        anyDirty |= arch.pteDirty(pte);
                    }
                    nr++;
                    expected = arch.pteWithPfn(expected, pfn + nr);
                }
                c.add(Event.PTE_READ, reads);
            } else {
                while (nr < maxNr) {
                    long pte = ptepGet(t, i + nr);
                    if (!arch.ptePresent(pte) || clearIgnored(pte, flags) != expected) break;
                    anyWrite |= arch.pteWrite(pte);
                    anyYoung |= arch.pteYoung(pte);
                    anyDirty |= arch.pteDirty(pte);
                    int step = pteBatchHint(i + nr, pte);
                    expected = arch.pteWithPfn(expected, arch.ptePfn(expected) + step);
                    nr += step;
                }
            }
        }
        if ((flags & FPB_MERGE_WRITE) != 0 && anyWrite) batchPte = arch.pteMkwrite(batchPte);
        if ((flags & FPB_MERGE_YOUNG_DIRTY) != 0) {
            if (anyYoung) batchPte = arch.pteMkyoung(batchPte);
            if (anyDirty) batchPte = arch.pteMkdirty(batchPte);
        }
        return Math.min(nr, maxNr);
    }

    /** The first PTE of the last batch with MERGE flags applied. */
    public long batchPte() { return batchPte; }

    /**
     * folio_pte_batch_flags followed by get_and_clear_full_ptes of the run it found (the start of mprotect's
     * modify_prot_start_ptes and of try_to_unmap_one's batch; zap_present_ptes's clear_full_ptes, which counts the
     * same, ignoring the merged value): returns nr, and {@link #clearedPte()} gives the first old value with A/D
     * merged from the run. Counts exactly what the two calls count. Without contpte the entries are
     * compared and cleared in one pass: an entry that extends the run is part of what get_and_clear_full_ptes clears,
     * and the entry that ends it is left as it is.
     */
    public int getAndClearFolioPtes(long folioHead, long[] t, int i, long addr, long first, int maxNr, int flags) {
        return folioPtes(folioHead, t, i, addr, first, maxNr, flags, true);
    }

    /**
     * {@link #getAndClearFolioPtes} followed by {@link #setSwapPtes}{@code (t, i, swp, nr)} of the run it found, the
     * swap-out of try_to_unmap_one when nothing between the two can fail: each entry of the run is written with its
     * swap entry in the pass that reads it instead of with none first (on arm64 the contpte gather reads, then one
     * write pass). The same run, merged value ({@link #clearedPte()}), unfolds and counts as the two calls. Returns nr.
     */
    public int swapOutFolioPtes(long folioHead, long[] t, int i, long addr, long first, int maxNr, int flags, long swp) {
        int nr;
        if (contpte) {
            // the run, its merged value, unfolds and counts without the none writes, then the swap entries
            nr = folioPtes(folioHead, t, i, addr, first, maxNr, flags, false);
            writeSwapRun(t, i, swp, nr);
        } else {
            long step = swpStep;
            // getAndClearPlainFolioPtes's pass, writing swap entries where it writes none (a loop of its own: sharing
            // that one made the zap's clear about 0.1 ns/PTE slower)
            maxNr = (int) Math.min(maxNr, folioHead + phys.folioNrPages(folioHead) - arch.ptePfn(first));
            batchPte = first;
            long raw = t[i];
            boolean young = arch.pteYoung(raw);
            boolean dirty = arch.pteDirty(raw);
            long firstIgnored = clearIgnored(first, flags);
            t[i] = swp;
            nr = 1;
            while (nr < maxNr) {
                long pte = t[i + nr];
                long pfnStep = (long) nr << Arch.PAGE_SHIFT;
                if (pte != first + pfnStep) {
                    if (!arch.ptePresent(pte) || clearIgnored(pte, flags) != firstIgnored + pfnStep) break;
                    young |= arch.pteYoung(pte);
                    dirty |= arch.pteDirty(pte);
                }
                t[i + nr] = swp + nr * step;
                nr++;
            }
            endPlainRun(raw, young, dirty, nr, maxNr);
        }
        countSwapPtes(nr);
        return nr;
    }

    /**
     * {@link #getAndClearFolioPtes} as mprotect's modify_prot_start_ptes, without writing the none entries: the same
     * run, merged value, unfolds and counts, but the run's entries keep their old values, because
     * modify_prot_commit_ptes writes every one of them before anything reads the table again, which makes those
     * writes dead. A caller that commits the run in parts, whose single-entry writes read the entry first, calls
     * {@link #clearStarted} before.
     */
    public int startFolioPtes(long folioHead, long[] t, int i, long addr, long first, int maxNr, int flags) {
        return folioPtes(folioHead, t, i, addr, first, maxNr, flags, false);
    }

    /** Writes the none entries that {@link #startFolioPtes} left out, counting nothing (it counted them). */
    public void clearStarted(long[] t, int i, int nr) { Arrays.fill(t, i, i + nr, 0L); }

    private int folioPtes(long folioHead, long[] t, int i, long addr, long first, int maxNr, int flags, boolean clear) {
        long pfn = arch.ptePfn(first);
        maxNr = (int) Math.min(maxNr, folioHead + phys.folioNrPages(folioHead) - pfn);
        if (contpte) {
            // A contpte block that reaches maxNr is the whole batch: folio_pte_batch reads nothing more.
            int nr = pteBatchHint(i, first) >= maxNr ? maxNr : folioPteBatch(folioHead, t, i, first, maxNr, flags);
            batchPte = first;
            clearedPte = startFullPtes(t, i, addr, nr, clear);
            return nr;
        }
        return getAndClearPlainFolioPtes(t, i, first, maxNr, flags, clear);
    }

    /**
     * The one-pass part of {@link #getAndClearFolioPtes} without contpte (a method of its own, so that the caller
     * stays small enough for the JIT to inline it into the per-folio loops).
     */
    private int getAndClearPlainFolioPtes(long[] t, int i, long first, int maxNr, int flags, boolean clear) {
        batchPte = first;
        long raw = t[i];
        boolean young = arch.pteYoung(raw);
        boolean dirty = arch.pteDirty(raw);
        long firstIgnored = clearIgnored(first, flags);
        if (clear) t[i] = 0;
        int nr = 1;
        while (nr < maxNr) {
            long pte = t[i + nr];
            long step = (long) nr << Arch.PAGE_SHIFT; // pfn + nr (see fillConsecutive)
            if (pte != first + step) {
                if (!arch.ptePresent(pte) || clearIgnored(pte, flags) != firstIgnored + step) break;
                young |= arch.pteYoung(pte);
                dirty |= arch.pteDirty(pte);
            }
            if (clear) t[i + nr] = 0;
            nr++;
        }
        return endPlainRun(raw, young, dirty, nr, maxNr);
    }

    /**
     * The end of a run of {@link #getAndClearPlainFolioPtes} (or {@link #swapOutFolioPtes}) of nr entries found
     * among at most maxNr: its counts, and the first old value {@code raw} with the run's access/dirty bits as
     * {@link #clearedPte()}. Returns nr.
     */
    private int endPlainRun(long raw, boolean young, boolean dirty, int nr, int maxNr) {
        // folio_pte_batch read every entry after the first up to the one that ended the run (or maxNr)
        c.add(Event.PTE_READ, nr < maxNr ? nr : nr - 1);
        if (nr > 1) c.inc(Event.PTE_BATCH_OP); else c.inc(Event.PTE_CLEAR_SINGLE);
        c.add(Event.PTE_CLEAR, nr);
        if (young) raw = arch.pteMkyoung(raw);
        if (dirty) raw = arch.pteMkdirty(raw);
        clearedPte = raw;
        return nr;
    }

    /** The merged old value of the run the last {@link #getAndClearFolioPtes} cleared. */
    public long clearedPte() { return clearedPte; }

    private long clearIgnored(long pte, int flags) {
        if ((flags & FPB_RESPECT_DIRTY) == 0) pte = arch.pteMkclean(pte);
        if ((flags & FPB_RESPECT_SOFT_DIRTY) == 0) pte = arch.pteClearSoftDirty(pte);
        if ((flags & FPB_RESPECT_WRITE) == 0) pte = arch.pteWrprotect(pte);
        return arch.pteMkold(pte);
    }

    // ---- arm64 contpte management --------------------------------------------------------------------------

    /** contpte_try_unfold_partial for a multi-entry range, contpte_try_unfold for one entry. */
    private void unfoldForRange(long[] t, int i, long addr, int nr) {
        int mask = contPtes - 1;
        if (nr == contPtes && (i & mask) == 0) return; // one whole block: no edge is partially covered
        if (nr == 1) {
            tryUnfold(t, i, addr);
            return;
        }
        if ((i & mask) != 0 || nr < contPtes) {
            c.inc(Event.PTE_READ);
            tryUnfold(t, i, addr);
        }
        if (((i + nr) & mask) != 0) {
            c.inc(Event.PTE_READ);
            tryUnfold(t, i + nr - 1, addr + ((long) (nr - 1) << Arch.PAGE_SHIFT));
        }
    }

    /** contpte_try_unfold: if the entry is a valid cont entry, rewrite its block without the cont bit. */
    private void tryUnfold(long[] t, int i, long addr) {
        long pte = t[i];
        if (arch.pteValid(pte) && arch.pteCont(pte)) {
            convert(t, i, addr, false);
            c.inc(Event.CONTPTE_UNFOLD);
        }
    }

    /**
     * contpte_try_fold: after a single-entry write of the last entry of an aligned block whose pfn is also the
     * last of an aligned group, fold the block if all 16 entries map consecutive pages of one folio with equal
     * protection (access/dirty may differ).
     */
    private void tryFold(long[] t, int i, long addr, long pte) {
        int mask = contPtes - 1;
        if ((i & mask) != mask || !arch.pteValid(pte) || arch.pteSpecial(pte)) return;
        long pfn = arch.ptePfn(pte);
        if ((pfn & mask) != mask) return;
        long basePfn = pfn - mask;
        // the folio's size first: it rules out an order-0 page (the common case) with one metadata read
        long head = phys.folioHead(pfn);
        if (phys.folioNrPages(head) < contPtes || phys.folioHead(basePfn) != head || !phys.isInUse(head)) return;
        int base = i - mask;
        long expected = arch.pteMkold(arch.pteMkclean(arch.pteWithPfn(pte, basePfn)));
        for (int j = 0; j < contPtes; j++) {
            long e = t[base + j];
            c.inc(Event.PTE_READ);
            if (arch.pteMkold(arch.pteMkclean(e)) != expected) return;
            expected = arch.pteWithPfn(expected, arch.ptePfn(expected) + 1);
        }
        convert(t, i, addr, true);
        c.inc(Event.CONTPTE_FOLD);
    }

    /** contpte_convert: break-before-make of one block (clear 16, invalidate the TLB for the block, write 16). */
    private void convert(long[] t, int i, long addr, boolean cont) {
        int base = i & ~(contPtes - 1);
        long start = addr - ((long) (i - base) << Arch.PAGE_SHIFT);
        long pte = t[i];
        long basePfn = arch.ptePfn(pte) - (i - base);
        boolean young = false;
        boolean dirty = false;
        for (int j = base; j < base + contPtes; j++) {
            young |= arch.pteYoung(t[j]);
            dirty |= arch.pteDirty(t[j]);
            t[j] = 0;
        }
        c.add(Event.PTE_CLEAR, contPtes);
        arch.flushTlbRange(c, start, start + ((long) contPtes << Arch.PAGE_SHIFT));
        if (young) pte = arch.pteMkyoung(pte);
        if (dirty) pte = arch.pteMkdirty(pte);
        pte = cont ? arch.pteMkcont(pte) : arch.pteMknoncont(pte);
        for (int j = 0; j < contPtes; j++) t[base + j] = arch.pteWithPfn(pte, basePfn + j);
        c.add(Event.PTE_WRITE, contPtes);
    }
}
