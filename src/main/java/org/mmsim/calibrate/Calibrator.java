package org.mmsim.calibrate;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.mmsim.arch.Event;
import org.mmsim.cost.Cost;
import org.mmsim.cost.Fit;
import org.mmsim.cost.Profile;
import org.mmsim.mm.FeatureSet;
import org.mmsim.workload.Backends;
import org.mmsim.workload.MemoryApi;
import org.mmsim.workload.script.Interpreter;
import org.mmsim.workload.script.Language;
import org.mmsim.workload.script.RunResult;
import org.mmsim.workload.script.Script;

/**
 * Fits the x86 costs of a host profile: runs the calibration script in the model once (counts per region) and on
 * the host {@code reps} times (wall time per region), then solves the free events' costs by non-negative least
 * squares on the relative error of each region's median host time (the median, because a shared machine gives
 * occasional slow runs that a fit on every run would chase); every other cost is kept from the starting profile
 * with its source.
 */
public final class Calibrator {
    /** The calibration script shipped in the jar. */
    public static final String SCRIPT = "/calibrate/host-microbench.mms";
    /**
     * The kernel features of the host kernel the model is run with: Linux 6.18 has move-pmd/pud, the mremap batch
     * with its hint (6.17) and the mprotect batch (6.17), not the 2026 anonymous-unmap batch.
     */
    public static final String HOST_KERNEL = "patched,-anon-unmap-batch";
    /**
     * The costs the fit solves for; each is the main work of at least one calibration region. SYSCALL, fitted on
     * the null-calls region, includes the host backend's own per-call checks, so host regions made of a few short
     * calls are priced as the host backend measures them (tools/calibrate/microbench.c measures the bare call).
     */
    public static final List<Event> FREE = List.of(Event.SYSCALL, Event.USER_BYTES_WRITTEN, Event.USER_BYTES_READ, Event.FAULT_ANON,
            Event.FAULT_ANON_MTHP, Event.FAULT_PMD_THP, Event.PTE_CLEAR, Event.FOLIO_LOOKUP, Event.PTE_MOVE,
            Event.PMD_MOVE, Event.FOLIO_FREE_0, Event.FOLIO_FREE_4, Event.FOLIO_FREE_9);

    private final Supplier<MemoryApi> host;
    private final int reps;

    /** @param host opens the live-kernel backend; @param reps how many times the script runs on the host */
    public Calibrator(Supplier<MemoryApi> host, int reps) {
        this.host = host;
        this.reps = reps;
    }

    /**
     * The outcome.
     *
     * @param profile    the fitted profile
     * @param fit        fitted costs and per-observation residuals
     * @param medianNs   per region, the median host time
     * @param rangeNs    per region, the fastest and slowest host time
     * @param counters   per region, the model's counts
     */
    public record Result(Profile profile, Fit.Result fit, Map<String, Double> medianNs, Map<String, double[]> rangeNs,
                         Map<String, Map<String, Long>> counters) { }

    /** Runs the calibration and returns the fitted profile, named {@code name}, starting from {@code start}. */
    public Result run(Profile start, String name, String machine, Progress progress) {
        Script script = script();
        progress.step("model run");
        RunResult sim = runOn(script, Backends.sim("x86_64", FeatureSet.parse(HOST_KERNEL), false));
        Map<String, Map<String, Long>> counters = new LinkedHashMap<>();
        for (var m : sim.regions()) counters.put(m.name(), m.counters());
        Map<String, List<Double>> times = new LinkedHashMap<>();
        for (int r = 0; r < reps; r++) {
            progress.step("host run " + (r + 1) + " of " + reps);
            RunResult h = runOn(script, host.get());
            for (var m : h.regions()) times.computeIfAbsent(m.name(), k -> new ArrayList<>()).add((double) m.wallNs() / m.entries());
        }
        List<Fit.Observation> obs = new ArrayList<>();
        Map<String, Double> medians = new LinkedHashMap<>();
        Map<String, double[]> spread = new LinkedHashMap<>();
        for (var e : times.entrySet()) {
            List<Double> v = new ArrayList<>(e.getValue());
            v.sort(null);
            medians.put(e.getKey(), v.get(v.size() / 2));
            spread.put(e.getKey(), new double[] {v.get(0), v.get(v.size() - 1)});
            obs.add(new Fit.Observation(e.getKey(), counters.get(e.getKey()), v.get(v.size() / 2)));
        }
        Fit.Result fit = Fit.solve(start, FREE, obs);
        String how = "fitted by 'mmsim calibrate --backend host' (non-negative least squares over " + reps
                + " host runs of calibrate/host-microbench.mms, medians per region; residuals in the profile's 'about')";
        Map<Event, Cost> fitted = new EnumMap<>(Event.class);
        fit.costs().forEach((ev, ns) -> fitted.put(ev, new Cost(ns, how)));
        Map<Event, Cost> all = new EnumMap<>(Event.class);
        start.costs().forEach((ev, c) -> all.put(ev, new Cost(c.ns(), "kept from " + start.name() + ": " + c.source())));
        all.putAll(fitted);
        StringBuilder about = new StringBuilder("Made on this machine by mmsim calibrate --backend host. The model ran the"
                + " calibration regions with kernel '" + HOST_KERNEL + "' for counts; the host kernel ran them " + reps
                + " times for wall time. Fitted (free) events: ");
        for (Event e : FREE) about.append(e).append(' ');
        about.append("; all others kept from ").append(start.name()).append(". SYSCALL includes the host backend's per-call"
                + " checks (the bare system call is measured by tools/calibrate/microbench.c). Median host time and fit residual per region: ");
        for (var e : medians.entrySet()) {
            double pred = org.mmsim.cost.CostModel.predict(start.withCosts(fitted), counters.get(e.getKey())).ns();
            double[] mm = spread.get(e.getKey());
            about.append(String.format(Locale.ROOT, "%s %.3f ms (runs %.3f..%.3f ms), residual %+.1f %%; ", e.getKey(), e.getValue() / 1e6,
                    mm[0] / 1e6, mm[1] / 1e6, 100 * (pred / e.getValue() - 1)));
        }
        Profile p = new Profile(name, "x86_64", machine, about.toString().trim(), all, start.tlb(), null);
        return new Result(p, fit, medians, spread, counters);
    }

    /** Told before each run. */
    @FunctionalInterface
    public interface Progress {
        void step(String what);
    }

    private static RunResult runOn(Script script, MemoryApi api) {
        StringWriter diag = new StringWriter();
        try (api) {
            RunResult r = new Interpreter(script, api, new PrintWriter(Writer.nullWriter()), new PrintWriter(diag)).run();
            if (!r.ok()) throw new IllegalStateException("the calibration script failed on " + api.backend() + ": " + diag.toString().trim());
            return r;
        }
    }

    /** The calibration script. */
    public static Script script() {
        try (InputStream in = Calibrator.class.getResourceAsStream(SCRIPT)) {
            if (in == null) throw new IllegalStateException(SCRIPT + " is missing from the jar");
            return Script.parse("calibrate/host-microbench.mms", new String(in.readAllBytes(), StandardCharsets.UTF_8), Language.standard());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + SCRIPT + ": " + e.getMessage(), e);
        }
    }
}
