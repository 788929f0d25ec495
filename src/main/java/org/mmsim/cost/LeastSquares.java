package org.mmsim.cost;

import java.util.ArrayList;
import java.util.List;

/**
 * Non-negative linear least squares for the small systems of a cost fit (a few unknowns, tens of equations):
 * minimise |A x - b| with x >= 0. Active-set method of Lawson and Hanson ("Solving Least Squares Problems", 1974,
 * ch. 23): grow the set of free unknowns by the largest gradient, solve the normal equations on it, and step back
 * toward feasibility when a free unknown would go negative.
 */
public final class LeastSquares {
    private LeastSquares() {}

    /** The solution of min |A x - b| subject to x >= 0; {@code a} is rows by columns. */
    public static double[] nnls(double[][] a, double[] b) {
        int m = a.length;
        int n = m == 0 ? 0 : a[0].length;
        if (b.length != m) throw new IllegalArgumentException("A has " + m + " rows, b has " + b.length);
        double[] x = new double[n];
        boolean[] passive = new boolean[n];
        for (int iter = 0; iter < 30 * (n + 1); iter++) {
            double[] w = gradient(a, b, x);
            int best = -1;
            for (int j = 0; j < n; j++) {
                if (!passive[j] && w[j] > 1e-12 * (1 + Math.abs(w[j])) && (best < 0 || w[j] > w[best])) best = j;
            }
            if (best < 0) break;
            passive[best] = true;
            while (true) {
                double[] z = solveOn(a, b, passive);
                boolean feasible = true;
                for (int j = 0; j < n; j++) if (passive[j] && z[j] <= 0) feasible = false;
                if (feasible) {
                    x = z;
                    break;
                }
                double alpha = Double.POSITIVE_INFINITY;
                for (int j = 0; j < n; j++) {
                    if (passive[j] && z[j] <= 0) alpha = Math.min(alpha, x[j] / (x[j] - z[j]));
                }
                for (int j = 0; j < n; j++) {
                    if (passive[j]) x[j] += alpha * (z[j] - x[j]);
                    if (passive[j] && x[j] <= 1e-15) {
                        passive[j] = false;
                        x[j] = 0;
                    }
                }
            }
        }
        return x;
    }

    /** A^T (b - A x). */
    private static double[] gradient(double[][] a, double[] b, double[] x) {
        int n = x.length;
        double[] w = new double[n];
        for (int i = 0; i < a.length; i++) {
            double r = b[i];
            for (int j = 0; j < n; j++) r -= a[i][j] * x[j];
            for (int j = 0; j < n; j++) w[j] += a[i][j] * r;
        }
        return w;
    }

    /** Unconstrained least squares on the passive columns (others zero), by the normal equations. */
    private static double[] solveOn(double[][] a, double[] b, boolean[] passive) {
        int n = passive.length;
        List<Integer> cols = new ArrayList<>();
        for (int j = 0; j < n; j++) if (passive[j]) cols.add(j);
        int k = cols.size();
        double[][] g = new double[k][k + 1];
        for (int p = 0; p < k; p++) {
            for (int q = 0; q < k; q++) {
                double s = 0;
                for (double[] row : a) s += row[cols.get(p)] * row[cols.get(q)];
                g[p][q] = s;
            }
            double s = 0;
            for (int i = 0; i < a.length; i++) s += a[i][cols.get(p)] * b[i];
            g[p][k] = s;
        }
        double[] y = gauss(g, k);
        double[] z = new double[n];
        for (int p = 0; p < k; p++) z[cols.get(p)] = y[p];
        return z;
    }

    /** Gaussian elimination with partial pivoting on an augmented k x (k+1) matrix; a singular column gives 0. */
    private static double[] gauss(double[][] g, int k) {
        for (int c = 0; c < k; c++) {
            int piv = c;
            for (int r = c + 1; r < k; r++) if (Math.abs(g[r][c]) > Math.abs(g[piv][c])) piv = r;
            double[] t = g[c]; g[c] = g[piv]; g[piv] = t;
            if (Math.abs(g[c][c]) < 1e-300) continue;
            for (int r = 0; r < k; r++) {
                if (r == c) continue;
                double f = g[r][c] / g[c][c];
                for (int q = c; q <= k; q++) g[r][q] -= f * g[c][q];
            }
        }
        double[] y = new double[k];
        for (int c = 0; c < k; c++) y[c] = Math.abs(g[c][c]) < 1e-300 ? 0 : g[c][k] / g[c][c];
        return y;
    }
}
