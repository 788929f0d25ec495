package org.mmsim.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.mmsim.mm.FeatureSet;
import org.mmsim.workload.Backends;
import org.mmsim.workload.MemoryApi;
import org.mmsim.workload.script.RunResult;
import org.mmsim.workload.script.Script;

/**
 * The seed workloads at their full size (or scaled down with {@code --quick}) on the model (x86_64 and arm64, all
 * seed features) and on the live kernel when the host backend is available. The wall time compared is the
 * script's total as the interpreter measures it (parse and JVM start-up excluded), the same for every backend.
 *
 * <p>Method (the default, {@link #isolated}): every (workload, target) gets the same treatment. Each target runs in
 * {@code jvms} fresh JVMs ({@link ChildJvm}), one after the other, targets interleaved so that a change of machine
 * load falls on all of them alike. The first run of each JVM is a <em>cold</em> run, what {@code mmsim run} gives a
 * user: the model pays its JIT warm-up, the host backend its own (small: its time is in the kernel). The first JVM
 * then runs the script {@code warmRuns} more times: the <em>warm</em> figure is their median, after that identical
 * untimed first run. Cold is the median of the first runs. No JVM runs two targets, so one architecture's JIT
 * profile does not slow the other's paths.
 *
 * <p>{@link #inProcess} runs everything in this JVM, model x86_64 first, then arm64, then the host, once each: the
 * first target pays the JIT warm-up, the later ones find code compiled (for another architecture). Kept for
 * comparison with earlier figures; unfair to the model.
 */
final class WorkloadTimes {
    private WorkloadTimes() {}

    /** The targets, in the order they run and print. */
    static final List<String> TARGETS = List.of("x86_64", "arm64", "host");

    /**
     * What was measured for one target of a workload. Times in ns, -1 when not measured.
     *
     * @param coldNs median of the first runs of fresh JVMs
     * @param warmNs median of the runs after the first in one JVM
     * @param colds  how many first runs
     * @param warms  how many runs after the first
     * @param runsNs every run, JVM by JVM, in order
     * @param note   why a target did not run or failed, else empty
     * @param ok     every run ended with every expect holding
     */
    record Sample(long coldNs, long warmNs, int colds, int warms, List<Long> runsNs, String note, boolean ok) {
        static Sample missing(String note) { return new Sample(-1, -1, 0, 0, List.of(), note, true); }

        boolean ran() { return coldNs >= 0; }
    }

    /** One workload: its params (as the model's x86_64 run took them) and a sample per target. */
    record Row(String workload, Map<String, Long> params, Map<String, Sample> byTarget) {
        Sample get(String target) { return byTarget.getOrDefault(target, Sample.missing("")); }

        /** Model (x86_64) cold wall time over host cold wall time, or NaN without both. */
        double ratio() { return ratio(get("x86_64").coldNs(), get("host").coldNs()); }

        /** The same for the warm figures. */
        double warmRatio() { return ratio(get("x86_64").warmNs(), get("host").warmNs()); }

        /** True if every target that ran ended with every expect holding. */
        boolean ok() { return byTarget.values().stream().allMatch(Sample::ok); }

        /** The notes of the targets, for the table. */
        String note() {
            StringBuilder sb = new StringBuilder();
            for (var e : byTarget.entrySet()) {
                if (e.getValue().note().isEmpty()) continue;
                if (!sb.isEmpty()) sb.append("; ");
                sb.append(e.getKey()).append(": ").append(e.getValue().note());
            }
            return sb.toString();
        }

        private static double ratio(long model, long host) {
            return model >= 0 && host > 0 ? (double) model / host : Double.NaN;
        }
    }

