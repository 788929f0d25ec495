package org.mmsim.bench;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.mmsim.mm.FeatureSet;
import org.mmsim.workload.MemoryApi;

/**
 * {@code mmsim bench}: the simulator's own speed and memory. Sections: the seed workloads on the model and the
 * live kernel (model/host wall-time ratio), ns per PTE of the batched bulk paths, the scaling table (bytes of heap
 * per resident page and ns per PTE from 1 MiB up), and the cost of the invariant checker (a full check, and the
 * incremental check after one call, by resident size). Every figure is
 * measured in this run; nothing is computed from field sizes.
 */
public final class Bench {
    /** The sections, in the order they run and print. */
    public static final List<String> SECTIONS = List.of("workloads", "bulk", "scaling", "checker");

    /**
     * What to run.
     *
     * @param quick    workloads scaled down, small sizes (a smoke run of a few seconds)
     * @param sections which of {@link #SECTIONS} to run
     * @param maxSize  the largest size of the scaling table (1M, 1G, 64G, 1T, cut at this)
     * @param folio    folio size of the scaling table
     * @param shared   the scaling table maps shared anonymous memory (shmem) instead of private
     * @param bulkArches architectures of the bulk-path section
     * @param inProcess  measure everything in this JVM instead of a JVM per architecture / per workload run
     * @param workloads  names of the workloads to run (see {@link Workloads})
     * @param targets    where to run them: x86_64, arm64 (the model), host (the live kernel)
     * @param jvms       fresh JVMs per (workload, target); the median of their first runs is the cold figure
     * @param warmRuns   timed runs after the first one in the first JVM; their median is the warm figure
     */
    public record Options(boolean quick, Set<String> sections, long maxSize, long folio, boolean shared,
                          List<String> bulkArches, boolean inProcess, List<String> workloads, List<String> targets,
                          int jvms, int warmRuns) {
        /**
         * Defaults: both architectures, everything measured in fresh JVMs, 5 JVMs (a cold run scatters by about 10 %:
         * the median of 3 moved by that much from bench to bench) and 3 warm runs (1 and 1 quick).
         */
        public Options(boolean quick, Set<String> sections, long maxSize, long folio) {
            this(quick, sections, maxSize, folio, false, List.of("x86_64", "arm64"), false,
                    Workloads.all().stream().map(Workloads.Workload::name).toList(), WorkloadTimes.TARGETS,
                    quick ? 1 : 5, quick ? 1 : 3);
        }
    }

    /** Everything measured. */
    public record Result(Options options, List<WorkloadTimes.Row> workloads, List<BulkPaths.Row> bulk,
                         List<Scaling.Row> scaling, List<CheckerCost.Row> checker) {
        /** True if every workload ran to its end with every expect holding. */
        public boolean ok() { return workloads.stream().allMatch(WorkloadTimes.Row::ok); }
    }

    private Bench() {}

