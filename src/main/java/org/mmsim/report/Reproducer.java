package org.mmsim.report;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.mmsim.arch.Arch;
import org.mmsim.arch.Event;
import org.mmsim.cost.CostModel;
import org.mmsim.cost.CostModel.Prediction;
import org.mmsim.cost.CostModel.Term;
import org.mmsim.cost.Fit;
import org.mmsim.cost.Profile;
import org.mmsim.mm.FeatureSet;
import org.mmsim.workload.Backends;
import org.mmsim.workload.MemoryApi;
import org.mmsim.workload.script.Interpreter;
import org.mmsim.workload.script.Language;
import org.mmsim.workload.script.RunResult;
import org.mmsim.workload.script.Script;
import org.mmsim.workload.script.ScriptError;

/**
 * Runs every seed experiment in the model for its baseline and patched kernels on each architecture (once per
 * architecture, whatever the number of profiles), fits the profiles that declare fitted rows, and prices every
 * experiment on every profile. The time of a side is exactly the sum of count times cost over its events.
 */
public final class Reproducer {
    private final Path examples;
    private final List<Profile> profiles;
    private final List<Experiment> experiments;
    private final boolean quick;
    private final Progress progress;
    private final Map<String, RunResult> runs = new HashMap<>();
    private java.util.function.Supplier<MemoryApi> host;
    private String hostKernel;

    /**
     * @param examples    the directory of the example scripts
     * @param profiles    the profiles to price on
     * @param experiments the experiments (usually {@link Experiment#builtin()})
     * @param quick       use each experiment's scaled-down params; published figures are then not comparable
     * @param progress    told before each model run
     */
    public Reproducer(Path examples, List<Profile> profiles, List<Experiment> experiments, boolean quick, Progress progress) {
        this.examples = examples;
        this.profiles = List.copyOf(profiles);
        this.experiments = List.copyOf(experiments);
        this.quick = quick;
        this.progress = progress;
    }

    /**
     * Also runs every experiment on the live kernel and compares its time with the model's prediction for the host
     * kernel's own features ({@code hostKernel}) priced on the profile named x86_64-host.
     */
    public Reproducer withHost(java.util.function.Supplier<MemoryApi> backend, String hostKernel) {
        this.host = backend;
        this.hostKernel = hostKernel;
        return this;
    }

    /**
     * The live kernel's time for an experiment against the model's.
     *
     * @param experiment  the experiment's id
     * @param measuredNs  host wall time of the experiment's scope (per published unit), NaN when it could not run
     * @param predictedNs the model's time for the host kernel's features on x86_64-host, NaN without that profile
     * @param note        what was run, or why not
     */
    public record HostRow(String experiment, double measuredNs, double predictedNs, String note) {
        /** predicted / measured - 1. */
        public double error() { return predictedNs / measuredNs - 1; }
    }

    /**
     * What a fit did.
     *
     * @param profile the profile's name
     * @param rows    the rows it was fitted to
     * @param text    fitted costs and residuals in words
     * @param result  the fit itself, null when skipped
     */
    public record FitReport(String profile, List<String> rows, String text, Fit.Result result) { }

    /**
     * The whole outcome.
     *
     * @param rows      one per experiment and profile
     * @param fits      one per profile with a fit
     * @param profiles  the profiles as priced (fitted costs in place)
     * @param quick     whether sizes were scaled down
     * @param host      host-kernel measurements, empty unless asked for
     */
    public record Result(List<Row> rows, List<FitReport> fits, List<Profile> profiles, boolean quick, List<HostRow> host) {
        public Result {
            host = host == null ? List.of() : List.copyOf(host);
        }
    }

    /** A model run that failed (bad script, failed expect); the message says which. */
    public static final class RunFailed extends RuntimeException {
        RunFailed(String message) {
            super(message, null, false, false);
        }
    }