    /**
     * The default method (see the class comment): {@code jvms} fresh JVMs per (workload, target), the first of
     * them running {@code warmRuns} more times after its first run.
     */
    static List<Row> isolated(List<Workloads.Workload> workloads, List<String> targets, boolean quick, int jvms,
                              int warmRuns, PrintWriter diag) {
        List<Row> rows = new ArrayList<>();
        for (Workloads.Workload w : workloads) {
            Map<String, List<List<Long>>> runs = new LinkedHashMap<>();
            Map<String, String> notes = new LinkedHashMap<>();
            Map<String, Boolean> ok = new LinkedHashMap<>();
            Map<String, Long> params = Map.of();
            for (String t : targets) {
                runs.put(t, new ArrayList<>());
                notes.put(t, "");
                ok.put(t, true);
            }
            for (int j = 0; j < jvms; j++) {
                for (String t : targets) {
                    if (j > 0 && runs.get(t).isEmpty()) continue; // it could not run in the first JVM
                    List<String> args = new ArrayList<>(List.of("bench", "--only", "workloads", "--in-process",
                            "--workload", w.name(), "--target", t, "--warm-runs", Integer.toString(j == 0 ? warmRuns : 0),
                            "--json"));
                    if (quick) args.add("--quick");
                    ChildJvm.Outcome o = ChildJvm.run(t, args);
                    JsonNode row = parse(o.stdout());
                    if (row == null) {
                        notes.put(t, "n/a (" + lastLine(o.stderr(), "exit code " + o.exitCode()) + ")");
                        continue;
                    }
                    JsonNode s = row.get("targets").get(t);
                    List<Long> r = new ArrayList<>();
                    for (JsonNode n : s.get("runs_ns")) r.add(n.asLong());
                    runs.get(t).add(r);
                    if (!s.get("note").asText().isEmpty()) notes.put(t, s.get("note").asText());
                    if (!s.get("ok").asBoolean()) ok.put(t, false);
                    if (params.isEmpty() && !t.equals("host")) params = readParams(row.get("params"));
                    if (o.exitCode() != 0 && s.get("ok").asBoolean()) {
                        notes.put(t, lastLine(o.stderr(), "exit code " + o.exitCode()));
                        ok.put(t, false);
                    }
                    o.stderr().lines().filter(l -> !l.startsWith("mmsim bench: ")).forEach(diag::println);
                    diag.flush();
                }
            }
            Map<String, Sample> byTarget = new LinkedHashMap<>();
            for (String t : targets) {
                List<List<Long>> perJvm = runs.get(t);
                if (perJvm.isEmpty()) {
                    byTarget.put(t, Sample.missing(notes.get(t)));
                    continue;
                }
                long[] cold = perJvm.stream().mapToLong(List::getFirst).toArray();
                long[] warm = perJvm.getFirst().stream().skip(1).mapToLong(Long::longValue).toArray();
                List<Long> all = perJvm.stream().flatMap(List::stream).toList();
                byTarget.put(t, new Sample(median(cold), warm.length == 0 ? -1 : median(warm), cold.length, warm.length,
                        all, notes.get(t), ok.get(t)));
            }
            rows.add(new Row(w.name(), params, byTarget));
        }
        return rows;
    }

    /**
     * Runs in this JVM: each of {@code targets} (model architectures and/or "host") 1 + {@code warmRuns} times, one
     * target after the other. The first run of a target is its cold figure, the median of the rest its warm one.
     */
    static List<Row> inProcess(List<Workloads.Workload> workloads, List<String> targets, int warmRuns, boolean quick,
                               Supplier<MemoryApi> host, PrintWriter diag) {
        List<Row> rows = new ArrayList<>();
        FeatureSet patched = FeatureSet.patched();
        for (Workloads.Workload w : workloads) {
            Script s = w.script();
            Map<String, Long> params = quick ? w.quick() : w.full();
            Map<String, Long> took = Map.of();
            Map<String, Sample> byTarget = new LinkedHashMap<>();
            for (String t : targets) {
                List<Long> times = new ArrayList<>();
                String note = "";
                boolean ok = true;
                for (int i = 0; i <= warmRuns && note.isEmpty(); i++) {
                    MemoryApi api;
                    try {
                        api = t.equals("host") ? host.get() : Backends.sim(t, patched, false);
                    } catch (RuntimeException e) { // IllegalArgumentException, HostRefusal: the reason is the message
                        note = "n/a (host backend unavailable: " + e.getMessage() + ")";
                        break;
                    }
                    try (api) {
                        RunResult r = ScriptRuns.run(s, api, params, diag);
                        times.add(r.total().wallNs());
                        if (!t.equals("host")) took = r.params();
                        if (!r.ok()) {
                            note = "run failed: " + (r.stopped() != null ? r.stopped() : r.failed() + " expects failed");
                            ok = false;
                        }
                    } catch (RuntimeException e) {
                        note = "n/a (run failed: " + e.getMessage() + ")";
                        ok = false;
                    }
                }
                if (times.isEmpty()) {
                    byTarget.put(t, new Sample(-1, -1, 0, 0, List.of(), note, ok));
                } else {
                    long[] warm = times.stream().skip(1).mapToLong(Long::longValue).toArray();
                    byTarget.put(t, new Sample(times.getFirst(), warm.length == 0 ? -1 : median(warm), 1, warm.length,
                            List.copyOf(times), note, ok));
                }
            }
            rows.add(new Row(w.name(), took, byTarget));
        }
        return rows;
    }

    /** The median; of an even count, the mean of the middle two. */
    static long median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /** The first workload row of a child's JSON report, or null if it printed none. */
    private static JsonNode parse(String json) {
        if (json.isBlank()) return null;
        try {
            JsonNode w = new ObjectMapper().readTree(json).get("workloads");
            return w == null || w.isEmpty() ? null : w.get(0);
        } catch (IOException e) {
            return null;
        }
    }

    private static Map<String, Long> readParams(JsonNode p) {
        Map<String, Long> m = new LinkedHashMap<>();
        if (p != null) p.properties().forEach(e -> m.put(e.getKey(), e.getValue().asLong()));
        return m;
    }

    private static String lastLine(String text, String otherwise) {
        String[] lines = text.strip().split("\n");
        String l = lines[lines.length - 1].strip();
        if (l.startsWith("mmsim: ")) l = l.substring(7);
        return l.isEmpty() ? otherwise : l;
    }
}
