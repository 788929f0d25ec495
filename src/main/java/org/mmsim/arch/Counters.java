package org.mmsim.arch;

import java.util.LinkedHashMap;
import java.util.Map;

/** Event counters of one simulated machine: a plain {@code long[]} indexed by {@link Event#ordinal()}. */
public final class Counters {
    private final long[] c = new long[Event.COUNT];

    /** Adds {@code n} occurrences of an event. */
    public void add(Event e, long n) { c[e.ordinal()] += n; }

    /** Adds one occurrence of an event. */
    public void inc(Event e) { c[e.ordinal()]++; }

    /** The count of an event. */
    public long get(Event e) { return c[e.ordinal()]; }

    /** A copy of all counts. */
    public long[] snapshot() { return c.clone(); }

    /** Puts back counts taken by {@link #snapshot()}: observers (the checker, queries) must not change what is counted. */
    public void restore(long[] saved) { System.arraycopy(saved, 0, c, 0, c.length); }

    /** Counts of {@code after - before}, as a name-to-count map of the non-zero events (enum order). */
    public static Map<String, Long> delta(long[] before, long[] after) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < Event.COUNT; i++) {
            long d = after[i] - before[i];
            if (d != 0) m.put(Event.of(i).name(), d);
        }
        return m;
    }
}
