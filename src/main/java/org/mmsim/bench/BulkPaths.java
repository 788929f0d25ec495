package org.mmsim.bench;

import java.util.ArrayList;
import java.util.List;

import org.mmsim.mm.FeatureSet;
import org.mmsim.mm.Uapi;

/**
 * Nanoseconds per PTE of the batched bulk paths the seeds optimise, on 64K folios: mprotect (seed 004), mremap
 * PTE moves (seed 000; destination 64K- but not PMD-aligned, so no table moves), zap on munmap and the swap-out
 * unmap of MADV_PAGEOUT (seed 001). Each figure is the best of {@code reps} timed calls after one untimed warm-up
 * round; setup (mmap, memset) is never timed.
 */
final class BulkPaths {
    private BulkPaths() {}

    /** One measured path: ns per PTE, or a reason it could not be measured. */
    record Row(String path, String arch, String kernel, long ptes, double nsPerPte, String note) { }

    static final long BASE = 1L << 40;
    static final long FOLIO = 64L << 10;

    static List<Row> run(List<String> arches, List<FeatureSet> kernels, long size, int reps) {
        List<Row> rows = new ArrayList<>();
        for (String arch : arches) {
            for (FeatureSet k : kernels) {
                measure(arch, k, Math.min(size, 64L << 20), 1); // warm-up: compiles the paths
                rows.addAll(measure(arch, k, size, reps));
            }
        }
        return rows;
    }

    private static List<Row> measure(String arch, FeatureSet k, long size, int reps) {
        long ptes = size / 4096;
        long memory = 3 * size + (1L << 30);
        List<Row> out = new ArrayList<>();

        Machine m = new Machine(arch, k, memory, FOLIO);
        long p = m.touch(BASE, size);
        long best = Long.MAX_VALUE;
        for (int r = 0; r < reps; r++) {
            best = Math.min(best, Machine.time(() -> {
                Machine.ok(m.api.mprotect(p, size, Uapi.PROT_READ), "mprotect");
                Machine.ok(m.api.mprotect(p, size, Machine.RW), "mprotect");
            }) / 2);
        }
        out.add(new Row("mprotect", arch, k.toString(), ptes, (double) best / ptes, ""));

        // mremap back and forth between BASE and a destination 1 MiB past a PMD boundary
        long far = BASE + 2 * size + (1L << 20);
        best = Long.MAX_VALUE;
        long at = p;
        for (int r = 0; r < reps; r++) {
            long from = at;
            long to = at == p ? far : p;
            long t = Machine.time(() -> Machine.ok(m.api.mremap(from, size, size,
                    Uapi.MREMAP_MAYMOVE | Uapi.MREMAP_FIXED, to), "mremap"));
            best = Math.min(best, t);
            at = to;
        }
        out.add(new Row("mremap", arch, k.toString(), ptes, (double) best / ptes, "PTE moves (64K-aligned, not PMD-aligned)"));

        long live = at;
        best = Machine.time(() -> Machine.ok(m.api.munmap(live, size), "munmap"));
        for (int r = 1; r < reps; r++) {
            long q = m.touch(BASE, size);
            best = Math.min(best, Machine.time(() -> Machine.ok(m.api.munmap(q, size), "munmap")));
        }
        out.add(new Row("munmap (zap)", arch, k.toString(), ptes, (double) best / ptes, ""));

        long q = m.touch(BASE, size);
        long t = Machine.time(() -> Machine.ok(m.api.madvise(q, size, Uapi.MADV_PAGEOUT), "madvise"));
        if (m.api.swapped(q)) {
            out.add(new Row("pageout (swap-out unmap)", arch, k.toString(), ptes, (double) t / ptes, ""));
        } else {
            out.add(new Row("pageout (swap-out unmap)", arch, k.toString(), ptes, Double.NaN,
                    "n/a: the model has no swap device, MADV_PAGEOUT leaves pages resident"));
        }
        return out;
    }
}
