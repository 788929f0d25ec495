package org.mmsim.workload.script;

import org.mmsim.arch.Counters;
import org.mmsim.arch.Event;

/** Accumulates counter deltas and wall time over the entries of one region. */
final class Meter {
    private final String name;
    private long entries;
    private long wallNs;
    private long[] sum;
    private boolean noCounters;

    Meter(String name) {
        this.name = name;
    }

    /** Adds one entry: counters {@code before}/{@code after} (null when the backend has none) and its duration. */
    void add(long[] before, long[] after, long ns) {
        entries++;
        wallNs += ns;
        if (before == null || after == null) {
            noCounters = true;
            return;
        }
        if (sum == null) sum = new long[Event.COUNT];
        for (int i = 0; i < Event.COUNT; i++) sum[i] += after[i] - before[i];
    }

    RunResult.Measurement result() {
        var counters = noCounters || sum == null ? null : Counters.delta(new long[Event.COUNT], sum);
        return new RunResult.Measurement(name, entries, counters, wallNs);
    }
}
