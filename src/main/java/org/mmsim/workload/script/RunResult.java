package org.mmsim.workload.script;

import java.util.List;
import java.util.Map;

/**
 * What a finished run of a script measured and decided.
 *
 * @param passed  expects (and expect_fault blocks) that held
 * @param failed  expects that did not hold
 * @param params  every param reached, with the value it took (override or default), in declaration order
 * @param regions measured regions in first-entered order
 * @param total   the whole run
 * @param stopped the message ({@code FILE:LINE: unexpected SIGSEGV: ...} (or SIGBUS) or {@code FILE:LINE: invariant violated:
 *                ...}) if the script was stopped before its end, else null
 */
public record RunResult(int passed, int failed, Map<String, Long> params, List<Measurement> regions,
                        Measurement total, String stopped) {
    public RunResult {
        params = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
        regions = List.copyOf(regions);
    }

    /** True if every expect held and the script ran to its end. */
    public boolean ok() { return failed == 0 && stopped == null; }

    /**
     * Counters and wall time of a region or of the whole run.
     *
     * @param name     the region's name ("total" for the run)
     * @param entries  how many times the region was entered
     * @param counters non-zero event counts by {@code Event} name, in enum order; null when the backend has no
     *                 counters (host)
     * @param wallNs   wall-clock nanoseconds spent inside, summed over entries
     */
    public record Measurement(String name, long entries, Map<String, Long> counters, long wallNs) { }
}
