package org.mmsim.difftest;

import java.util.Map;
import java.util.TreeMap;

/**
 * How side A answered the calls of a test, per call: succeeded, failed with an errno (by name), SIGSEGV, or placed
 * a mapping outside the window. It shows what a test exercised: a generator whose calls all fail tests little.
 */
public final class Tally {
    private final Map<String, Map<String, Long>> counts = new TreeMap<>();

    void add(Op op, Outcome o) {
        String call = op.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
        String result;
        if (o.exception() != null) result = "exception";
        else if (o.fault() != -1) result = "SIGSEGV";
        else if (o.outside()) result = "outside";
        else if (op.syscall() && o.ret() == -1) result = Fmt.errno(o.errno());
        else result = "ok";
        counts.computeIfAbsent(call, k -> new TreeMap<>()).merge(result, 1L, Long::sum);
    }

    /** Per call name, the count of each result. */
    public Map<String, Map<String, Long>> counts() { return counts; }

    /** How often {@code call} ended with {@code result} ("ok", "SIGSEGV", "outside", "exception" or an errno name). */
    public long count(String call, String result) {
        return counts.getOrDefault(call, Map.of()).getOrDefault(result, 0L);
    }

    /** One line per call: {@code mremap: ok 412, EINVAL 80, ...}. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        counts.forEach((call, m) -> {
            sb.append("  ").append(call).append(':');
            m.forEach((r, n) -> sb.append(' ').append(r).append(' ').append(n));
            sb.append('\n');
        });
        return sb.toString();
    }
}
