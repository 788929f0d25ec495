package org.mmsim.pgtable;

import org.mmsim.arch.Arch;

/**
 * The 4-level page-table tree of one address space (pgd, pud, pmd, pte), with the walks and allocations of
 * mm/memory.c ({@code pte_alloc}, {@code pmd_alloc}, ...) and {@code free_pgtables}. Upper-level entries use
 * the architecture's table-entry encoding with the table id in the pfn field; a PMD may also be a leaf (THP).
 */
public final class PageTables {
    private final Arch arch;
    private final TableStore store;
    private final int pgd;

    public PageTables(Arch arch, TableStore store) {
        this.arch = arch;
        this.store = store;
        this.pgd = store.alloc();
    }

    public TableStore store() { return store; }

    public static int pgdIndex(long addr) { return (int) ((addr >>> Arch.PGDIR_SHIFT) & 511); }

    public static int pudIndex(long addr) { return (int) ((addr >>> Arch.PUD_SHIFT) & 511); }

    public static int pmdIndex(long addr) { return (int) ((addr >>> Arch.PMD_SHIFT) & 511); }

    public static int pteIndex(long addr) { return (int) ((addr >>> Arch.PAGE_SHIFT) & 511); }

    /** The PUD table covering addr, or null (alloc = false) when missing. */
    public long[] pudTable(long addr, boolean alloc) {
        long[] g = store.get(pgd);
        int gi = pgdIndex(addr);
        if (g[gi] == 0) {
            if (!alloc) return null;
            g[gi] = arch.mkTableEntry(store.alloc());
        }
        return store.get(arch.entryTableId(g[gi]));
    }

    /** The PMD table covering addr, or null when missing (or when the PUD entry is a leaf). */
    public long[] pmdTable(long addr, boolean alloc) {
        long[] u = pudTable(addr, alloc);
        if (u == null) return null;
        int ui = pudIndex(addr);
        if (u[ui] == 0) {
            if (!alloc) return null;
            u[ui] = arch.mkTableEntry(store.alloc());
        }
        if (!arch.entryIsTable(u[ui])) return null;
        return store.get(arch.entryTableId(u[ui]));
    }

    /**
     * The PTE table covering addr, or null when missing, or when the PMD entry is a huge leaf (the caller checks
     * {@link #pmdEntry} for that case).
     */
    public long[] pteTable(long addr, boolean alloc) {
        long[] m = pmdTable(addr, alloc);
        return m == null ? null : pteTable(m, pmdIndex(addr), alloc);
    }

    /** {@link #pteTable(long, boolean)} below PMD table {@code m} already looked up, at its entry {@code mi}. */
    public long[] pteTable(long[] m, int mi, boolean alloc) {
        if (m[mi] == 0) {
            if (!alloc) return null;
            m[mi] = arch.mkTableEntry(store.alloc());
        }
        if (!arch.entryIsTable(m[mi])) return null;
        return store.get(arch.entryTableId(m[mi]));
    }

    /** The PMD entry covering addr (0 if none). */
    public long pmdEntry(long addr) {
        long[] m = pmdTable(addr, false);
        return m == null ? 0 : m[pmdIndex(addr)];
    }

    /** The PUD entry covering addr (0 if none). */
    public long pudEntry(long addr) {
        long[] u = pudTable(addr, false);
        return u == null ? 0 : u[pudIndex(addr)];
    }

    /**
     * free_pgtables for [start, end) once no VMA intersects the given spans: frees every PTE table whose 2 MiB
     * span, PMD table whose 1 GiB span and PUD table whose 512 GiB span lies in [floor, ceiling), the free
     * space around the unmapped range. Tables must be empty (the range was zapped).
     */
    public void freeTables(long start, long end, long floor, long ceiling) {
        long lo = Math.max(floor, 0);
        for (long a = start & ~(Arch.PUD_SIZE * 512 - 1); a < end; a += Arch.PUD_SIZE * 512) {
            long[] g = store.get(pgd);
            int gi = pgdIndex(a);
            if (g[gi] == 0) continue;
            long[] u = store.get(arch.entryTableId(g[gi]));
            long uStart = Math.max(a, start & ~(Arch.PUD_SIZE - 1));
            long uEnd = Math.min(a + Arch.PUD_SIZE * 512, end);
            for (long b = uStart; b < uEnd; b += Arch.PUD_SIZE) {
                int ui = pudIndex(b);
                if (u[ui] == 0 || !arch.entryIsTable(u[ui])) continue;
                long[] m = store.get(arch.entryTableId(u[ui]));
                long mStart = Math.max(b, start & ~(Arch.PMD_SIZE - 1));
                long mEnd = Math.min(b + Arch.PUD_SIZE, end);
                for (long p = mStart; p < mEnd; p += Arch.PMD_SIZE) {
                    int mi = pmdIndex(p);
                    if (m[mi] == 0 || !arch.entryIsTable(m[mi])) continue;
                    if (p >= lo && p + Arch.PMD_SIZE <= ceiling) {
                        store.free((int) arch.entryTableId(m[mi]));
                        m[mi] = 0;
                    }
                }
                if (b >= lo && b + Arch.PUD_SIZE <= ceiling && isEmpty(m)) {
                    store.free((int) arch.entryTableId(u[ui]));
                    u[ui] = 0;
                }
            }
            if (a >= lo && a + Arch.PUD_SIZE * 512 <= ceiling && isEmpty(u)) {
                store.free((int) arch.entryTableId(g[gi]));
                g[gi] = 0;
            }
        }
    }

    /**
     * Frees the PTE table under the PMD entry covering {@code addr} when every entry in it is none (the tail of
     * zap_pte_range with CONFIG_PT_RECLAIM: try_get_and_clear_pmd + free_pte). Returns true if a table was freed.
     */
    public boolean freePteTableIfEmpty(long addr) {
        long[] m = pmdTable(addr, false);
        if (m == null) return false;
        int mi = pmdIndex(addr);
        if (m[mi] == 0 || !arch.entryIsTable(m[mi])) return false;
        int id = (int) arch.entryTableId(m[mi]);
        if (!isEmpty(store.get(id))) return false;
        m[mi] = 0;
        store.free(id);
        return true;
    }

    private static boolean isEmpty(long[] t) {
        for (long e : t) if (e != 0) return false;
        return true;
    }

    /** Visits every live table of this tree (for the invariant checker): level 0 = pgd .. 3 = pte. */
    public void forEachTable(TableVisitor v) {
        visit(pgd, 0, 0, v);
    }

    private void visit(long id, int level, long base, TableVisitor v) {
        long[] t = store.get(id);
        v.table(level, base, t);
        if (level == 3) return;
        int shift = level == 0 ? Arch.PGDIR_SHIFT : level == 1 ? Arch.PUD_SHIFT : Arch.PMD_SHIFT;
        for (int i = 0; i < 512; i++) {
            if (t[i] != 0 && arch.entryIsTable(t[i])) visit(arch.entryTableId(t[i]), level + 1, base + ((long) i << shift), v);
        }
    }

    /** A callback over tables. */
    @FunctionalInterface
    public interface TableVisitor {
        void table(int level, long base, long[] entries);
    }

    /** Frees the whole tree (process exit); every table must be empty except for upper-level pointers. */
    public void destroy() {
        freeTables(0, arch.taskSize(), 0, Long.MAX_VALUE);
        store.free(pgd);
    }

    /** The pgd table id. */
    public int pgdId() { return pgd; }
}
