package org.mmsim.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mmsim.cost.Cost;
import org.mmsim.cost.CostModel.Prediction;
import org.mmsim.cost.CostModel.Term;
import org.mmsim.cost.Profile;

/**
 * Writes the reproduce result as an offline HTML page ({@code index.html}) beside its SVG charts: per profile, the
 * predicted against the published ratio of every experiment; per row, the per-event breakdown of baseline and
 * patched time as stacked bars. The charts are separate files referenced by relative paths, so the page opens
 * from disk with no network.
 */
public final class HtmlReport {
    private HtmlReport() {}

    private static final String[] PALETTE = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948",
        "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};

    /** Writes index.html and the charts into {@code dir} (created if needed); returns the page's path. */
    public static Path write(Reproducer.Result r, Path dir) throws IOException {
        Files.createDirectories(dir);
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>mmsim reproduce</title>\n<style>")
                .append("body{font-family:sans-serif;margin:24px;max-width:1300px}table{border-collapse:collapse;font-size:13px}")
                .append("td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}td.l,th{text-align:left}")
                .append(".fit{background:#eef}.bad{color:#b00}.charts img{margin:6px;border:1px solid #ddd}")
                .append("p.note{font-size:12px;color:#333;margin:2px 0 2px 12px}</style></head><body>\n");
        h.append("<h1>mmsim reproduce: the seeds' tables side by side</h1>\n");
        if (r.quick()) h.append("<p><b>--quick</b>: sizes scaled down; published figures are not comparable.</p>\n");
        h.append("<p>Predicted time of a side = &Sigma; count(event) &times; cost(event) on the profile. ratio = patched / baseline. ")
                .append("Rows marked <i>fit</i> were used to fit the profile and are not evidence; <i>prediction</i> rows were never seen by the fit.</p>\n");

        h.append("<h2>Predicted against published ratio</h2>\n<div class=\"charts\">\n");
        for (Profile p : r.profiles()) {
            List<Row> rows = r.rows().stream().filter(x -> x.profile().equals(p.name())).toList();
            String file = "ratio-" + p.name() + ".svg";
            Files.writeString(dir.resolve(file), ratioChart(p.name(), rows));
            h.append("<img src=\"").append(file).append("\" alt=\"ratios on ").append(esc(p.name())).append("\">\n");
        }
        h.append("</div>\n<h2>Table</h2>\n<table><tr><th>experiment</th><th>profile</th><th>baseline</th><th>patched</th><th>ratio</th>")
                .append("<th>pub. baseline</th><th>pub. patched</th><th>pub. ratio</th><th>ratio error</th><th>kind</th></tr>\n");
        for (Row x : r.rows()) {
            boolean bad = !r.quick() && Math.abs(x.ratioError()) > 0.25;
            h.append("<tr").append(Row.FIT.equals(x.kind()) ? " class=\"fit\"" : "").append("><td class=\"l\">").append(esc(x.experiment()))
                    .append("</td><td class=\"l\">").append(esc(x.profile())).append("</td><td>").append(Format.time(x.baselineNs()))
                    .append("</td><td>").append(Format.time(x.patchedNs())).append("</td><td>").append(Format.ratio(x.ratio()))
                    .append("</td><td>").append(Format.time(x.publishedBaselineNs())).append("</td><td>").append(Format.time(x.publishedPatchedNs()))
                    .append("</td><td>").append(Format.ratio(x.publishedRatio())).append("</td><td").append(bad ? " class=\"bad\"" : "").append('>')
                    .append(r.quick() ? "-" : Format.percent(x.ratioError())).append("</td><td class=\"l\">").append(esc(x.kind())).append("</td></tr>\n");
        }
        h.append("</table>\n");
        if (!r.host().isEmpty()) {
            h.append("<h2>Host kernel against the model (x86_64-host)</h2>\n<table><tr><th>experiment</th><th>host measured</th>")
                    .append("<th>model</th><th>error</th><th>what</th></tr>\n");
            for (var x : r.host()) {
                h.append("<tr><td class=\"l\">").append(esc(x.experiment())).append("</td><td>").append(Format.time(x.measuredNs()))
                        .append("</td><td>").append(Format.time(x.predictedNs())).append("</td><td>").append(Format.percent(x.error()))
                        .append("</td><td class=\"l\">").append(esc(x.note())).append("</td></tr>\n");
            }
            h.append("</table>\n");
        }
        h.append("<h2>Notes</h2>\n");
        for (Row x : r.rows()) {
            h.append("<p class=\"note\"><b>").append(esc(x.experiment())).append(" on ").append(esc(x.profile())).append("</b>: ")
                    .append(esc(x.note())).append("</p>\n");
        }
        if (!r.fits().isEmpty()) {
            h.append("<h2>Fits</h2>\n");
            for (var f : r.fits()) {
                h.append("<p class=\"note\"><b>").append(esc(f.profile())).append("</b> fitted to ").append(esc(String.join(", ", f.rows())))
                        .append(": ").append(esc(f.text())).append("</p>\n");
            }
        }
        h.append("<h2>Per-event breakdown of each ratio</h2>\n<div class=\"charts\">\n");
        for (Row x : r.rows()) {
            if (!x.modelled()) continue;
            String file = "breakdown-" + x.experiment() + "-" + x.profile() + ".svg";
            Files.writeString(dir.resolve(file), breakdownChart(x));
            h.append("<img src=\"").append(file).append("\" alt=\"breakdown of ").append(esc(x.experiment())).append(" on ")
                    .append(esc(x.profile())).append("\">\n");
        }
        h.append("</div>\n<h2>Profiles</h2>\n");
        for (Profile p : r.profiles()) {
            h.append("<h3>").append(esc(p.name())).append(" (").append(esc(p.arch())).append(")</h3><p>").append(esc(p.machine()))
                    .append(". ").append(esc(p.about())).append("</p><p>TLB: ").append(esc(p.tlb().rule())).append(" (")
                    .append(esc(p.tlb().source())).append(")</p>\n<table><tr><th>event</th><th>ns</th><th>source</th></tr>\n");
            for (var e : p.costs().entrySet()) {
                Cost c = e.getValue();
                h.append("<tr><td class=\"l\">").append(e.getKey()).append("</td><td>").append(String.format(Locale.ROOT, "%.4g", c.ns()))
                        .append("</td><td class=\"l\">").append(esc(c.source())).append("</td></tr>\n");
            }
            h.append("</table>\n");
        }
        h.append("</body></html>\n");
        Path index = dir.resolve("index.html");
        Files.writeString(index, h.toString());
        return index;
    }