    /** Runs and prices everything. */
    public Result run() {
        Set<String> keys = new LinkedHashSet<>();
        for (Experiment e : experiments) {
            for (String arch : archs()) {
                keys.add(key(e, arch, e.baseline()));
                keys.add(key(e, arch, e.patched()));
            }
        }
        if (host != null) {
            for (Experiment e : experiments) keys.add(hostKey(e));
        }
        int total = keys.size() + (host != null ? experiments.size() : 0);
        int done = 0;
        for (Experiment e : experiments) {
            for (String arch : archs()) {
                for (String spec : List.of(e.baseline(), e.patched())) {
                    String k = key(e, arch, spec);
                    if (runs.containsKey(k)) continue;
                    progress.step(done++, total, e.script() + " " + arch + " " + spec);
                    runs.put(k, runScript(e, arch, spec));
                }
            }
        }
        if (host != null) {
            for (Experiment e : experiments) {
                String k = hostKey(e);
                if (runs.containsKey(k)) continue;
                progress.step(done++, total, e.script() + " x86_64 " + hostKernel);
                runs.put(k, runOn(e, Backends.sim("x86_64", FeatureSet.parse(hostKernel), false), "x86_64 with " + hostKernel, params(e, true)));
            }
        }
        Map<String, RunResult> hostRuns = new HashMap<>();
        Map<String, String> hostFailures = new HashMap<>();
        if (host != null) {
            for (Experiment e : experiments) {
                String k = e.script() + "|" + params(e, true);
                if (hostRuns.containsKey(k) || hostFailures.containsKey(k)) {
                    done++;
                    continue;
                }
                progress.step(done++, total, "host: " + e.script());
                try {
                    hostRuns.put(k, runOn(e, host.get(), "host", params(e, true)));
                } catch (RuntimeException x) {
                    hostFailures.put(k, x.getMessage());
                }
            }
        }
        progress.step(total, total, "pricing");

        List<Profile> priced = new ArrayList<>();
        List<FitReport> fits = new ArrayList<>();
        for (Profile p : profiles) {
            Profile q = p;
            if (p.fit() != null && !p.fit().rows().isEmpty()) {
                if (quick) {
                    fits.add(new FitReport(p.name(), p.fit().rows(), "not fitted in --quick mode (sizes scaled down): documented starting costs used", null));
                } else {
                    Fit.Result r = Fit.solve(p, p.fit().free(), observations(p));
                    q = p.withCosts(Fit.asCosts(r.costs(), "least-squares fit to published rows " + String.join(", ", p.fit().rows())
                            + " (relative error, non-negative; see the reproduce report)"));
                    fits.add(new FitReport(p.name(), p.fit().rows(), Fit.describe(r), r));
                }
            }
            priced.add(q);
        }

        List<Row> rows = new ArrayList<>();
        for (Experiment e : experiments) {
            for (Profile p : priced) rows.add(row(e, p));
        }
        List<HostRow> hostRows = new ArrayList<>();
        if (host != null) {
            Profile hp = priced.stream().filter(p -> p.name().equals("x86_64-host")).findFirst().orElse(null);
            for (Experiment e : experiments) {
                String k = e.script() + "|" + params(e, true);
                RunResult hr = hostRuns.get(k);
                if (hr == null) {
                    hostRows.add(new HostRow(e.id(), Double.NaN, Double.NaN, "the host run failed: " + hostFailures.get(k)));
                    continue;
                }
                RunResult.Measurement m = e.hostScope().equals("total") ? hr.total()
                        : hr.regions().stream().filter(x -> x.name().equals(e.hostScope())).findFirst().orElse(null);
                Long perParam = e.perParam() == null ? null : hr.params().get(e.perParam());
                long per = perParam == null || perParam <= 0 ? 1 : perParam;
                double measured = m == null ? Double.NaN : (double) m.wallNs() / per;
                Map<String, Long> c = scopeCounters(e, runs.get(hostKey(e)), e.hostScope());
                double predicted = hp == null || c == null ? Double.NaN : CostModel.predict(hp, c).ns() / per;
                String note = "region '" + e.hostScope() + "'" + (params(e, true).isEmpty() ? "" : " with " + params(e, true))
                        + "; host kernel features as '" + hostKernel + "'"
                        + (c == null ? "; the model cannot run it: " + e.missing() : "")
                        + (hp == null ? "; no x86_64-host profile priced" : "")
                        + (c == null ? "" : "; " + Format.count((double) c.getOrDefault("SYSCALL", 0L) / per) + " system calls per unit, each"
                                + " also paying the host backend's own checks, which differ by call (see docs/cost-model.md)");
                hostRows.add(new HostRow(e.id(), measured, predicted, note));
            }
        }
        return new Result(rows, fits, priced, quick, hostRows);
    }