    /** Runs the chosen sections; progress goes to {@code diag}. */
    public static Result run(Options o, Supplier<MemoryApi> host, PrintWriter diag) {
        List<WorkloadTimes.Row> w = List.of();
        List<BulkPaths.Row> b = List.of();
        List<Scaling.Row> s = List.of();
        List<CheckerCost.Row> c = List.of();
        if (o.sections().contains("workloads")) {
            progress(diag, "workloads");
            List<Workloads.Workload> ws = o.workloads().stream().map(Workloads::byName).toList();
            w = o.inProcess() ? WorkloadTimes.inProcess(ws, o.targets(), o.warmRuns(), o.quick(), host, diag)
                    : WorkloadTimes.isolated(ws, o.targets(), o.quick(), o.jvms(), o.warmRuns(), diag);
        }
        if (o.sections().contains("bulk")) {
            progress(diag, "bulk paths");
            if (o.inProcess()) {
                b = BulkPaths.run(o.bulkArches(), List.of(FeatureSet.patched(), FeatureSet.baseline()),
                        o.quick() ? 64L << 20 : 1L << 30, o.quick() ? 100_000_000L : 1_000_000_000L);
            } else {
                b = new ArrayList<>();
                for (String arch : o.bulkArches()) b.addAll(IsolatedBulk.run(arch, o.quick()));
            }
        }
        if (o.sections().contains("scaling")) {
            progress(diag, "scaling");
            List<Long> sizes = new ArrayList<>();
            for (long sz : new long[] {1L << 20, 1L << 30, 64L << 30, 1L << 40}) if (sz <= o.maxSize()) sizes.add(sz);
            s = Scaling.run("arm64", FeatureSet.patched(), o.folio(), o.shared(), sizes);
        }
        if (o.sections().contains("checker")) {
            progress(diag, "checker");
            List<Long> sizes = new ArrayList<>();
            for (long sz : new long[] {1L << 20, 64L << 20, 1L << 30, 64L << 30}) {
                if (sz <= (o.quick() ? 64L << 20 : o.maxSize())) sizes.add(sz);
            }
            c = CheckerCost.run("arm64", FeatureSet.patched(), sizes, 1L << 30);
        }
        return new Result(o, w, b, s, c);
    }

    private static void progress(PrintWriter diag, String what) {
        diag.println("mmsim bench: " + what + "...");
        diag.flush();
    }

    // ---- reports ----

