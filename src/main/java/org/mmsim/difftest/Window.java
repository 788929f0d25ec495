package org.mmsim.difftest;

import org.mmsim.workload.MemoryApi;

/**
 * The address range a difftest plays in: {@code [base, base + size)}, centred on a PUD (1 GiB) boundary so that
 * ranges cross PUD and PMD boundaries. Every call with a sane length stays inside it, so a host run can never touch
 * the JVM's own mappings; the window and a guard margin around it must be free on both backends.
 */
public record Window(long base, long size) {
    public static final long PAGE = 4096;
    public static final long PMD = 2L << 20;
    public static final long PUD = 1L << 30;
    /** Free space demanded on either side of the window, so that accesses running off its ends fault. */
    static final long GUARD = 2 * PMD;

    public Window {
        if (size <= 0 || size % (2 * PMD) != 0 || (base & (PMD - 1)) != 0)
            throw new IllegalArgumentException("window must be PMD-aligned and a multiple of 4M");
    }

    /** The window of {@code size} bytes centred on the PUD boundary {@code pud}. */
    public static Window around(long pud, long size) { return new Window(pud - size / 2, size); }

    public long end() { return base + size; }

    /** The PUD boundary the window is centred on. */
    public long pud() { return base + size / 2; }

    public boolean contains(long addr) { return addr >= base && addr < end(); }

    /**
     * The first window of {@code size} bytes around a PUD boundary (1G, 2G, ... 63G) whose range and guard margins
     * hold no VMA on any of {@code apis}. Throws IllegalStateException when there is none.
     */
    public static Window findFree(long size, MemoryApi... apis) {
        for (long g = 1; g < 64; g++) {
            Window w = around(g * PUD, size);
            boolean free = true;
            for (MemoryApi api : apis) free &= api.vmas(w.base - GUARD, w.size + 2 * GUARD) == 0;
            if (free) return w;
        }
        throw new IllegalStateException("no free " + size + "-byte window around a 1G boundary below 64G");
    }
}