    private List<String> archs() {
        Set<String> s = new LinkedHashSet<>();
        for (Profile p : profiles) s.add(p.arch());
        return List.copyOf(s);
    }

    private List<Fit.Observation> observations(Profile p) {
        List<Fit.Observation> obs = new ArrayList<>();
        for (String id : p.fit().rows()) {
            Experiment e = experiments.stream().filter(x -> x.id().equals(id)).findFirst()
                    .orElseThrow(() -> new RunFailed("profile " + p.name() + " is fitted to an unknown row " + id));
            Experiment.Published pub = e.publishedFor(p.arch());
            if (pub == null) throw new RunFailed("profile " + p.name() + " is fitted to row " + id + ", which publishes nothing for " + p.arch());
            Map<String, Long> b = scaled(e, counters(e, p.arch(), e.baseline()));
            Map<String, Long> a = scaled(e, counters(e, p.arch(), e.patched()));
            if (b == null || a == null) throw new RunFailed("profile " + p.name() + " is fitted to row " + id + ", which the model cannot run: " + e.missing());
            if (Double.isNaN(pub.baselineNs())) throw new RunFailed("profile " + p.name() + " is fitted to row " + id + ", which publishes no times");
            obs.add(new Fit.Observation(id + " baseline", b, pub.baselineNs()));
            obs.add(new Fit.Observation(id + " patched", a, pub.patchedNs()));
        }
        return obs;
    }

    /** Counters divided by the per-operation param, so they are per published unit (rounded to whole counts). */
    private Map<String, Long> scaled(Experiment e, Map<String, Long> c) {
        if (c == null) return null;
        long per = divisor(e);
        if (per == 1) return c;
        Map<String, Long> m = new LinkedHashMap<>();
        c.forEach((k, v) -> m.put(k, Math.round((double) v / per)));
        return m;
    }

    private long divisor(Experiment e) {
        if (e.perParam() == null) return 1;
        RunResult r = runs.get(key(e, archs().get(0), e.baseline()));
        Long v = r.params().get(e.perParam());
        return v == null || v <= 0 ? 1 : v;
    }

    private Row row(Experiment e, Profile p) {
        Experiment.Published pub = e.publishedFor(p.arch());
        double pb = pub == null ? Double.NaN : pub.baselineNs();
        double pp = pub == null ? Double.NaN : pub.patchedNs();
        double stated = pub == null ? Double.NaN : pub.statedRatio();
        String machine = pub == null ? null : pub.machine();
        Map<String, Long> cb = counters(e, p.arch(), e.baseline());
        Map<String, Long> cp = counters(e, p.arch(), e.patched());
        if (cb == null || cp == null) {
            return new Row(e.id(), e.title(), p.name(), p.arch(), Double.NaN, Double.NaN, pb, pp, machine, e.missing(),
                    "the model counted no " + e.requires() + " in '" + e.scope() + "': " + e.missing(), null, null, Double.NaN, stated);
        }
        long per = divisor(e);
        Prediction b = CostModel.predict(p, cb);
        Prediction a = CostModel.predict(p, cp);
        double bn = b.ns() / per;
        double an = a.ns() / per;
        String kind = pub == null ? Row.NO_PUBLISHED : p.fittedTo(e.id()) ? Row.FIT
                : pub.profiles().contains(p.name()) ? Row.PREDICTION : Row.OTHER_MACHINE;
        Row provisional = new Row(e.id(), e.title(), p.name(), p.arch(), bn, an, pb, pp, machine, kind, "", b, a, Double.NaN, stated);
        return new Row(e.id(), e.title(), p.name(), p.arch(), bn, an, pb, pp, machine, kind, note(provisional, per, p), b, a, Double.NaN, stated);
    }