    /** The human-readable tables. */
    public static String text(Result r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "mmsim bench: Java %s, %d CPUs, load average %.2f, -Xmx %d MiB%n%n",
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Machine.heapMax() >> 20));
        if (!r.workloads().isEmpty()) {
            Options o = r.options();
            sb.append("Seed workloads").append(o.quick() ? " (--quick: scaled down)" : " (full size)")
              .append(", model with all seed features; wall time of the script as `mmsim run` measures it\n");
            if (o.inProcess()) {
                sb.append(String.format(Locale.ROOT, "All in this JVM, one target after the other (%s), each 1 + %d "
                        + "times: cold = its first run (later targets find code already compiled), warm = median of "
                        + "the rest%n", String.join(", ", o.targets()), o.warmRuns()));
            } else {
                sb.append(String.format(Locale.ROOT, "Each target in fresh JVMs, targets interleaved: cold = median "
                        + "of the first run of %d JVM(s) (as `mmsim run`: JIT warm-up included, JVM start-up not); "
                        + "warm = median of %d more runs in the first JVM after that identical first run%n",
                        o.jvms(), o.warmRuns()));
            }
            sb.append("ratio = model x86_64 / host (target: at most 1/5)\n");
            sb.append(String.format("%-9s %-35s %10s %10s %10s %8s %10s %10s %10s %8s  %s%n", "workload", "params",
                    "x86 cold", "arm cold", "host cold", "ratio", "x86 warm", "arm warm", "host warm", "ratio", "note"));
            sb.append(String.format("%-9s %-35s %10s %10s %10s %8s %10s %10s %10s %8s%n", "", "", "ms", "ms", "ms",
                    "cold", "ms", "ms", "ms", "warm"));
            for (WorkloadTimes.Row w : r.workloads()) {
                sb.append(String.format(Locale.ROOT, "%-9s %-35s %10s %10s %10s %8s %10s %10s %10s %8s  %s%n",
                        w.workload(), params(w.params()),
                        millis(w.get("x86_64").coldNs()), millis(w.get("arm64").coldNs()), millis(w.get("host").coldNs()),
                        ratio(w.ratio()),
                        millis(w.get("x86_64").warmNs()), millis(w.get("arm64").warmNs()), millis(w.get("host").warmNs()),
                        ratio(w.warmRatio()),
                        (w.ok() ? "" : "EXPECTS FAILED ") + w.note()));
            }
            sb.append('\n');
        }
        if (!r.bulk().isEmpty()) {
            sb.append("Batched bulk paths, 64K folios, best of repeated calls after warm-up (target <= 3 ns/PTE)")
              .append(r.options().inProcess() ? ", all in this JVM\n" : ", one JVM per architecture\n");
            sb.append(String.format("%-26s %-7s %-9s %10s %9s  %s%n", "path", "arch", "kernel", "PTEs", "ns/PTE", "note"));
            for (BulkPaths.Row b : r.bulk()) {
                sb.append(String.format(Locale.ROOT, "%-26s %-7s %-9s %10d %9s  %s%n", b.path(), b.arch(), b.kernel(),
                        b.ptes(), Double.isNaN(b.nsPerPte()) ? "n/a" : String.format(Locale.ROOT, "%.2f", b.nsPerPte()),
                        b.note()));
            }
            sb.append('\n');
        }
        if (!r.scaling().isEmpty()) {
            sb.append("Scaling, arm64 patched, ").append(size(r.options().folio()))
              .append(" folios, ").append(r.options().shared() ? "shared anonymous memory (shmem), " : "")
              .append("one fill byte per page (target <= 24 bytes/page)\n");
            sb.append(String.format("%-6s %11s %9s %9s %10s %11s %9s %9s %9s %9s %5s%n", "size", "pages", "touch s",
                    "(cpu s)", "heap MiB", "bytes/page", "mprotect", "mremap", "munmap", "-Xmx MiB", "calls"));
            sb.append(String.format("%-6s %11s %9s %9s %10s %11s %9s %9s %9s %9s %5s%n", "", "", "wall", "", "", "",
                    "ns/PTE", "ns/PTE", "ns/PTE", "", "best"));
            for (Scaling.Row s : r.scaling()) {
                sb.append(String.format(Locale.ROOT, "%-6s %11d %9.2f %9.2f %10.1f %11.1f %9.2f %9.2f %9.2f %9d %5d%n",
                        size(s.size()), s.pages(), s.touchNs() / 1e9, s.touchCpuNs() / 1e9, s.heapBytes() / 1048576.0,
                        s.bytesPerPage(),
                        s.nsPerPte(s.mprotectNs()), s.nsPerPte(s.mremapNs()), s.nsPerPte(s.munmapNs()),
                        s.heapMax() >> 20, s.reps()));
            }
            sb.append('\n');
        }
        if (!r.checker().isEmpty()) {
            sb.append("Invariant checker, 64K folios resident, thread CPU time of one check (best of " + CheckerCost.REPS
                    + "; full: best of 3, up to 1G)\n");
            sb.append(String.format("%-7s %-6s %10s %10s %9s | %-28s | %s%n", "", "", "", "full check", "",
                    "incremental, us after one", "its work: PMD entries/folios"));
            sb.append(String.format("%-7s %-6s %10s %10s %9s | %8s %10s %8s | %s%n", "arch", "size", "pages", "ms/call",
                    "ns/page", "fault", "mprot 64K", "poke", "fault, mprotect"));
            for (CheckerCost.Row c : r.checker()) {
                sb.append(String.format(Locale.ROOT, "%-7s %-6s %10d %10s %9s | %8.1f %10.1f %8.1f | %d/%d, %d/%d%n",
                        c.arch(), size(c.size()), c.pages(),
                        c.fullNs() < 0 ? "-" : String.format(Locale.ROOT, "%.3f", c.fullNs() / 1e6),
                        c.fullNs() < 0 ? "-" : String.format(Locale.ROOT, "%.1f", c.fullNsPerPage()),
                        c.faultNs() / 1e3, c.mprotectNs() / 1e3, c.pokeNs() / 1e3,
                        c.faultWork().pmdEntries(), c.faultWork().folios(),
                        c.mprotectWork().pmdEntries(), c.mprotectWork().folios()));
            }
        }
        return sb.toString();
    }

    /** The JSON report. */
    public static String json(Result r) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("quick", r.options().quick());
        root.put("in_process", r.options().inProcess());
        root.put("java", System.getProperty("java.version"));
        root.put("cpus", Runtime.getRuntime().availableProcessors());
        root.put("load_average", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        root.put("heap_max_bytes", Machine.heapMax());
        List<Object> w = new ArrayList<>();
        for (WorkloadTimes.Row x : r.workloads()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("workload", x.workload());
            m.put("params", x.params());
            Map<String, Object> targets = new LinkedHashMap<>();
            for (var e : x.byTarget().entrySet()) {
                WorkloadTimes.Sample t = e.getValue();
                Map<String, Object> tm = new LinkedHashMap<>();
                tm.put("cold_ns", t.ran() ? t.coldNs() : null);
                tm.put("warm_ns", t.warmNs() < 0 ? null : t.warmNs());
                tm.put("cold_runs", t.colds());
                tm.put("warm_runs", t.warms());
                tm.put("runs_ns", t.runsNs());
                tm.put("note", t.note());
                tm.put("ok", t.ok());
                targets.put(e.getKey(), tm);
            }
            m.put("targets", targets);
            m.put("model_over_host_cold", Double.isNaN(x.ratio()) ? null : x.ratio());
            m.put("model_over_host_warm", Double.isNaN(x.warmRatio()) ? null : x.warmRatio());
            m.put("ok", x.ok());
            w.add(m);
        }
        root.put("workloads", w);
        List<Object> b = new ArrayList<>();
        for (BulkPaths.Row x : r.bulk()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", x.path());
            m.put("arch", x.arch());
            m.put("kernel", x.kernel());
            m.put("ptes", x.ptes());
            m.put("ns_per_pte", Double.isNaN(x.nsPerPte()) ? null : x.nsPerPte());
            m.put("note", x.note());
            b.add(m);
        }
        root.put("bulk", b);
        List<Object> s = new ArrayList<>();
        for (Scaling.Row x : r.scaling()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("size", x.size());
            m.put("folio", r.options().folio());
            m.put("shared", r.options().shared());
            m.put("pages", x.pages());
            m.put("touch_ns", x.touchNs());
            m.put("touch_cpu_ns", x.touchCpuNs());
            m.put("heap_bytes", x.heapBytes());
            m.put("bytes_per_page", x.bytesPerPage());
            m.put("mprotect_ns_per_pte", x.nsPerPte(x.mprotectNs()));
            m.put("mremap_ns_per_pte", x.nsPerPte(x.mremapNs()));
            m.put("munmap_ns_per_pte", x.nsPerPte(x.munmapNs()));
            m.put("calls_best_of", x.reps());
            s.add(m);
        }
        root.put("scaling", s);
        List<Object> c = new ArrayList<>();
        for (CheckerCost.Row x : r.checker()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("arch", x.arch());
            m.put("size", x.size());
            m.put("full_ns_per_call", x.fullNs() < 0 ? null : x.fullNs());
            m.put("full_ns_per_page", x.fullNs() < 0 ? null : x.fullNsPerPage());
            m.put("incremental_fault_ns", x.faultNs());
            m.put("incremental_mprotect_ns", x.mprotectNs());
            m.put("incremental_poke_ns", x.pokeNs());
            c.add(m);
        }
        root.put("checker", c);
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String millis(long ns) {
        return ns < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f", ns / 1e6);
    }

    private static String ratio(double r) {
        return Double.isNaN(r) ? "n/a" : String.format(Locale.ROOT, "1/%.1f", 1 / r);
    }

    private static String params(Map<String, Long> p) {
        StringBuilder sb = new StringBuilder();
        for (var e : p.entrySet()) {
            if (!sb.isEmpty()) sb.append(' ');
            sb.append(e.getKey()).append('=').append(size(e.getValue()));
        }
        return sb.toString();
    }

    /** 1048576 as 1M, 1099511627776 as 1T; numbers that are not whole sizes as they are. */
    static String size(long v) {
        String[] suffix = {"T", "G", "M", "K"};
        int[] shift = {40, 30, 20, 10};
        for (int i = 0; i < suffix.length; i++) {
            long unit = 1L << shift[i];
            if (v >= unit && v % unit == 0) return (v / unit) + suffix[i];
        }
        return Long.toString(v);
    }
}
