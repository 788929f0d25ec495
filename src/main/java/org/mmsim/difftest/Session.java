package org.mmsim.difftest;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.mmsim.workload.MemoryApi;

/**
 * Two backends driven in lock step over one window: every call runs on both and is compared at once (result, then
 * layout, residency and contents of the pages it may have touched); {@link #fullCheck} compares the whole window.
 * Opening a session empties the window on both sides, so a reused host process starts clean.
 */
final class Session implements AutoCloseable {
    private final MemoryApi a;
    private final MemoryApi b;
    private final Window w;
    private int index;
    private final List<Outcome> outcomesA = new ArrayList<>();
    private Tally tally = new Tally();

    Session(Supplier<MemoryApi> sideA, Supplier<MemoryApi> sideB, Window w) {
        this.a = sideA.get();
        MemoryApi opened = null;
        try {
            opened = sideB.get();
        } finally {
            if (opened == null) a.close();
        }
        this.b = opened;
        this.w = w;
        a.munmap(w.base(), w.size());
        b.munmap(w.base(), w.size());
    }

    MemoryApi sideA() { return a; }

    /** Counts side A's outcomes into {@code t} from now on. */
    Session countInto(Tally t) {
        this.tally = t;
        return this;
    }

    /** Side A's outcome of every call stepped so far. */
    List<Outcome> outcomesA() { return outcomesA; }

    /** The window layout on side A, which the generator aims at. */
    long[] layout() { return a.layout(w.base(), w.size()); }

    /**
     * Applies the tunables of a run on both sides, outside the numbering of calls; a tunable one side refuses and
     * the other takes is a divergence at index -1.
     */
    Divergence setup(List<Op> preamble) {
        for (Op op : preamble) {
            Outcome oa = run(a, op), ob = run(b, op);
            if (!oa.sameAs(ob)) return new Divergence(-1, op, "tunable", op.call(w) + ": " + oa.describe(w) + " vs "
                    + ob.describe(w), oa, ob, List.of());
        }
        return null;
    }

    /** Runs {@code op} on both sides and compares; returns the divergence or null. */
    Divergence step(Op op) {
        int i = index++;
        Outcome oa = run(a, op), ob = run(b, op);
        outcomesA.add(oa);
        tally.add(op, oa);
        if (!oa.sameAs(ob) || oa.exception() != null) {
            String what = op.call(w) + " returned " + oa.describe(w) + " vs " + ob.describe(w);
            List<String> expects = new ArrayList<>();
            String kind = "result";
            if (oa.outside() && ob.outside()) {
                Probe.Mismatch m = Probe.digestMismatch(oa.moved(), ob.moved(), "r");
                if (m != null) {
                    kind = m.kind();
                    what = op.call(w) + ": " + m.what();
                    expects.addAll(m.expects());
                }
            }
            if (oa.exception() != null || ob.exception() != null) kind = "exception";
            return new Divergence(i, op, kind, what, oa, ob, expects);
        }
        Probe.Mismatch m = Probe.compare(a, b, w, op.touched());
        return m == null ? null : new Divergence(i, op, m.kind(), "after " + op.call(w) + ": " + m.what(), oa, ob, m.expects());
    }

    /** Compares layout, residency and contents of the whole window; {@code op} is the last call run. */
    Divergence fullCheck(Op last) {
        Probe.Mismatch m = Probe.compare(a, b, w, Probe.all(w));
        return m == null ? null : new Divergence(index - 1, last, m.kind(), "after " + last.call(w) + ": " + m.what(),
                null, null, m.expects());
    }

    private Outcome run(MemoryApi api, Op op) {
        try {
            return op.run(api, w);
        } catch (RuntimeException e) {
            return Outcome.thrown(e);
        }
    }

    @Override
    public void close() {
        try {
            a.munmap(w.base(), w.size());
            b.munmap(w.base(), w.size());
        } finally {
            try {
                a.close();
            } finally {
                b.close();
            }
        }
    }
}
