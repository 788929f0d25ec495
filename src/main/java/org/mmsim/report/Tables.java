package org.mmsim.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mmsim.cost.CostModel.Prediction;
import org.mmsim.cost.CostModel.Term;

/** The reproduce result as a text table with notes, as CSV, and as JSON. */
public final class Tables {
    private Tables() {}

    private static final String[] HEAD = {"experiment", "profile", "baseline", "patched", "ratio", "pub. baseline",
        "pub. patched", "pub. ratio", "ratio error", "kind"};

    /** The table, then one note per row, then the fits. */
    public static String text(Reproducer.Result r) {
        List<String[]> cells = new ArrayList<>();
        for (Row x : r.rows()) {
            cells.add(new String[] {x.experiment(), x.profile(), Format.time(x.baselineNs()), Format.time(x.patchedNs()),
                Format.ratio(x.ratio()), Format.time(x.publishedBaselineNs()), Format.time(x.publishedPatchedNs()),
                Format.ratio(x.publishedRatio()), r.quick() ? "-" : Format.percent(x.ratioError()), x.kind()});
        }
        int[] w = new int[HEAD.length];
        for (int i = 0; i < HEAD.length; i++) w[i] = HEAD[i].length();
        for (String[] c : cells) for (int i = 0; i < c.length; i++) w[i] = Math.max(w[i], c[i].length());
        StringBuilder sb = new StringBuilder();
        if (r.quick()) sb.append("--quick: sizes scaled down; published figures are for the full sizes and are not comparable\n");
        line(sb, HEAD, w);
        StringBuilder rule = new StringBuilder();
        for (int i = 0; i < w.length; i++) rule.append(i == 0 ? "" : "-+-").append("-".repeat(w[i]));
        sb.append(rule).append('\n');
        for (String[] c : cells) line(sb, c, w);
        sb.append("\nnotes (ratio = patched / baseline; ratio error = predicted ratio / published ratio - 1):\n");
        for (Row x : r.rows()) sb.append("  ").append(x.experiment()).append(" on ").append(x.profile()).append(": ").append(x.note()).append('\n');
        if (!r.host().isEmpty()) {
            sb.append("\nhost kernel (this machine) against the model priced on x86_64-host:\n");
            sb.append(String.format(Locale.ROOT, "  %-15s %14s %14s %9s%n", "experiment", "host measured", "model", "error"));
            for (var h : r.host()) {
                sb.append(String.format(Locale.ROOT, "  %-15s %14s %14s %9s  %s%n", h.experiment(), Format.time(h.measuredNs()),
                        Format.time(h.predictedNs()), Format.percent(h.error()), h.note()));
            }
        }
        if (!r.fits().isEmpty()) {
            sb.append("\nfits (rows used here are marked 'fit' and are not evidence for the model):\n");
            for (var f : r.fits()) sb.append("  ").append(f.profile()).append(" to ").append(String.join(", ", f.rows())).append(": ").append(f.text()).append('\n');
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String[] c, int[] w) {
        for (int i = 0; i < c.length; i++) {
            if (i > 0) sb.append(" | ");
            boolean left = i == 0 || i == 1 || i == c.length - 1;
            String pad = " ".repeat(w[i] - c[i].length());
            sb.append(left ? c[i] + (i == c.length - 1 ? "" : pad) : pad + c[i]);
        }
        sb.append('\n');
    }

    /** One CSV line per row; times in ns, empty cells for missing values. */
    public static String csv(Reproducer.Result r) {
        StringBuilder sb = new StringBuilder(
                "experiment,profile,arch,baseline_ns,patched_ns,ratio,published_baseline_ns,published_patched_ns,published_ratio,ratio_error,kind,machine,note\n");
        for (Row x : r.rows()) {
            sb.append(String.join(",", esc(x.experiment()), esc(x.profile()), esc(x.arch()), num(x.baselineNs()),
                    num(x.patchedNs()), num(x.ratio()), num(x.publishedBaselineNs()), num(x.publishedPatchedNs()),
                    num(x.publishedRatio()), r.quick() ? "" : num(x.ratioError()), esc(x.kind()),
                    esc(x.machine() == null ? "" : x.machine()), esc(x.note()))).append('\n');
        }
        return sb.toString();
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v);
    }

    private static String esc(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n")) return "\"" + s.replace("\"", "\"\"") + "\"";
        return s;
    }

    /** The rows with their per-event breakdowns, the fits and the profiles' costs as JSON. */
    public static String json(Reproducer.Result r) {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = m.createObjectNode();
        root.put("quick", r.quick());
        ArrayNode rows = root.putArray("rows");
        for (Row x : r.rows()) {
            ObjectNode o = rows.addObject();
            o.put("experiment", x.experiment()).put("title", x.title()).put("profile", x.profile()).put("arch", x.arch());
            put(o, "baseline_ns", x.baselineNs());
            put(o, "patched_ns", x.patchedNs());
            put(o, "ratio", x.ratio());
            put(o, "published_baseline_ns", x.publishedBaselineNs());
            put(o, "published_patched_ns", x.publishedPatchedNs());
            put(o, "published_ratio", x.publishedRatio());
            put(o, "ratio_error", r.quick() ? Double.NaN : x.ratioError());
            o.put("kind", x.kind());
            if (x.machine() == null) o.putNull("machine"); else o.put("machine", x.machine());
            o.put("note", x.note());
            if (x.modelled()) {
                breakdown(o.putArray("baseline_terms"), x.baseline());
                breakdown(o.putArray("patched_terms"), x.patched());
            }
        }
        ArrayNode hosts = root.putArray("host");
        for (var h : r.host()) {
            ObjectNode o = hosts.addObject();
            o.put("experiment", h.experiment());
            put(o, "measured_ns", h.measuredNs());
            put(o, "predicted_ns", h.predictedNs());
            put(o, "error", h.error());
            o.put("note", h.note());
        }
        ArrayNode fits = root.putArray("fits");
        for (var f : r.fits()) {
            ObjectNode o = fits.addObject();
            o.put("profile", f.profile()).put("text", f.text());
            ArrayNode a = o.putArray("rows");
            f.rows().forEach(a::add);
        }
        try {
            return m.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    private static void breakdown(ArrayNode a, Prediction p) {
        for (Term t : p.terms()) {
            a.addObject().put("event", t.event()).put("count", t.count()).put("cost_ns", t.costNs()).put("ns", t.ns());
        }
    }

    private static void put(ObjectNode o, String k, double v) {
        if (Double.isNaN(v)) o.putNull(k); else o.put(k, v);
    }
}
