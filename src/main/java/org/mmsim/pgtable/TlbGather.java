package org.mmsim.pgtable;

import org.mmsim.arch.Arch;
import org.mmsim.arch.Counters;

/**
 * mmu_gather (include/asm-generic/tlb.h): collects the virtual range whose TLB entries must go and flushes it
 * once at {@link #finish()}, as munmap, MADV_DONTNEED and mprotect do.
 */
public final class TlbGather {
    private final Arch arch;
    private final Counters counters;
    private long start = Long.MAX_VALUE;
    private long end = Long.MIN_VALUE;

    public TlbGather(Arch arch, Counters counters) {
        this.arch = arch;
        this.counters = counters;
    }

    /** tlb_flush_pte_range / tlb_remove_tlb_entry: add [addr, addr+size) to the range to flush. */
    public void add(long addr, long size) {
        if (addr < start) start = addr;
        if (addr + size > end) end = addr + size;
    }

    /** True if something is pending. */
    public boolean pending() { return start < end; }

    /** tlb_finish_mmu: one range flush over everything gathered. */
    public void finish() {
        if (start < end) arch.flushTlbRange(counters, start, end);
        start = Long.MAX_VALUE;
        end = Long.MIN_VALUE;
    }
}
