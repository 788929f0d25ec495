package org.mmsim.bench;

import java.util.ArrayList;
import java.util.List;

import org.mmsim.check.Checker;
import org.mmsim.mm.FeatureSet;

/**
 * What {@code --check} costs: the time of one invariant-checker call on a machine with {@code size} bytes of
 * resident anonymous memory in 64K folios (best of three calls). The checker scans every table and folio, so the
 * cost of one call grows with the resident set, and a script pays it after every call it makes.
 */
final class CheckerCost {
    private CheckerCost() {}

    record Row(String arch, long size, long pages, long nsPerCall) {
        double nsPerPage() { return (double) nsPerCall / pages; }
    }

    static List<Row> run(String arch, FeatureSet kernel, List<Long> sizes) {
        List<Row> rows = new ArrayList<>();
        for (long size : sizes) {
            Machine m = new Machine(arch, kernel, 2 * size + (1L << 30), 64L << 10);
            m.touch(1L << 40, size);
            Checker.check(m.api.kernel()); // warm-up
            long best = Long.MAX_VALUE;
            for (int r = 0; r < 3; r++) best = Math.min(best, Machine.time(() -> Checker.check(m.api.kernel())));
            rows.add(new Row(arch, size, size / 4096, best));
        }
        return rows;
    }
}
