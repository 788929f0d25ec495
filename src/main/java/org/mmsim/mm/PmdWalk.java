package org.mmsim.mm;

import org.mmsim.arch.Arch;
import org.mmsim.pgtable.PageTables;

/**
 * The PMD-level loop of a page-range walk (zap_pmd_range, change_pmd_range, the madvise walkers): visits each
 * PMD-sized step of [start, end) that has a PMD entry, skipping missing upper tables and empty entries. A huge
 * (leaf) PMD goes to {@link Visitor#leaf}; when that declines, the PMD is split into PTEs and the step continues
 * at PTE level like any page-table entry.
 */
final class PmdWalk {
    private PmdWalk() {}

    /** What a walk does at each step. */
    interface Visitor {
        /**
         * A leaf PMD covering {@code [addr, next)} ({@code whole} if the step is the entire 2 MiB). Returns true when
         * handled; false to have the PMD split and the step continue with {@link #pteRange}.
         */
        boolean leaf(long[] pmdTable, int index, long addr, long next, boolean whole);

        /** The PTE table {@code t} covering {@code [addr, next)} (both inside one table). */
        void pteRange(long[] t, long addr, long next);
    }

    static void walk(Mm mm, long start, long end, Visitor v) {
        Arch arch = mm.env.arch;
        long a = start;
        while (a < end) {
            long next = Math.min((a & ~(Arch.PMD_SIZE - 1)) + Arch.PMD_SIZE, end);
            long[] m = mm.pt.pmdTable(a, false);
            if (m == null) {
                a = Math.min((a & ~(Arch.PUD_SIZE - 1)) + Arch.PUD_SIZE, end);
                continue;
            }
            int mi = PageTables.pmdIndex(a);
            long pmd = m[mi];
            if (pmd == 0) {
                a = next;
                continue;
            }
            if (arch.entryIsLeaf(pmd)) {
                if (v.leaf(m, mi, a, next, next - a == Arch.PMD_SIZE)) {
                    a = next;
                    continue;
                }
                Thp.splitHugePmd(mm, m, mi, a & ~(Arch.PMD_SIZE - 1));
                pmd = m[mi];
                if (pmd == 0) { // a shmem PMD mapping is dropped, not split into PTEs
                    a = next;
                    continue;
                }
            }
            v.pteRange(mm.env.tables.get(arch.entryTableId(pmd)), a, next);
            a = next;
        }
    }
}
