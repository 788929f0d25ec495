package org.mmsim.bench;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.mmsim.mm.FeatureSet;
import org.mmsim.workload.Backends;
import org.mmsim.workload.MemoryApi;
import org.mmsim.workload.script.RunResult;
import org.mmsim.workload.script.Script;

/**
 * The seed workloads at their full size (or scaled down with {@code --quick}), each run once on the model
 * (x86_64 and arm64, all seed features) and once on the live kernel when the host backend is available. The
 * wall time compared is the script's total as the interpreter measures it, the same for both backends.
 */
final class WorkloadTimes {
    private WorkloadTimes() {}

    /**
     * One workload. Times in ns; {@code hostNs} is -1 when the host did not run, {@code hostNote} says why.
     * {@code ok} is false if an expect failed or the script stopped on any backend that ran.
     */
    record Row(String workload, Map<String, Long> params, long modelX86Ns, long modelArm64Ns, long hostNs,
               String hostNote, boolean ok) {
        /** Model (x86_64) wall time over host wall time, or NaN without a host run. */
        double ratio() { return hostNs > 0 ? (double) modelX86Ns / hostNs : Double.NaN; }
    }

    static List<Row> run(List<Workloads.Workload> workloads, boolean quick, Supplier<MemoryApi> host, PrintWriter diag) {
        List<Row> rows = new ArrayList<>();
        FeatureSet patched = FeatureSet.patched();
        for (Workloads.Workload w : workloads) {
            Script s = w.script();
            Map<String, Long> params = quick ? w.quick() : Map.of();
            RunResult x86;
            try (MemoryApi api = Backends.sim("x86_64", patched, false)) {
                x86 = ScriptRuns.run(s, api, params, diag);
            }
            RunResult arm;
            try (MemoryApi api = Backends.sim("arm64", patched, false)) {
                arm = ScriptRuns.run(s, api, params, diag);
            }
            long hostNs = -1;
            String note = "";
            boolean ok = x86.ok() && arm.ok();
            MemoryApi h = null;
            try {
                h = host.get();
            } catch (RuntimeException e) { // IllegalArgumentException, HostRefusal: the reason is the message
                note = "n/a (host backend unavailable: " + e.getMessage() + ")";
            }
            if (h != null) {
                try (MemoryApi api = h) {
                    RunResult r = ScriptRuns.run(s, api, params, diag);
                    hostNs = r.total().wallNs();
                    if (!r.ok()) note = "host run failed: " + (r.stopped() != null ? r.stopped() : r.failed() + " expects failed");
                    ok &= r.ok();
                } catch (RuntimeException e) {
                    hostNs = -1;
                    note = "n/a (host run failed: " + e.getMessage() + ")";
                }
            }
            rows.add(new Row(w.name(), x86.params(), x86.total().wallNs(), arm.total().wallNs(), hostNs, note, ok));
        }
        return rows;
    }
}
