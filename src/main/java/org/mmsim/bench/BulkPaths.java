package org.mmsim.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.LongUnaryOperator;

import org.mmsim.mm.FeatureSet;
import org.mmsim.mm.Madvise;
import org.mmsim.mm.Uapi;

/**
 * Nanoseconds per PTE of the batched bulk paths the seeds optimise, on 64K folios: mprotect (seed 004), mremap
 * PTE moves (seed 000; destination 64K- but not PMD-aligned, so no table moves), zap on munmap and the swap-out
 * unmap of MADV_PAGEOUT to a swap partition (seed 001), whole and its unmap step alone. Each figure is the best of
 * repeated timed calls (at least three, for a time budget) after an untimed warm-up round that lets the JIT compile
 * the paths; setup (mmap, memset) is never timed.
 */
final class BulkPaths {
    private BulkPaths() {}

    /** One measured path: ns per PTE, or a reason it could not be measured. */
    record Row(String path, String arch, String kernel, long ptes, double nsPerPte, String note) { }

    static final long BASE = 1L << 40;
    static final long FOLIO = 64L << 10;

    static List<Row> run(List<String> arches, List<FeatureSet> kernels, long size, long budgetNs) {
        List<Row> rows = new ArrayList<>();
        for (String arch : arches) {
            for (FeatureSet k : kernels) {
                measure(arch, k, Math.min(size, 64L << 20), budgetNs / 4); // warm-up: compiles the paths
                rows.addAll(measure(arch, k, size, budgetNs));
            }
        }
        return rows;
    }

    /** The best of repeated timings: at least 3, and until {@code budgetNs} has been spent (at most 1000). */
    private static long best(LongSupplier timedRep, long budgetNs) {
        return best(timedRep, budgetNs, 1000, false);
    }

    /**
     * As {@link #best}, but only the timed part of each repetition counts against the budget (at most 300): for a path
     * whose untimed set-up costs far more than the call, so that the call still runs often enough for the JIT to
     * compile it (a few calls leave MADV_PAGEOUT several times slower than compiled code, more so on a loaded machine).
     */
    private static long bestOfTimed(LongSupplier timedRep, long budgetNs) {
        return best(timedRep, budgetNs, 300, true);
    }

    /**
     * The smallest of at least 3 and at most {@code maxReps} timings, repeated until {@code budgetNs} is spent:
     * the whole repetition's wall time, or with {@code timedOnly} only the time each repetition reports.
     */
    private static long best(LongSupplier timedRep, long budgetNs, int maxReps, boolean timedOnly) {
        long best = Long.MAX_VALUE;
        long spent = 0;
        for (int r = 0; r < maxReps && (r < 3 || spent < budgetNs); r++) {
            long t0 = System.nanoTime();
            long t = timedRep.getAsLong();
            best = Math.min(best, t);
            spent += timedOnly ? t : System.nanoTime() - t0;
        }
        return best;
    }

    private static List<Row> measure(String arch, FeatureSet k, long size, long budgetNs) {
        long ptes = size / 4096;
        long memory = 3 * size + (1L << 30);
        List<Row> out = new ArrayList<>();

        Machine m = new Machine(arch, k, memory, FOLIO);
        long p = m.touch(BASE, size);
        long t = best(() -> Machine.time(() -> {
            Machine.ok(m.api.mprotect(p, size, Uapi.PROT_READ), "mprotect");
            Machine.ok(m.api.mprotect(p, size, Machine.RW), "mprotect");
        }) / 2, budgetNs);
        out.add(new Row("mprotect", arch, k.toString(), ptes, (double) t / ptes, "RO and back to RW, per call"));

        // mremap back and forth between BASE and a destination 1 MiB past a PMD boundary
        long far = BASE + 2 * size + (1L << 20);
        long[] at = {p};
        t = best(() -> {
            long from = at[0];
            long to = from == p ? far : p;
            at[0] = to;
            return Machine.time(() -> Machine.ok(m.api.mremap(from, size, size,
                    Uapi.MREMAP_MAYMOVE | Uapi.MREMAP_FIXED, to), "mremap"));
        }, budgetNs);
        out.add(new Row("mremap", arch, k.toString(), ptes, (double) t / ptes, "PTE moves (64K-aligned, not PMD-aligned)"));

        Machine.ok(m.api.munmap(at[0], size), "munmap");
        t = best(() -> {
            long q = m.touch(BASE, size);
            return Machine.time(() -> Machine.ok(m.api.munmap(q, size), "munmap"));
        }, budgetNs);
        out.add(new Row("munmap (zap)", arch, k.toString(), ptes, (double) t / ptes, "setup (mmap, memset) untimed"));

        // MADV_PAGEOUT to a swap partition (a block device takes a 64K folio whole), as seed 001: fresh zero-filled
        // memory each time (mmap, memset untimed), one timed call, then munmap (untimed) frees the slots again.
        // Zero-filled folios need no I/O (SWPOUT_ZERO) and are freed by reclaim; the unmap work is that of any data.
        // Each call takes tens of milliseconds, long enough to be preempted on a busy machine: thread CPU time.
        m.api.set("swap partition", Long.toString(2 * size));
        t = bestOfTimed(() -> swapOutRound(m, size, q -> Machine.cpuTime(
                () -> Machine.ok(m.api.madvise(q, size, Uapi.MADV_PAGEOUT), "madvise(MADV_PAGEOUT)"))), budgetNs);
        out.add(new Row("pageout (swap-out unmap)", arch, k.toString(), ptes, (double) t / ptes,
                "swap partition, zero-filled as seed 001; thread CPU time"));

        // The unmap step of that pageout alone: the same call with each PTE table's reclaim in phases
        // (Madvise.pageoutTimingUnmap: the walk, slot allocation and swap-cache entry untimed; try_to_unmap of the
        // table's folios with their TLB flush accounting timed; writeout and freeing untimed). One pair of clock reads
        // per PTE table (32 folios): System.nanoTime (about 30 ns a read), as the thread CPU clock costs 0.7 us here.
        t = bestOfTimed(() -> swapOutRound(m, size, q -> Madvise.pageoutTimingUnmap(m.api.mm(), q, size, System::nanoTime)),
                budgetNs);
        out.add(new Row("pageout: unmap step", arch, k.toString(), ptes, (double) t / ptes,
                "try_to_unmap alone (same pageout, each PTE table's reclaim in phases)"));
        return out;
    }

    /**
     * One swap-out round: fresh zero-filled memory (untimed), {@code pageout} of it, which returns the nanoseconds it
     * timed, a check that the pages went to the swap device, and munmap (untimed) to free the slots again.
     */
    private static long swapOutRound(Machine m, long size, LongUnaryOperator pageout) {
        long q = m.touch(BASE, size, 0);
        long ns = pageout.applyAsLong(q);
        if (!m.api.swapped(q) || !m.api.swapped(q + size - Machine.PAGE)) {
            throw new IllegalStateException("the pageout left pages resident: the swap device was not used");
        }
        Machine.ok(m.api.munmap(q, size), "munmap");
        return ns;
    }
}
