package org.mmsim.cost;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mmsim.arch.Event;

/**
 * Fits some costs of a profile to measured or published times: each observation says "these counts took this long";
 * the free events' costs are solved by non-negative least squares on the relative error, every other cost stays as
 * the profile documents it. Used by profiles that declare fitted rows and by {@code mmsim calibrate}.
 */
public final class Fit {
    private Fit() {}

    /**
     * One equation of a fit.
     *
     * @param label    what was measured (a row id and side, or a calibration workload)
     * @param counters the model's counts for it
     * @param ns       the measured or published time
     */
    public record Observation(String label, Map<String, Long> counters, double ns) { }

    /**
     * The fitted costs and how well they explain each observation.
     *
     * @param costs     the free events' fitted costs
     * @param residuals per observation: label, measured ns, predicted ns with the fitted profile
     */
    public record Result(Map<Event, Double> costs, List<Residual> residuals) { }

    /** One observation after the fit. */
    public record Residual(String label, double measuredNs, double predictedNs) {
        /** (predicted - measured) / measured. */
        public double relativeError() { return (predictedNs - measuredNs) / measuredNs; }
    }

    /** Solves the free costs; {@code how} is appended to each fitted cost's source. */
    public static Result solve(Profile start, List<Event> free, List<Observation> obs) {
        double[][] a = new double[obs.size()][free.size()];
        double[] b = new double[obs.size()];
        for (int i = 0; i < obs.size(); i++) {
            Observation o = obs.get(i);
            double fixed = 0;
            for (var e : o.counters().entrySet()) {
                Event ev = eventOrNull(e.getKey());
                if (ev == null) continue;
                int j = free.indexOf(ev);
                if (j >= 0) {
                    a[i][j] = e.getValue() / o.ns();
                } else if (start.cost(ev) != null) {
                    fixed += e.getValue() * start.cost(ev).ns();
                }
            }
            b[i] = (o.ns() - fixed) / o.ns();
        }
        double[] x = LeastSquares.nnls(a, b);
        Map<Event, Double> costs = new EnumMap<>(Event.class);
        for (int j = 0; j < free.size(); j++) costs.put(free.get(j), x[j]);
        Profile fitted = start.withCosts(asCosts(costs, "fit"));
        List<Residual> res = new ArrayList<>();
        for (Observation o : obs) res.add(new Residual(o.label(), o.ns(), CostModel.predict(fitted, o.counters()).ns()));
        return new Result(costs, res);
    }

    /** Fitted values as costs whose source says how they were fitted. */
    public static Map<Event, Cost> asCosts(Map<Event, Double> fitted, String how) {
        Map<Event, Cost> m = new EnumMap<>(Event.class);
        fitted.forEach((e, v) -> m.put(e, new Cost(v, how)));
        return m;
    }

    /** A short text of a fit's residuals. */
    public static String describe(Result r) {
        StringBuilder sb = new StringBuilder();
        r.costs().forEach((e, v) -> sb.append(String.format(Locale.ROOT, "%s = %.4g ns; ", e, v)));
        for (Residual x : r.residuals()) {
            sb.append(String.format(Locale.ROOT, "%s: %+.1f %%; ", x.label(), 100 * x.relativeError()));
        }
        return sb.toString().trim();
    }

    private static Event eventOrNull(String name) {
        try {
            return Event.valueOf(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
