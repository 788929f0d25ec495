package org.mmsim.pgtable;

import java.util.Arrays;

import org.mmsim.arch.Counters;
import org.mmsim.arch.Event;

/**
 * The page-table pages of one simulated machine: a pool of {@code long[512]} tables addressed by an id
 * (id 0 is never used, so an id can be stored in an upper-level entry's pfn field). Freed ids are reused, and so
 * are the arrays of freed tables (up to a bound), which spares a 4 KiB allocation and its zeroing on the
 * map/unmap churn of workloads such as seed 000.
 */
public final class TableStore {
    private long[][] tables = new long[64][];
    private int[] free = new int[64];
    private int freeCount;
    private int next = 1;
    private int live;
    private final Counters counters;
    /** Freed tables kept for reuse (all zero; {@link #alloc} checks it when verifying), at most {@link #POOL_MAX}. */
    private final long[][] pool = new long[POOL_MAX][];
    private int pooled;
    /** 4 MiB of tables: enough for the map/unmap churn of a workload, little heap once it is over. */
    private static final int POOL_MAX = 1024;
    /** Whether {@link #alloc} checks that a pooled table is still all zero (see {@link #verifyReuse}). */
    private boolean verifyReuse;

    public TableStore(Counters counters) { this.counters = counters; }

    /** Allocates a zeroed table (pte_alloc / pmd_alloc / pud_alloc). */
    public int alloc() {
        int id;
        if (freeCount > 0) {
            id = free[--freeCount];
        } else {
            id = next++;
            if (id >= tables.length) tables = Arrays.copyOf(tables, tables.length * 2);
        }
        long[] t;
        if (pooled > 0) {
            t = pool[--pooled];
            pool[pooled] = null;
            // the check that the table was empty when freed, made here: reading the table now brings it into the
            // cache for the writes that follow, where a check at free time is a second pass over a table the zap
            // or move left long ago (it also catches a write through a stale reference after the free)
            if (verifyReuse && !isZero(t)) {
                throw new IllegalStateException("a page table was freed with entries (or written after its free)");
            }
        } else {
            t = new long[512];
        }
        tables[id] = t;
        live++;
        counters.inc(Event.PGTABLE_ALLOC);
        return id;
    }

    /**
     * Turns on or off the check, at each reuse of a pooled table, that it is still all zero: a model bug that frees
     * a table with entries, or writes to one after its free, ends the run there instead of leaving the entries to
     * appear in the next table allocated. The invariant checker turns it on with itself (with the checker on, every
     * run is also checked for such tables at its end, {@link #dirtyPooled}); without the checker the reads are not
     * paid: they cost 7-9 % of a run that moves page tables all the time (bigheap-realloc.mms with a 1 GiB heap, cold:
     * 816-821 against 877-888 ms; docs/performance.md, session 6).
     */
    public void verifyReuse(boolean on) { verifyReuse = on; }

    /**
     * Frees a table; it must be empty. A table kept in the pool is checked when {@link #alloc} takes it again; one
     * the pool has no room for is checked now.
     */
    public void free(int id) {
        long[] t = tables[id];
        if (pooled < POOL_MAX) {
            pool[pooled++] = t;
        } else if (!isZero(t)) {
            throw new IllegalStateException("freeing a page table that still has entries: id " + id);
        }
        tables[id] = null;
        if (freeCount == free.length) free = Arrays.copyOf(free, free.length * 2);
        free[freeCount++] = id;
        live--;
        counters.inc(Event.PGTABLE_FREE);
    }

    /**
     * How many freed tables waiting in the pool are not all zero (freed with entries, or written after the free):
     * the full invariant check asks, so that a table freed late in a run is checked even if no allocation takes it
     * again.
     */
    public int dirtyPooled() {
        int n = 0;
        for (int i = 0; i < pooled; i++) if (!isZero(pool[i])) n++;
        return n;
    }

    /** True if every entry is zero (a reduction without an early exit, which the JIT vectorises). */
    private static boolean isZero(long[] t) {
        long any = 0;
        for (long e : t) any |= e;
        return any == 0;
    }

    /** The entries of a live table. */
    public long[] get(long id) { return tables[(int) id]; }

    /** True if id names a live table. */
    public boolean isLive(long id) { return id > 0 && id < next && tables[(int) id] != null; }

    /** Live tables. */
    public int liveCount() { return live; }

    /** Heap bytes of the live tables. */
    public long bytes() { return (long) live * (512 * 8 + 16); }
}
