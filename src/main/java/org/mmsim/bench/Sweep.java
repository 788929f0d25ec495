package org.mmsim.bench;

import java.io.PrintWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.mmsim.arch.Event;
import org.mmsim.mm.FeatureSet;
import org.mmsim.workload.Backends;
import org.mmsim.workload.MemoryApi;
import org.mmsim.workload.script.RunResult;
import org.mmsim.workload.script.Script;

/**
 * {@code mmsim sweep}: a grid of configurations (workload x arch x kernel x folio size x workload size), each run
 * on its own simulated machine; configurations run in parallel on {@code jobs} threads. A shard {@code i/N} runs
 * the configurations whose index is congruent to {@code i-1} modulo N, so N processes (a Slurm array, GNU
 * parallel) cover the grid between them and {@link SweepTable#merge} puts their outputs back together.
 *
 * <p>The model keeps no shared mutable state between machines (counters, tables, frames and tunables all hang off
 * one {@code Kernel}); the only statics written at run time are two id counters, which are synchronized.
 */
public final class Sweep {
    private Sweep() {}

    /** One point of the grid; {@code size} is -1 for a workload that has no SIZE param. */
    public record Config(int index, String workload, String arch, String kernel, long folio, long size) { }

    /**
     * The outcome of one configuration: {@code status} is {@code ok}, {@code failed} (an expect did not hold),
     * {@code stopped: ...} (a fault or violation ended the script) or {@code error: ...}; counters by event name.
     */
    public record Outcome(Config config, String status, int passed, int failed, long wallNs, Map<String, Long> counters) { }

    /** The axes of a grid and the params every run gets (those a script does not declare are not passed). */
    public record Grid(List<String> workloads, List<String> arches, List<String> kernels, List<Long> folios,
                       List<Long> sizes, Map<String, Long> params) {
        /** Every configuration, numbered from 0 in a fixed order; the size axis collapses for scripts without SIZE. */
        public List<Config> configs() {
            List<Config> out = new ArrayList<>();
            for (String w : workloads) {
                boolean sized = Workloads.byName(w).script().params().contains("SIZE");
                for (String a : arches) {
                    for (String k : kernels) {
                        for (long f : folios) {
                            for (long s : sized ? sizes : List.of(-1L)) out.add(new Config(out.size(), w, a, k, f, s));
                        }
                    }
                }
            }
            return out;
        }
    }

    /** The configurations of shard {@code i} (1-based) of {@code n}. */
    public static List<Config> shard(List<Config> all, int i, int n) {
        if (n < 1 || i < 1 || i > n) throw new IllegalArgumentException("shard must be i/N with 1 <= i <= N, got " + i + "/" + n);
        List<Config> out = new ArrayList<>();
        for (Config c : all) if (c.index() % n == i - 1) out.add(c);
        return out;
    }

    /** Runs the configurations on {@code jobs} threads; outcomes in the order of {@code configs}. */
    public static List<Outcome> run(List<Config> configs, Map<String, Long> params, int jobs) {
        Map<String, Script> scripts = new HashMap<>();
        for (Config c : configs) scripts.computeIfAbsent(c.workload(), w -> Workloads.byName(w).script());
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, jobs), r -> {
            Thread t = new Thread(r, "mmsim-sweep");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (Config c : configs) futures.add(pool.submit(() -> one(c, scripts.get(c.workload()), params)));
            List<Outcome> out = new ArrayList<>();
            for (Future<Outcome> f : futures) {
                try {
                    out.add(f.get());
                } catch (ExecutionException e) {
                    throw new IllegalStateException("a sweep task failed", e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted");
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /** One configuration on a fresh machine; model errors become an {@code error:} status, not an exception. */
    static Outcome one(Config c, Script script, Map<String, Long> params) {
        Map<String, Long> p = new LinkedHashMap<>(params);
        if (c.size() >= 0) p.put("SIZE", c.size());
        if (script.params().contains("FOLIO")) p.put("FOLIO", c.folio());
        PrintWriter diag = new PrintWriter(Writer.nullWriter());
        try (MemoryApi api = new FolioOverride(Backends.sim(c.arch(), FeatureSet.parse(c.kernel()), false), c.folio())) {
            RunResult r = ScriptRuns.run(script, api, p, diag);
            String status = r.stopped() != null ? "stopped: " + r.stopped() : r.failed() > 0 ? "failed" : "ok";
            Map<String, Long> counters = new LinkedHashMap<>();
            for (Event e : Event.values()) counters.put(e.name(), r.total().counters().getOrDefault(e.name(), 0L));
            return new Outcome(c, status, r.passed(), r.failed(), r.total().wallNs(), counters);
        } catch (RuntimeException e) {
            return new Outcome(c, "error: " + e.getClass().getSimpleName() + ": " + e.getMessage(), 0, 0, 0, Map.of());
        }
    }
}
