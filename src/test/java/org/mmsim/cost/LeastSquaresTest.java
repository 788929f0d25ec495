package org.mmsim.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mmsim.arch.Event;

/** The non-negative least-squares solver and the cost fit built on it. */
class LeastSquaresTest {
    @Test
    void recoversAnExactSolutionOfBadlyScaledColumns() {
        double[][] a = {{1e9, 0, 3}, {0, 1e-6, 1}, {2e9, 5e-6, 0}, {1e9, 1e-6, 1}};
        double[] x = {2e-9, 4e5, 0.5};
        double[] b = new double[a.length];
        for (int i = 0; i < a.length; i++) for (int j = 0; j < 3; j++) b[i] += a[i][j] * x[j];
        double[] got = LeastSquares.nnls(a, b);
        for (int j = 0; j < 3; j++) assertEquals(x[j], got[j], 1e-6 * x[j]);
    }

    @Test
    void keepsUnknownsNonNegative() {
        // unconstrained: x0 = 2, x1 = -1; with x1 >= 0 the best is x1 = 0, x0 = the mean of the targets
        double[][] a = {{1, 1}, {1, 0}, {1, 2}};
        double[] b = {1, 2, 0};
        double[] got = LeastSquares.nnls(a, b);
        assertEquals(0.0, got[1], 1e-9);
        assertEquals(1.0, got[0], 1e-9);
    }

    @Test
    void fitRecoversTheCostsThatMadeTheTimes() {
        Profile start = CostModelTest.profile(Map.of(Event.PTE_READ, 1.0, Event.TLBI, 1.0, Event.SYSCALL, 100.0));
        // true costs: PTE_READ 3 ns, TLBI 250 ns; SYSCALL stays at its documented 100 ns
        List<Fit.Observation> obs = List.of(
                new Fit.Observation("a", Map.of("PTE_READ", 1000L, "TLBI", 10L, "SYSCALL", 1L), 1000 * 3 + 10 * 250 + 100),
                new Fit.Observation("b", Map.of("PTE_READ", 50L, "TLBI", 200L, "SYSCALL", 1L), 50 * 3 + 200 * 250 + 100),
                new Fit.Observation("c", Map.of("PTE_READ", 7000L, "SYSCALL", 2L), 7000 * 3 + 200));
        Fit.Result r = Fit.solve(start, List.of(Event.PTE_READ, Event.TLBI), obs);
        assertEquals(3.0, r.costs().get(Event.PTE_READ), 1e-6);
        assertEquals(250.0, r.costs().get(Event.TLBI), 1e-4);
        for (Fit.Residual x : r.residuals()) assertEquals(0.0, x.relativeError(), 1e-9, x.label());
    }
}