    /** The error of the ratio and the events that make the predicted change, largest first. */
    private String note(Row r, long per, Profile profile) {
        StringBuilder sb = new StringBuilder();
        boolean compared = !Double.isNaN(r.publishedRatio()) && !quick;
        if (Row.OTHER_MACHINE.equals(r.kind())) sb.append("published on another machine (").append(r.machine()).append(") than this profile's: shown for information; ");
        if (!Double.isNaN(r.publishedRatio())) {
            double err = r.ratioError();
            if (quick) sb.append("quick sizes: not comparable to the published ratio; ");
            else sb.append(String.format(Locale.ROOT, "ratio error %+.1f %%%s; ", 100 * err,
                    Math.abs(err) > 0.25 ? " (outside 25 %)" : Math.abs(err) > 0.10 ? " (outside 10 %)" : ""));
        }
        sb.append("change by event: ").append(changeByEvent(r.baseline(), r.patched(), per, 5));
        if (compared && !r.hasPublishedTimes()) {
            sb.append("; the seed publishes no times for this row, only the ratio its words state");
        } else if (compared) {
            sb.append(String.format(Locale.ROOT, "; against the published times: baseline %+.1f %% (largest: %s), patched %+.1f %% (largest: %s)",
                    100 * (r.baselineNs() / r.publishedBaselineNs() - 1), largest(r.baseline(), profile),
                    100 * (r.patchedNs() / r.publishedPatchedNs() - 1), largest(r.patched(), profile)));
        }
        Experiment e = experiments.stream().filter(x -> x.id().equals(r.experiment())).findFirst().orElseThrow();
        if (compared && e.modelNotes() != null) sb.append("; not modelled: ").append(e.modelNotes());
        Set<String> unpriced = new LinkedHashSet<>(r.baseline().unpriced());
        unpriced.addAll(r.patched().unpriced());
        if (!unpriced.isEmpty()) sb.append("; UNPRICED events (no cost in the profile): ").append(String.join(", ", unpriced));
        return sb.toString();
    }

