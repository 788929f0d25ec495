package org.mmsim.bench;

import java.util.ArrayList;
import java.util.List;

import org.mmsim.mm.FeatureSet;
import org.mmsim.mm.Uapi;

/**
 * How cost grows with the work: for each size, one machine maps and writes {@code size} bytes of anonymous memory
 * (folios of one size, contents a single fill byte per page, so sparse), measures the heap the resident pages
 * cost, then times mprotect, mremap (PTE moves: the destination is 1 MiB past a PMD boundary) and munmap of the
 * whole range. Bytes per page come from the heap in use after a full collection, before and after the memory is
 * touched, not from field sizes.
 *
 * <p>Small sizes repeat each call ({@link #reps}: mprotect alternates read-only and read-write, mremap moves the
 * range back and forth, munmap re-touches the range untimed before each repeat) and keep the fastest, so that
 * the table shows the warm per-call cost at every size rather than one cold call; from 64 GiB up every call is
 * made once.
 */
final class Scaling {
    private Scaling() {}

    /** One size. Times in nanoseconds; heap in bytes. */
    record Row(long size, long pages, long touchNs, long touchCpuNs, long heapBytes, double bytesPerPage,
               long mprotectNs, long mremapNs, long munmapNs, long heapMax, int reps) {
        double nsPerPte(long ns) { return (double) ns / pages; }
    }

    static final long BASE = 1L << 40;

    static List<Row> run(String arch, FeatureSet kernel, long folio, boolean shared, List<Long> sizes) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 3; i++) one(arch, kernel, folio, shared, 64L << 20); // warm-up: compile the paths first
        for (long size : sizes) rows.add(one(arch, kernel, folio, shared, size));
        return rows;
    }

    /** One size; {@code shared}: the memory is MAP_SHARED|MAP_ANONYMOUS (shmem, its page cache included). */
    static Row one(String arch, FeatureSet kernel, long folio, boolean shared, long size) {
        long pages = size / 4096;
        long before = Machine.heapUsed();
        // physical memory just above what the run needs, so per-frame arrays are not sized for 64 GiB of idle RAM
        Machine m = new Machine(arch, kernel, size + (size >> 6) + (64L << 20), folio, shared);
        long[] p = new long[1];
        long[] cpu = new long[1];
        long touch = Machine.time(() -> cpu[0] = Machine.cpuTime(() -> p[0] = m.touch(BASE, size)));
        long heap = Machine.heapUsed() - before;
        int reps = reps(pages);
        long mprotect = Long.MAX_VALUE;
        for (int i = 0; i < reps; i++) {
            int prot = i % 2 == 0 ? Uapi.PROT_READ : Machine.RW;
            mprotect = Math.min(mprotect, Machine.time(() -> Machine.ok(m.api.mprotect(p[0], size, prot), "mprotect")));
        }
        long to = BASE + size + (1L << 20);
        long mremap = Long.MAX_VALUE;
        long at = p[0];
        for (int i = 0; i < reps; i++) {
            long from = at, dest = at == p[0] ? to : p[0];
            mremap = Math.min(mremap, Machine.time(() -> Machine.ok(m.api.mremap(from, size, size,
                    Uapi.MREMAP_MAYMOVE | Uapi.MREMAP_FIXED, dest), "mremap")));
            at = dest;
        }
        long munmap = Long.MAX_VALUE;
        for (int i = 0; i < reps; i++) {
            long where = i == 0 ? at : m.touch(BASE, size);
            munmap = Math.min(munmap, Machine.time(() -> Machine.ok(m.api.munmap(where, size), "munmap")));
        }
        return new Row(size, pages, touch, cpu[0], heap, (double) heap / pages, mprotect, mremap, munmap,
                Machine.heapMax(), reps);
    }

    /** Calls of each kind at a size: up to 20 while one call covers at most 2^24 PTEs, else 1. */
    static int reps(long pages) {
        return (int) Math.max(1, Math.min(20, (1L << 24) / pages));
    }
}
