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
        if (op instanceof Op.Mremap m && placementMatters(m) && oa.outside() && ob.outside()
                && congruent(m, oa.ret()) != congruent(m, ob.ret())) {
            return new Divergence(i, op, PLACEMENT, op.call(w) + " moved to PMD offsets " + Fmt.hex(oa.ret() & (Window.PMD - 1))
                    + " vs " + Fmt.hex(ob.ret() & (Window.PMD - 1)), oa, ob, List.of());
        }
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

    /**
     * The kind of a stop that is no divergence: a MREMAP_DONTUNMAP move of a source holding a whole PMD range that
     * one kernel placed outside the window PMD-congruent with the source and the other not. Whether the source keeps its page tables (PTEs moved one by one) or loses
     * them (a whole table moved, when source and destination are PMD-congruent) depends on that offset, and with it
     * whether a later fault in the source may map a huge page; the kernel's choice follows the process's own layout
     * (seed 205 run 40 in docs/difftest.md). The run ends there without a verdict.
     */
    static final String PLACEMENT = "placement";

    /** A DONTUNMAP move (the source stays) whose source holds a whole PMD range, which a table move would empty. */
    private static boolean placementMatters(Op.Mremap m) {
        long firstPmd = (m.oldAddr() + Window.PMD - 1) & -Window.PMD;
        return (m.flags() & org.mmsim.mm.Uapi.MREMAP_DONTUNMAP) != 0 && firstPmd + Window.PMD <= m.oldAddr() + m.oldLen();
    }

    /** The destination has the source's offset within a PMD, so whole PTE tables can move. */
    private static boolean congruent(Op.Mremap m, long dest) {
        return ((dest - m.oldAddr()) & (Window.PMD - 1)) == 0;
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
