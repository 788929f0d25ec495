package org.mmsim.cost;

/**
 * Non-negative linear least squares for the small systems of a cost fit (a dozen unknowns, tens of equations):
 * minimise |A x - b| with x >= 0, by cyclic projected coordinate descent on the column-scaled problem. The problem
 * is convex, so the sweeps converge to its minimum; they stop when no unknown moves by more than a part in 1e12 of
 * its scale, or after a fixed number of sweeps.
 */
public final class LeastSquares {
    private LeastSquares() {}

    private static final int MAX_SWEEPS = 200_000;

    /**
     * The solution of min |A x - b| subject to x >= 0; {@code a} is rows by columns. Columns are scaled to unit norm
     * first (costs per byte and per THP fault differ by ten orders of magnitude) and the result scaled back; an
     * all-zero column gets 0.
     */
    public static double[] nnls(double[][] a, double[] b) {
        int m = a.length;
        int n = m == 0 ? 0 : a[0].length;
        if (b.length != m) throw new IllegalArgumentException("A has " + m + " rows, b has " + b.length);
        double[] norm = new double[n];
        for (double[] row : a) for (int j = 0; j < n; j++) norm[j] += row[j] * row[j];
        for (int j = 0; j < n; j++) norm[j] = Math.sqrt(norm[j]);
        double[] y = new double[n];
        double[] r = b.clone();
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            double moved = 0;
            for (int j = 0; j < n; j++) {
                if (norm[j] == 0) continue;
                double g = 0;
                for (int i = 0; i < m; i++) g += a[i][j] / norm[j] * r[i];
                double next = Math.max(0, y[j] + g);
                double d = next - y[j];
                if (d == 0) continue;
                for (int i = 0; i < m; i++) r[i] -= d * a[i][j] / norm[j];
                y[j] = next;
                moved = Math.max(moved, Math.abs(d) / (1 + Math.abs(next)));
            }
            if (moved < 1e-12) break;
        }
        double[] x = new double[n];
        for (int j = 0; j < n; j++) x[j] = norm[j] == 0 ? 0 : y[j] / norm[j];
        return x;
    }
}
