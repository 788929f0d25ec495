package org.mmsim.bench;

import java.util.ArrayList;
import java.util.List;

import org.mmsim.check.Checker;
import org.mmsim.mm.FeatureSet;
import org.mmsim.mm.Uapi;

/**
 * What {@code --check} costs on a machine with {@code size} bytes of resident anonymous memory in 64K folios:
 * the full check (every table, folio and slot: grows with the resident set; measured up to {@code fullMax}, as its
 * sums need a boxed map entry per mapped page) and the incremental check after one call (what {@code --check}
 * runs after each call; it should not grow with the resident set): a fault of a fresh 64K folio, an mprotect of one
 * 64K folio, and a write to a present page. Each is the thread CPU time of the check alone, best of
 * {@link #REPS} calls; the calls themselves are not timed.
 */
final class CheckerCost {
    private CheckerCost() {}

    static final int REPS = 15;
    private static final long K64 = 64L << 10;

    /** One size: ns of a full check (-1: not measured) and of the incremental checks, with what they looked at. */
    record Row(String arch, long size, long pages, long fullNs, long faultNs, long mprotectNs, long pokeNs,
               Checker.Work faultWork, Checker.Work mprotectWork) {
        double fullNsPerPage() { return fullNs < 0 ? Double.NaN : (double) fullNs / pages; }
    }

    static List<Row> run(String arch, FeatureSet kernel, List<Long> sizes, long fullMax) {
        measure(arch, kernel, 4L << 20, 4L << 20); // warm-up: the first rows would otherwise time the interpreter
        List<Row> rows = new ArrayList<>();
        for (long size : sizes) rows.add(measure(arch, kernel, size, fullMax));
        return rows;
    }

    private static Row measure(String arch, FeatureSet kernel, long size, long fullMax) {
        Machine m = new Machine(arch, kernel, 2 * size + (1L << 30), K64);
        Checker c = Checker.attach(m.api.kernel());
        c.checkChanges(); // the empty machine: the totals start here, no full check of the resident set needed
        long base = 1L << 40;
        m.touch(base, size);
        c.checkChanges();
        long spare = base + size + (1L << 30);
        Machine.ok(m.api.mmap(spare, REPS * K64, Machine.RW, Machine.ANON | Uapi.MAP_FIXED_NOREPLACE, -1, 0), "mmap");
        c.checkChanges();
        long full = -1;
        if (size <= fullMax) {
            c.checkAll(); // warm-up
            full = Long.MAX_VALUE;
            for (int r = 0; r < 3; r++) full = Math.min(full, Machine.cpuTime(c::checkAll));
        }
        long fault = Long.MAX_VALUE;
        long mprotect = Long.MAX_VALUE;
        long poke = Long.MAX_VALUE;
        Checker.Work faultWork = null;
        Checker.Work mprotectWork = null;
        for (int r = 0; r < REPS; r++) {
            m.api.poke(spare + r * K64, 1); // a fault: a new 64K folio
            fault = Math.min(fault, Machine.cpuTime(c::checkChanges));
            faultWork = c.lastWork();
            long a = base + (size / 2 + r * K64) % size;
            Machine.ok(m.api.mprotect(a, K64, Uapi.PROT_READ), "mprotect");
            mprotect = Math.min(mprotect, Machine.cpuTime(c::checkChanges));
            mprotectWork = c.lastWork();
            Machine.ok(m.api.mprotect(a, K64, Machine.RW), "mprotect");
            c.checkChanges();
            m.api.poke(base + r * K64, 2); // a present, written page
            poke = Math.min(poke, Machine.cpuTime(c::checkChanges));
        }
        c.checkAll(); // everything the runs above left must hold
        c.detach();
        return new Row(arch, size, size / 4096, full, fault, mprotect, poke, faultWork, mprotectWork);
    }
}
