package org.mmsim.difftest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.mmsim.mm.Uapi;
import org.mmsim.workload.MemoryApi;

/**
 * Looks at the state a program can observe without changing it: the VMA layout of the window, the residency of each
 * mapped page (present, swapped or neither, as pagemap says) and the bytes of each resident readable page. Reading a
 * page that is not resident would fault it in, so contents are compared only where both backends have the page.
 */
final class Probe {
    private Probe() {}

    /** A difference between the backends: what differs, and the script lines that assert side A's view. */
    record Mismatch(String kind, String what, List<String> expects) {}

    static final int ABSENT = 0, PRESENT = 1, SWAPPED = 2;

    private static boolean readable(int prot) { return prot >= 0 && (prot & Uapi.PROT_READ) != 0; }

    /** Residency of every page of [addr, addr+len), then a checksum per run of present pages of a readable mapping. */
    static long[] digest(MemoryApi api, long addr, long len) {
        int pages = (int) Math.min(len / Window.PAGE, 1 << 20);
        long[] out = new long[pages * 2];
        boolean read = readable(api.prot(addr)); // a new mapping: one VMA
        byte[] r = api.residency(addr, pages);
        for (int i = 0; i < pages; i++) out[i] = r[i];
        for (int i = 0; i < pages && read; ) { // one checksum per run of present pages, kept at the run's first page
            if (out[i] != PRESENT) { i++; continue; }
            int j = i;
            while (j < pages && out[j] == PRESENT) j++;
            out[pages + i] = api.checksum(addr + i * Window.PAGE, (j - i) * Window.PAGE);
            i = j;
        }
        return out;
    }

    /** The first page where two digests of a mapping at {@code base} differ, written as a mismatch. */
    static Mismatch digestMismatch(long[] a, long[] b, String base) {
        int pages = a.length / 2;
        if (b.length != a.length) return new Mismatch("moved", "moved mapping has " + pages + " vs " + b.length / 2 + " pages", List.of());
        for (int i = 0; i < pages; i++) {
            String at = base + " + " + Fmt.hex(i * Window.PAGE);
            if (a[i] != b[i]) return new Mismatch("moved-residency", "page " + i + " of the moved mapping is "
                    + stateName((int) a[i]) + " vs " + stateName((int) b[i]), List.of(residencyExpect(at, (int) a[i])));
            if (a[pages + i] != b[pages + i]) {
                int j = i;
                while (j < pages && a[j] == PRESENT) j++;
                return new Mismatch("moved-contents", "pages " + i + ".." + (j - 1) + " of the moved mapping have checksum "
                        + a[pages + i] + " vs " + b[pages + i],
                        List.of("expect checksum(" + at + ", " + Fmt.size((j - i) * Window.PAGE) + ") == " + a[pages + i]));
            }
        }
        return null;
    }

    /** Compares the window layouts, then residency and contents of the mapped pages of {@code ranges}. */
    static Mismatch compare(MemoryApi a, MemoryApi b, Window w, long[] ranges) {
        long[] la = a.layout(w.base(), w.size());
        long[] lb = b.layout(w.base(), w.size());
        if (!Arrays.equals(la, lb)) {
            return new Mismatch("layout", "layout " + layout(w, la) + " vs " + layout(w, lb), layoutExpects(w, la));
        }
        for (int r = 0; r + 1 < ranges.length; r += 2) {
            long lo = Math.max(w.base(), ranges[r] & -Window.PMD);
            long hi = Math.min(w.end(), (ranges[r + 1] + Window.PMD - 1) & -Window.PMD);
            if (ranges[r + 1] < ranges[r]) hi = w.end(); // a wrapping length: look at everything
            for (int v = 0; v < la.length; v += 3) {
                long s = Math.max(lo, la[v]), e = Math.min(hi, la[v + 1]);
                boolean read = readable((int) la[v + 2]);
                if (e <= s) continue;
                int pages = (int) ((e - s) / Window.PAGE);
                byte[] ra = a.residency(s, pages), rb = b.residency(s, pages);
                long run = -1; // start of the current run of pages present on both sides
                for (int i = 0; i <= pages; i++) {
                    long p = s + i * Window.PAGE;
                    int sa = i < pages ? ra[i] : ABSENT;
                    if (i < pages && sa != rb[i]) return new Mismatch("residency", "page " + Fmt.addr(w, p) + " is "
                            + stateName(sa) + " vs " + stateName(rb[i]), List.of(residencyExpect(Fmt.addr(w, p), sa)));
                    if (sa == PRESENT && read) {
                        if (run < 0) run = p;
                    } else if (run >= 0) {
                        Mismatch m = contents(a, b, w, run, p);
                        if (m != null) return m;
                        run = -1;
                    }
                }
            }
        }
        return null;
    }

    /** Compares the bytes of [lo, hi) with one checksum per side; on a difference finds the first differing page. */
    private static Mismatch contents(MemoryApi a, MemoryApi b, Window w, long lo, long hi) {
        if (a.checksum(lo, hi - lo) == b.checksum(lo, hi - lo)) return null;
        for (long p = lo; p < hi; p += Window.PAGE) {
            long ca = a.checksum(p, Window.PAGE), cb = b.checksum(p, Window.PAGE);
            if (ca != cb) return new Mismatch("contents", "page " + Fmt.addr(w, p) + " has checksum " + ca + " vs " + cb,
                    List.of("expect checksum(" + Fmt.addr(w, p) + ", 4K) == " + ca));
        }
        return null;
    }

    /** The whole window as one range. */
    static long[] all(Window w) { return new long[] {w.base(), w.end()}; }

    private static String stateName(int s) { return s == PRESENT ? "present" : s == SWAPPED ? "swapped" : "absent"; }

    private static String residencyExpect(String at, int s) {
        return "expect present(" + at + ") == " + (s == PRESENT ? 1 : 0) + " && swapped(" + at + ") == "
                + (s == SWAPPED ? 1 : 0);
    }

    static String layout(Window w, long[] l) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < l.length; i += 3) {
            if (i > 0) sb.append(", ");
            sb.append(Fmt.addr(w, l[i])).append("..").append(Fmt.addr(w, l[i + 1])).append(' ').append(Fmt.prot((int) l[i + 2]));
        }
        return sb.append(']').toString();
    }

    /** Script lines that hold exactly when the window has layout {@code l}: count, each VMA's extent and prot. */
    static List<String> layoutExpects(Window w, long[] l) {
        List<String> out = new ArrayList<>();
        out.add("expect vmas(" + Fmt.BASE + ", WSIZE) == " + l.length / 3);
        for (int i = 0; i < l.length; i += 3) {
            String s = Fmt.addr(w, l[i]), e = Fmt.addr(w, l[i + 1]);
            out.add("expect prot(" + s + ") == (" + Fmt.prot((int) l[i + 2]) + ") && vmas(" + s + ", " + e + " - (" + s
                    + ")) == 1");
            out.add("expect !mapped(" + s + " - 4K) || vmas(" + s + " - 4K, 8K) == 2");
            out.add("expect !mapped(" + e + ") || vmas(" + e + " - 4K, 8K) == 2");
        }
        return out;
    }
}
