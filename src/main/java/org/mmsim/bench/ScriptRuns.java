package org.mmsim.bench;

import java.io.PrintWriter;
import java.io.Writer;
import java.util.HashMap;
import java.util.Map;

import org.mmsim.workload.MemoryApi;
import org.mmsim.workload.script.Interpreter;
import org.mmsim.workload.script.RunResult;
import org.mmsim.workload.script.Script;

/** Runs a script for a benchmark: its prints are dropped, only what {@link RunResult} measured is kept. */
public final class ScriptRuns {
    private ScriptRuns() {}

    /**
     * Runs {@code script} on {@code api} with the params that the script declares among {@code params} (others
     * are ignored, so one grid of params can serve scripts with different params). Failed expects are
     * reported to {@code diag}.
     */
    public static RunResult run(Script script, MemoryApi api, Map<String, Long> params, PrintWriter diag) {
        Map<String, Long> used = new HashMap<>();
        for (var e : params.entrySet()) if (script.params().contains(e.getKey())) used.put(e.getKey(), e.getValue());
        PrintWriter sink = new PrintWriter(Writer.nullWriter());
        return new Interpreter(script, api, sink, diag).withParams(used).run();
    }
}
