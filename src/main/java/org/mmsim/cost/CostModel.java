package org.mmsim.cost;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.mmsim.arch.Event;

/**
 * Predicted time of a region: the sum over events of count times cost, exactly; the breakdown keeps each term so a
 * report can show which event makes a ratio.
 */
public final class CostModel {
    private CostModel() {}

    /**
     * One term of a prediction.
     *
     * @param event  the event's name
     * @param count  how many times it was counted
     * @param costNs its cost per occurrence
     * @param ns     count times cost
     */
    public record Term(String event, long count, double costNs, double ns) { }

    /**
     * A predicted time and its terms.
     *
     * @param ns       the sum of the terms
     * @param terms    one per counted, priced event, in event order
     * @param unpriced names of counted events the profile gives no cost (they add nothing to {@code ns})
     */
    public record Prediction(double ns, List<Term> terms, List<String> unpriced) {
        public Prediction {
            terms = List.copyOf(terms);
            unpriced = List.copyOf(unpriced);
        }

        /** The term of an event, or a zero term when it was not counted. */
        public Term term(String event) {
            for (Term t : terms) if (t.event().equals(event)) return t;
            return new Term(event, 0, 0, 0);
        }

        /** The terms, largest first. */
        public List<Term> largestFirst() {
            List<Term> l = new ArrayList<>(terms);
            l.sort(Comparator.comparingDouble(Term::ns).reversed());
            return l;
        }
    }

    /** Prices {@code counters} (event name to count, as in a run report) with {@code profile}. */
    public static Prediction predict(Profile profile, Map<String, Long> counters) {
        List<Term> terms = new ArrayList<>();
        List<String> unpriced = new ArrayList<>();
        double sum = 0;
        for (var e : counters.entrySet()) {
            long n = e.getValue();
            if (n == 0) continue;
            Event ev;
            try {
                ev = Event.valueOf(e.getKey());
            } catch (IllegalArgumentException x) {
                unpriced.add(e.getKey());
                continue;
            }
            Cost c = profile.cost(ev);
            if (c == null) {
                unpriced.add(e.getKey());
                continue;
            }
            double ns = n * c.ns();
            terms.add(new Term(e.getKey(), n, c.ns(), ns));
            sum += ns;
        }
        terms.sort(Comparator.comparingInt(t -> Event.valueOf(t.event()).ordinal()));
        return new Prediction(sum, terms, unpriced);
    }
}
