package org.mmsim.report;

import java.util.Locale;

/** Number formats shared by the table, the CSV and the HTML report. */
final class Format {
    private Format() {}

    /** A time in the largest unit that keeps it readable (ns, us, ms, s); "-" for NaN. */
    static String time(double ns) {
        if (Double.isNaN(ns)) return "-";
        double a = Math.abs(ns);
        if (a >= 1e9) return String.format(Locale.ROOT, "%.3f s", ns / 1e9);
        if (a >= 1e6) return String.format(Locale.ROOT, "%.3f ms", ns / 1e6);
        if (a >= 1e3) return String.format(Locale.ROOT, "%.2f us", ns / 1e3);
        return String.format(Locale.ROOT, "%.1f ns", ns);
    }

    /** A ratio with three decimals; "-" for NaN. */
    static String ratio(double r) {
        return Double.isNaN(r) ? "-" : String.format(Locale.ROOT, "%.3f", r);
    }

    /** A signed percentage; "-" for NaN. */
    static String percent(double f) {
        return Double.isNaN(f) ? "-" : String.format(Locale.ROOT, "%+.1f %%", 100 * f);
    }

    /** A count, with k/M suffixes above ten thousand. */
    static String count(double n) {
        double a = Math.abs(n);
        if (a >= 1e7) return String.format(Locale.ROOT, "%.1fM", n / 1e6);
        if (a >= 1e4) return String.format(Locale.ROOT, "%.1fk", n / 1e3);
        if (n == Math.rint(n)) return String.format(Locale.ROOT, "%.0f", n);
        return String.format(Locale.ROOT, "%.2f", n);
    }
}
