package org.mmsim.pgtable;

import java.util.Arrays;

import org.mmsim.arch.Counters;
import org.mmsim.arch.Event;

/**
 * The page-table pages of one simulated machine: a pool of {@code long[512]} tables addressed by an id
 * (id 0 is never used, so an id can be stored in an upper-level entry's pfn field). Freed ids are reused.
 */
public final class TableStore {
    private long[][] tables = new long[64][];
    private int[] free = new int[64];
    private int freeCount;
    private int next = 1;
    private int live;
    private final Counters counters;

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
        tables[id] = new long[512];
        live++;
        counters.inc(Event.PGTABLE_ALLOC);
        return id;
    }

    /** Frees a table; it must be empty. */
    public void free(int id) {
        long[] t = tables[id];
        long any = 0;
        for (long e : t) any |= e; // a reduction without an early exit, which the JIT vectorises
        if (any != 0) throw new IllegalStateException("freeing a page table that still has entries: id " + id);
        tables[id] = null;
        if (freeCount == free.length) free = Arrays.copyOf(free, free.length * 2);
        free[freeCount++] = id;
        live--;
        counters.inc(Event.PGTABLE_FREE);
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
