package org.mmsim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.mmsim.arch.Arch;
import org.mmsim.bench.Sweep;
import org.mmsim.bench.SweepTable;
import org.mmsim.bench.Workloads;
import org.mmsim.mm.FeatureSet;
import org.mmsim.mm.Tunables;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mmsim sweep}: runs a grid of configurations of the seed workloads in parallel (see {@link Sweep}) and
 * writes one CSV or JSON row per configuration; {@code mmsim sweep merge} joins the outputs of shards.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true, version = MmsimCommand.VERSION,
        subcommands = SweepCommand.Merge.class,
        description = {"Run the seed workloads over a grid of arch x kernel x folio size x workload size, in parallel,",
            "one simulated machine per configuration; one CSV/JSON row (counters, wall time) per configuration.",
            "Spread a big sweep over a cluster with --shard i/N (e.g. a Slurm array) and join with 'sweep merge'."})
final class SweepCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--workload", paramLabel = "NAME", split = ",",
            description = "workloads (default: all): seed000, seed001, seed003, seed004, bigheap")
    private List<String> workloads;

    @Option(names = "--arch", paramLabel = "ARCH", split = ",", defaultValue = "x86_64,arm64",
            description = "architectures (default: ${DEFAULT-VALUE})")
    private List<String> arches;

    @Option(names = "--kernel", paramLabel = "SPEC",
            description = "kernel feature set; repeat for several (default: baseline and patched)")
    private List<String> kernels;

    @Option(names = "--folio", paramLabel = "SIZE", split = ",", defaultValue = "4K,64K,2M",
            description = "anonymous folio sizes; each overrides the script's own thp/mthp settings (default: ${DEFAULT-VALUE})")
    private List<String> folios;

    @Option(names = "--size", paramLabel = "SIZE", split = ",", defaultValue = "1M,16M",
            description = "values of the SIZE param, for workloads that have one (default: ${DEFAULT-VALUE})")
    private List<String> sizes;

    @Option(names = {"-p", "--param"}, paramLabel = "NAME=VALUE",
            description = "a param for every workload that declares it, e.g. LOOPS=10; a number or size")
    private Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--jobs", paramLabel = "N", description = "threads (default: all cores)")
    private Integer jobs;

    @Option(names = "--shard", paramLabel = "i/N", description = "run only shard i of N (1 <= i <= N) of the grid")
    private String shard;

    @Option(names = "--format", paramLabel = "FMT", defaultValue = "csv", description = "csv or json (default: ${DEFAULT-VALUE})")
    private String format;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "write the table to FILE instead of stdout")
    private String out;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        Sweep.Grid grid;
        List<Sweep.Config> configs;
        int i = 1;
        int n = 1;
        int threads = jobs != null ? jobs : Runtime.getRuntime().availableProcessors();
        try {
            if (!format.equals("csv") && !format.equals("json")) throw new IllegalArgumentException("--format must be csv or json");
            if (threads < 1) throw new IllegalArgumentException("--jobs must be at least 1");
            List<String> ws = workloads != null ? workloads : List.copyOf(Workloads.byNames().keySet());
            ws.forEach(Workloads::byName);
            arches.forEach(Arch::byName);
            List<String> ks = kernels != null ? kernels : List.of("baseline", "patched");
            ks.forEach(FeatureSet::parse);
            List<Long> fs = new ArrayList<>();
            for (String f : folios) fs.add(folio(f));
            List<Long> ss = new ArrayList<>();
            for (String s : sizes) ss.add(number("--size", s));
            Map<String, Long> ps = new LinkedHashMap<>();
            for (var e : params.entrySet()) ps.put(e.getKey(), number("-p " + e.getKey(), e.getValue()));
            grid = new Sweep.Grid(ws, arches, ks, fs, ss, ps);
            configs = grid.configs();
            if (shard != null) {
                String[] parts = shard.split("/");
                if (parts.length != 2) throw new IllegalArgumentException("--shard must be i/N, got '" + shard + "'");
                i = Integer.parseInt(parts[0].trim());
                n = Integer.parseInt(parts[1].trim());
                configs = Sweep.shard(configs, i, n);
            }
        } catch (NumberFormatException e) {
            err.println("mmsim: --shard must be i/N with numbers, got '" + shard + "'");
            return Exit.USAGE;
        } catch (IllegalArgumentException e) {
            err.println("mmsim: " + e.getMessage());
            return Exit.USAGE;
        }
        long t0 = System.nanoTime();
        List<Sweep.Outcome> outcomes = Sweep.run(configs, grid.params(), threads);
        double secs = (System.nanoTime() - t0) / 1e9;
        long ok = outcomes.stream().filter(o -> o.status().equals("ok")).count();
        err.printf(Locale.ROOT, "mmsim sweep: %d configurations (shard %d/%d) in %.2f s on %d jobs: %.2f configurations/s; %d ok, %d not%n",
                configs.size(), i, n, secs, threads, configs.size() / secs, ok, configs.size() - ok);
        for (Sweep.Outcome o : outcomes) {
            if (!o.status().equals("ok")) err.println("  config " + o.config().index() + " " + o.config() + ": " + o.status());
        }
        List<java.util.Map<String, Object>> rows = SweepTable.rows(outcomes);
        int w = write(format.equals("csv") ? SweepTable.csv(rows) : SweepTable.json(rows), out, spec, err);
        if (w != Exit.OK) return w;
        return ok == configs.size() ? Exit.OK : Exit.FAILED;
    }

    private static long folio(String f) {
        long v = number("--folio", f);
        if (v != 4096 && v != (2L << 20) && (Long.bitCount(v) != 1 || v < 8192 || v > (1L << 20))) {
            throw new IllegalArgumentException("--folio sizes must be 4K, a power of two from 8K to 1M, or 2M; got " + f);
        }
        return v;
    }

    private static long number(String what, String v) {
        try {
            return Tunables.parseNumber(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " needs a number or size such as 64K, got '" + v + "'");
        }
    }

    static int write(String text, String file, CommandSpec spec, PrintWriter err) {
        if (file == null) {
            spec.commandLine().getOut().print(text);
            spec.commandLine().getOut().flush();
            return Exit.OK;
        }
        try {
            Files.writeString(Path.of(file), text, StandardCharsets.UTF_8);
            return Exit.OK;
        } catch (IOException | RuntimeException e) {
            err.println("mmsim: cannot write " + file + ": " + e.getMessage());
            return Exit.ENVIRONMENT;
        }
    }

    /** {@code mmsim sweep merge FILE...}: joins shard outputs (CSV or JSON) into one table in config order. */
    @Command(name = "merge", mixinStandardHelpOptions = true, version = MmsimCommand.VERSION,
            description = "Join the outputs of sweep shards (CSV or JSON, mixed) into one table in configuration order.")
    static final class Merge implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Parameters(paramLabel = "FILE", arity = "1..*", description = "shard outputs")
        private List<String> files;

        @Option(names = "--format", paramLabel = "FMT", defaultValue = "csv", description = "csv or json (default: ${DEFAULT-VALUE})")
        private String format;

        @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "write to FILE instead of stdout")
        private String out;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            if (!format.equals("csv") && !format.equals("json")) {
                err.println("mmsim: --format must be csv or json");
                return Exit.USAGE;
            }
            List<List<Map<String, Object>>> parts = new ArrayList<>();
            List<Long> missing = new ArrayList<>();
            List<Map<String, Object>> merged;
            try {
                for (String f : files) {
                    String text;
                    try {
                        text = Files.readString(Path.of(f), StandardCharsets.UTF_8);
                    } catch (IOException | RuntimeException e) {
                        err.println("mmsim: cannot read " + f + ": " + e.getMessage());
                        return Exit.USAGE;
                    }
                    parts.add(SweepTable.parse(f, text));
                }
                merged = SweepTable.merge(parts, missing);
            } catch (IllegalArgumentException e) {
                err.println("mmsim: " + e.getMessage());
                return Exit.USAGE;
            }
            if (!missing.isEmpty()) err.println("mmsim sweep merge: warning: configurations missing: " + missing);
            err.println("mmsim sweep merge: " + merged.size() + " configurations from " + files.size() + " files");
            return write(format.equals("csv") ? SweepTable.csv(merged) : SweepTable.json(merged), out, spec, err);
        }
    }
}
