package org.mmsim.bench;

import java.util.ArrayList;
import java.util.List;

import org.mmsim.mm.FeatureSet;
import org.mmsim.mm.Uapi;

/**
 * How cost grows with the work: for each size, one machine maps and writes {@code size} bytes of anonymous memory
 * (folios of one size, contents a single fill byte per page, so sparse), measures the heap the resident pages
 * cost, then times one mprotect, one mremap (PTE moves: the destination is 1 MiB past a PMD boundary) and one
 * munmap of the whole range. Bytes per page come from the heap in use after a full collection, before and after
 * the memory is touched, not from field sizes.
 */
final class Scaling {
    private Scaling() {}

    /** One size. Times in nanoseconds; heap in bytes. */
    record Row(long size, long pages, long touchNs, long touchCpuNs, long heapBytes, double bytesPerPage,
               long mprotectNs, long mremapNs, long munmapNs, long heapMax) {
        double nsPerPte(long ns) { return (double) ns / pages; }
    }

    static final long BASE = 1L << 40;

    static List<Row> run(String arch, FeatureSet kernel, long folio, List<Long> sizes) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 3; i++) one(arch, kernel, folio, 64L << 20); // warm-up: compile the paths first
        for (long size : sizes) rows.add(one(arch, kernel, folio, size));
        return rows;
    }

    static Row one(String arch, FeatureSet kernel, long folio, long size) {
        long pages = size / 4096;
        long before = Machine.heapUsed();
        // physical memory just above what the run needs, so per-frame arrays are not sized for 64 GiB of idle RAM
        Machine m = new Machine(arch, kernel, size + (size >> 6) + (64L << 20), folio);
        long[] p = new long[1];
        long[] cpu = new long[1];
        long touch = Machine.time(() -> cpu[0] = Machine.cpuTime(() -> p[0] = m.touch(BASE, size)));
        long heap = Machine.heapUsed() - before;
        long mprotect = Machine.time(() -> Machine.ok(m.api.mprotect(p[0], size, Uapi.PROT_READ), "mprotect"));
        long to = BASE + size + (1L << 20);
        long mremap = Machine.time(() -> Machine.ok(m.api.mremap(p[0], size, size,
                Uapi.MREMAP_MAYMOVE | Uapi.MREMAP_FIXED, to), "mremap"));
        long munmap = Machine.time(() -> Machine.ok(m.api.munmap(to, size), "munmap"));
        return new Row(size, pages, touch, cpu[0], heap, (double) heap / pages, mprotect, mremap, munmap, Machine.heapMax());
    }
}
