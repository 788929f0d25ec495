package org.mmsim.difftest;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.mmsim.workload.MemoryApi;

/**
 * A differential test of two backends: {@code ops} random calls in runs of {@code runLength}, each run on freshly
 * opened backends with its own tunables and its own seed (derived from the test's seed and the run's number, so any
 * run can be repeated alone). After every call the two backends are compared (see {@link Session}); the whole window
 * every {@code fullEvery} calls and at the end of a run. A divergence ends its run, is shrunk to a minimal sequence
 * and written as a {@code .mms} script; the test goes on with the next run.
 */
public final class DiffTest {
    /** What to run. {@code windowSize} is a multiple of 4 MiB centred on a 1 GiB boundary. */
    public record Config(long seed, long ops, int runLength, int fullEvery, long windowSize, int shrinkBudget,
            boolean shared, boolean execOnly) {
        public Config {
            if (ops < 0 || runLength < 1 || fullEvery < 1 || shrinkBudget < 0) throw new IllegalArgumentException("bad difftest config");
        }

        /**
         * The defaults: runs of 200 calls, a full comparison every 25, a 64 MiB window, private memory only, no
         * execute-only memory.
         */
        public static Config of(long seed, long ops) {
            return new Config(seed, ops, 200, 25, 64L << 20, 400, false, false);
        }
    }

    /** A divergence found: its run, the shrunk calls and the script that reproduces it. */
    public record Found(int run, long runSeed, String kind, String what, int originalLength, int shrunkLength,
            int replays, String script) {}

    /** The result of the whole test. */
    /** {@code opsRun} calls were planned, {@code callsCompared} were run and compared (a run ends at its divergence). */
    public record Report(long opsRun, long callsCompared, int runs, Window window, List<Found> divergences, Tally tally,
            int placementStops) {}

    private final Supplier<MemoryApi> sideA;
    private final Supplier<MemoryApi> sideB;
    private final String nameA;
    private final String nameB;
    private final Config config;
    private final PrintWriter progress;
    private final Tally tally = new Tally();
    private int placementStops;
    private int lastRunCalls;

    /** {@code progress} gets a line per run (null for none). */
    public DiffTest(Supplier<MemoryApi> sideA, String nameA, Supplier<MemoryApi> sideB, String nameB, Config config,
            PrintWriter progress) {
        this.sideA = sideA;
        this.sideB = sideB;
        this.nameA = nameA;
        this.nameB = nameB;
        this.config = config;
        this.progress = progress;
    }

    /** The seed of run {@code k} of a test seeded with {@code seed} (splitmix64 of both). */
    public static long runSeed(long seed, int k) {
        long z = seed + 0x9E3779B97F4A7C15L * (k + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public Report run() {
        Window w;
        try (MemoryApi a = sideA.get(); MemoryApi b = sideB.get()) {
            w = Window.findFree(config.windowSize(), a, b);
        }
        List<Found> found = new ArrayList<>();
        long done = 0;
        long executed = 0;
        int runs = 0;
        long t0 = System.nanoTime();
        long lastProgress = t0;
        while (done < config.ops()) {
            int k = runs++;
            int len = (int) Math.min(config.runLength(), config.ops() - done);
            long rs = runSeed(config.seed(), k);
            Found f = runOne(w, k, rs, len);
            done += len;
            executed += lastRunCalls;
            if (f != null) found.add(f);
            long now = System.nanoTime();
            if (progress != null && (now - lastProgress > 5_000_000_000L || done >= config.ops() || f != null)) {
                lastProgress = now;
                progress.printf("difftest: %d/%d calls, %d runs, %d divergences (%.1f s)%n", done, config.ops(), runs,
                        found.size(), (System.nanoTime() - t0) / 1e9);
                progress.flush();
            }
        }
        return new Report(done, executed, runs, w, found, tally, placementStops);
    }

    /** One run of {@code len} calls; the divergence it found, shrunk, or null. */
    Found runOne(Window w, int k, long rs, int len) {
        Generator g = new Generator(rs, w, config.shared(), config.execOnly());
        List<Op> preamble = g.preamble();
        List<Op> body = new ArrayList<>();
        Divergence d;
        lastRunCalls = 0;
        try (Session s = new Session(sideA, sideB, w).countInto(tally)) {
            d = s.setup(preamble);
            if (d != null) return found(w, k, rs, preamble, List.of(), new Shrinker.Replay(d, List.of()), 0, 0);
            lastRunCalls = 0;
            for (int i = 0; i < len && d == null; i++) {
                Op op = g.next(s.layout());
                body.add(op);
                lastRunCalls++;
                d = s.step(op);
                if (d == null && ((i + 1) % config.fullEvery() == 0 || i == len - 1)) d = s.fullCheck(op);
            }
        }
        if (d == null) return null;
        if (d.kind().equals(Session.PLACEMENT)) {
            placementStops++;
            return null;
        }
        Shrinker.Replay first = replay(w, preamble, body);
        if (first.divergence() == null) {
            // Seen live but not on replay: report it unshrunk, with the first run's calls.
            return found(w, k, rs, preamble, body, new Shrinker.Replay(d, List.of()), body.size(), 0);
        }
        Shrinker.Result r = Shrinker.shrink(body, first, c -> replay(w, preamble, c), config.shrinkBudget());
        return found(w, k, rs, preamble, r.ops(), r.replay(), body.size(), r.replays());
    }

    /** Replays {@code preamble} and {@code body} on fresh backends, comparing after every call and at the end. */
    Shrinker.Replay replay(Window w, List<Op> preamble, List<Op> body) {
        try (Session s = new Session(sideA, sideB, w)) {
            Divergence d = s.setup(preamble);
            for (int i = 0; i < body.size() && d == null; i++) d = s.step(body.get(i));
            if (d == null && !body.isEmpty()) d = s.fullCheck(body.getLast());
            return new Shrinker.Replay(d, List.copyOf(s.outcomesA()));
        }
    }

    private Found found(Window w, int k, long rs, List<Op> preamble, List<Op> ops, Shrinker.Replay r, int original,
            int replays) {
        Divergence d = r.divergence();
        List<Op> body = d.index() < 0 ? List.of() : ops.subList(0, Math.min(ops.size(), d.index() + 1));
        List<String> header = List.of(
                "mmsim difftest: " + nameA + " (A) against " + nameB + " (B), run " + k + " (seed " + rs + ")",
                "divergence (" + d.kind() + ") at call " + (d.index() + 1) + " of " + body.size()
                        + " (shrunk from " + original + "): " + d.what(),
                "every expect holds on A; on B one fails");
        String script = ScriptWriter.write(w, preamble, body, r.outcomesA(), d, header);
        return new Found(k, rs, d.kind(), d.what(), original, body.size(), replays, script);
    }
}