    /** Grouped bars: predicted and published ratio per experiment, a line at 1. */
    static String ratioChart(String profile, List<Row> rows) {
        int n = rows.size();
        int left = 60, top = 40, bottom = 90, barW = 22, gap = 26;
        int width = left + n * (2 * barW + gap) + 180;
        int height = 360;
        int plotH = height - top - bottom;
        double max = 1.2;
        for (Row x : rows) {
            if (!Double.isNaN(x.ratio())) max = Math.max(max, x.ratio());
            if (!Double.isNaN(x.publishedRatio())) max = Math.max(max, x.publishedRatio());
        }
        max = Math.ceil(max * 5) / 5;
        StringBuilder s = svgHead(width, height);
        s.append(text(width / 2, 22, "patched / baseline on " + profile, "middle", 15, true));
        for (int i = 0; i <= 5; i++) {
            double v = max * i / 5;
            int y = top + plotH - (int) Math.round(plotH * v / max);
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>", left, y, width - 170, y));
            s.append(text(left - 6, y + 4, String.format(Locale.ROOT, "%.2f", v), "end", 11, false));
        }
        int y1 = top + plotH - (int) Math.round(plotH * 1.0 / max);
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\" stroke-dasharray=\"4 3\"/>", left, y1, width - 170, y1));
        for (int i = 0; i < n; i++) {
            Row x = rows.get(i);
            int x0 = left + gap / 2 + i * (2 * barW + gap);
            bar(s, x0, top, plotH, barW, x.ratio(), max, Row.FIT.equals(x.kind()) ? "#9bb7d4" : "#4e79a7");
            bar(s, x0 + barW, top, plotH, barW, x.publishedRatio(), max, "#f28e2b");
            if (Double.isNaN(x.ratio())) s.append(text(x0 + barW / 2, top + plotH - 4, "n/a", "middle", 10, false));
            if (Double.isNaN(x.publishedRatio())) s.append(text(x0 + barW + barW / 2, top + plotH - 4, "-", "middle", 10, false));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" transform=\"rotate(-40 %d %d)\" text-anchor=\"end\">%s</text>",
                    x0 + barW, top + plotH + 14, x0 + barW, top + plotH + 14, esc(x.experiment() + (Row.FIT.equals(x.kind()) ? " (fit)" : ""))));
        }
        int lx = width - 160;
        legend(s, lx, top + 10, "#4e79a7", "model (prediction)");
        legend(s, lx, top + 30, "#9bb7d4", "model (fit row)");
        legend(s, lx, top + 50, "#f28e2b", "published");
        return s.append("</svg>\n").toString();
    }

    private static void bar(StringBuilder s, int x, int top, int plotH, int w, double v, double max, String color) {
        if (Double.isNaN(v)) return;
        int h = (int) Math.round(plotH * Math.min(v, max) / max);
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"><title>%.3f</title></rect>",
                x, top + plotH - h, w - 2, Math.max(h, 1), color, v));
    }

    /** Two stacked horizontal bars (baseline, patched) split by event; the largest events get colours, the rest "other". */
    static String breakdownChart(Row x) {
        Map<String, Double> total = new LinkedHashMap<>();
        for (Term t : x.baseline().terms()) total.merge(t.event(), t.ns(), Double::sum);
        for (Term t : x.patched().terms()) total.merge(t.event(), t.ns(), Double::sum);
        List<String> top = new ArrayList<>(total.keySet());
        top.sort((a, b) -> Double.compare(total.get(b), total.get(a)));
        if (top.size() > PALETTE.length - 1) top = top.subList(0, PALETTE.length - 1);
        int width = 640, left = 80, right = 20, barH = 26;
        int legendRows = (top.size() + 2) / 3 + 1;
        int height = 60 + 2 * (barH + 12) + legendRows * 16 + 10;
        double max = Math.max(x.baseline().ns(), x.patched().ns());
        StringBuilder s = svgHead(width, height);
        s.append(text(10, 18, x.experiment() + " on " + x.profile() + ": ratio " + Format.ratio(x.ratio())
                + (Double.isNaN(x.publishedRatio()) ? "" : ", published " + Format.ratio(x.publishedRatio())), "start", 13, true));
        int y = 34;
        for (int side = 0; side < 2; side++) {
            Prediction p = side == 0 ? x.baseline() : x.patched();
            s.append(text(left - 6, y + barH / 2 + 4, side == 0 ? "baseline" : "patched", "end", 11, false));
            double acc = 0;
            double other = 0;
            for (Term t : p.terms()) {
                int k = top.indexOf(t.event());
                if (k < 0) { other += t.ns(); continue; }
            }
            List<String> order = new ArrayList<>(top);
            for (String ev : order) {
                double ns = p.term(ev).ns();
                if (ns <= 0) continue;
                acc = seg(s, left, right, width, y, barH, acc, ns, max, PALETTE[top.indexOf(ev)], ev);
            }
            if (other > 0) seg(s, left, right, width, y, barH, acc, other, max, PALETTE[PALETTE.length - 1], "other");
            s.append(text(left + (int) ((width - left - right) * p.ns() / max) + 4 > width - 70 ? width - 70 : left + (int) ((width - left - right) * p.ns() / max) + 4,
                    y + barH / 2 + 4, Format.time(p.ns() / 1), "start", 10, false));
            y += barH + 12;
        }
        int ly = y + 8;
        for (int i = 0; i < top.size(); i++) legend(s, 10 + (i % 3) * 210, ly + (i / 3) * 16, PALETTE[i], top.get(i));
        legend(s, 10 + (top.size() % 3) * 210, ly + (top.size() / 3) * 16, PALETTE[PALETTE.length - 1], "other");
        return s.append("</svg>\n").toString();
    }

    private static double seg(StringBuilder s, int left, int right, int width, int y, int barH, double acc, double ns,
                              double max, String color, String label) {
        double scale = (width - left - right - 70) / max;
        s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>%s %s</title></rect>",
                left + acc * scale, y, Math.max(ns * scale, 0.5), barH, color, esc(label), Format.time(ns)));
        return acc + ns;
    }

    private static StringBuilder svgHead(int w, int h) {
        return new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">"
                        + "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n", w, h, w, h));
    }

    private static void legend(StringBuilder s, int x, int y, String color, String label) {
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>", x, y - 10, color));
        s.append(text(x + 16, y, label, "start", 11, false));
    }

    private static String text(int x, int y, String t, String anchor, int size, boolean bold) {
        return String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"%d\" text-anchor=\"%s\"%s>%s</text>", x, y, size, anchor,
                bold ? " font-weight=\"bold\"" : "", esc(t));
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