    /** The two largest terms of a side, as shares of it; a cost fitted to published rows says so. */
    private static String largest(Prediction p, Profile profile) {
        List<Term> l = p.largestFirst();
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < Math.min(2, l.size()); i++) {
            Term t = l.get(i);
            boolean fitted = profile.fit() != null && profile.fit().free().contains(Event.valueOf(t.event()));
            parts.add(String.format(Locale.ROOT, "%s %.0f %% at %.4g ns%s", t.event(), 100 * t.ns() / p.ns(), t.costNs(),
                    fitted ? " [cost fitted to " + String.join(", ", profile.fit().rows()) + "]" : ""));
        }
        return String.join(", ", parts);
    }

    /** The {@code n} events whose terms change most from baseline to patched, as "EVENT count -> count (+x ms)". */
    public static String changeByEvent(Prediction b, Prediction a, long per, int n) {
        Map<String, double[]> d = new LinkedHashMap<>();
        for (Term t : b.terms()) d.computeIfAbsent(t.event(), k -> new double[4])[0] = t.count();
        for (Term t : a.terms()) d.computeIfAbsent(t.event(), k -> new double[4])[1] = t.count();
        for (Term t : b.terms()) d.get(t.event())[2] -= t.ns();
        for (Term t : a.terms()) d.get(t.event())[2] += t.ns();
        List<Map.Entry<String, double[]>> l = new ArrayList<>(d.entrySet());
        l.removeIf(x -> x.getValue()[2] == 0);
        l.sort((x, y) -> Double.compare(Math.abs(y.getValue()[2]), Math.abs(x.getValue()[2])));
        double totalB = b.ns();
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < Math.min(n, l.size()); i++) {
            var x = l.get(i);
            double[] v = x.getValue();
            parts.add(String.format(Locale.ROOT, "%s %s->%s (%+.1f %% of baseline)", x.getKey(), Format.count(v[0] / per),
                    Format.count(v[1] / per), 100 * v[2] / totalB));
        }
        return parts.isEmpty() ? "no event changes" : String.join(", ", parts);
    }

    /** Counters of the experiment's scope, or null when the required event was not counted there. */
    Map<String, Long> counters(Experiment e, String arch, String spec) {
        return counters(e, e.scope(), arch, spec);
    }

    private Map<String, Long> counters(Experiment e, String scope, String arch, String spec) {
        return scopeCounters(e, runs.get(key(e, arch, spec)), scope);
    }

    private Map<String, Long> scopeCounters(Experiment e, RunResult r, String scope) {
        Map<String, Long> c;
        if (scope.equals("total")) {
            c = r.total().counters();
        } else {
            c = r.regions().stream().filter(m -> m.name().equals(scope)).findFirst()
                    .orElseThrow(() -> new RunFailed(e.script() + " has no region '" + scope + "'")).counters();
        }
        if (e.requires() != null && c.getOrDefault(e.requires(), 0L) == 0) return null;
        return c;
    }

    private String key(Experiment e, String arch, String spec) {
        return e.script() + "|" + arch + "|" + spec + "|" + params(e, false);
    }

    private String hostKey(Experiment e) {
        return "host-kernel|" + e.script() + "|" + hostKernel + "|" + params(e, true);
    }

    /**
     * The param overrides of a run: the experiment's own, then on top the quick ones with --quick, else the host ones
     * for host comparisons.
     */
    private Map<String, String> params(Experiment e, boolean forHost) {
        Map<String, String> m = new LinkedHashMap<>(e.params());
        if (quick) m.putAll(e.quickParams());
        else if (forHost) m.putAll(e.hostParams());
        return m;
    }

    private RunResult runScript(Experiment e, String arch, String spec) {
        return runOn(e, Backends.sim(arch, FeatureSet.parse(spec), false), arch + " with " + spec, params(e, false));
    }

    private RunResult runOn(Experiment e, MemoryApi backend, String what, Map<String, String> overrides) {
        Path file = examples.resolve(e.script());
        String source;
        try {
            source = Files.readString(file);
        } catch (IOException x) {
            throw new RunFailed("cannot read " + file + ": " + x.getMessage());
        }
        StringWriter diag = new StringWriter();
        try {
            Script script = Script.parse(file.toString(), source, Language.standard());
            Map<String, Long> params = script.overrides(overrides);
            try (MemoryApi api = backend) {
                RunResult r = new Interpreter(script, api, new PrintWriter(Writer.nullWriter()), new PrintWriter(diag))
                        .withParams(params).run();
                if (!r.ok()) {
                    throw new RunFailed(e.script() + " on " + what + " failed: " + diag.toString().trim());
                }
                return r;
            }
        } catch (ScriptError | IllegalArgumentException x) {
            throw new RunFailed(e.script() + ": " + x.getMessage());
        }
    }

    /** Checks that each profile's TLB rules match the model's architecture; null when all agree. */
    public static String checkTlbRules(List<Profile> profiles) {
        for (Profile p : profiles) {
            String bad = p.tlb().check(Arch.byName(p.arch()));
            if (bad != null) return "profile " + p.name() + ": " + bad;
        }
        return null;
    }

    /** Event names in enum order, for tables of breakdowns. */
    static List<String> eventNames() {
        List<String> l = new ArrayList<>();
        for (Event e : Event.values()) l.add(e.name());
        return l;
    }
}
