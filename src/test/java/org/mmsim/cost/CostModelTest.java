package org.mmsim.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mmsim.arch.Event;

/** The predicted time is exactly the sum of count times cost, and nothing is priced silently. */
class CostModelTest {
    static Profile profile(Map<Event, Double> ns) {
        Map<Event, Cost> costs = new EnumMap<>(Event.class);
        ns.forEach((e, v) -> costs.put(e, new Cost(v, "test figure")));
        return new Profile("t", "x86_64", "test machine", "test", costs, new TlbRules(33, "rule", "src"), null);
    }

    @Test
    void timeIsTheSumOfCountTimesCost() {
        Profile p = profile(Map.of(Event.PTE_READ, 1.5, Event.TLBI, 100.0, Event.SYSCALL, 250.0));
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("TLBI", 3L);
        c.put("PTE_READ", 1000L);
        c.put("SYSCALL", 2L);
        CostModel.Prediction r = CostModel.predict(p, c);
        assertEquals(1000 * 1.5 + 3 * 100.0 + 2 * 250.0, r.ns(), 1e-9);
        assertEquals(List.of("PTE_READ", "TLBI", "SYSCALL"), r.terms().stream().map(CostModel.Term::event).toList(),
                "terms in event order");
        assertEquals(1500.0, r.term("PTE_READ").ns(), 1e-9);
        assertEquals(0.0, r.term("PMD_MOVE").ns(), "an event not counted has a zero term");
        assertEquals("PTE_READ", r.largestFirst().get(0).event());
        assertTrue(r.unpriced().isEmpty());
    }

    @Test
    void countedEventsWithoutACostAreReportedNotPricedAsZeroSilently() {
        Profile p = profile(Map.of(Event.PTE_READ, 2.0));
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("PTE_READ", 10L);
        c.put("TLBI", 4L);
        c.put("SWAP_SOMETHING_NEW", 7L);
        CostModel.Prediction r = CostModel.predict(p, c);
        assertEquals(20.0, r.ns(), 1e-9);
        assertEquals(List.of("TLBI", "SWAP_SOMETHING_NEW"), r.unpriced());
    }

    @Test
    void zeroCountsAddNoTerm() {
        Profile p = profile(Map.of(Event.PTE_READ, 2.0));
        CostModel.Prediction r = CostModel.predict(p, Map.of("PTE_READ", 0L));
        assertEquals(0.0, r.ns());
        assertTrue(r.terms().isEmpty());
    }
}
