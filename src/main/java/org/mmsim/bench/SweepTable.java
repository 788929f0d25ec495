package org.mmsim.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The output of a sweep as rows of named columns (config, status, wall time, one column per event counter), written
 * as CSV or JSON, read back, and merged: {@code mmsim sweep merge} concatenates shard outputs in config order.
 */
public final class SweepTable {
    private SweepTable() {}

    /** The fixed columns before the counters. */
    static final List<String> FIXED = List.of("index", "workload", "arch", "kernel", "folio", "size", "status",
            "passed", "failed", "wall_ns");

    /** Rows of a sweep's outcomes: column name to value (numbers as Long, the rest as String). */
    public static List<Map<String, Object>> rows(List<Sweep.Outcome> outcomes) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Sweep.Outcome o : outcomes) {
            Map<String, Object> m = new LinkedHashMap<>();
            Sweep.Config c = o.config();
            m.put("index", (long) c.index());
            m.put("workload", c.workload());
            m.put("arch", c.arch());
            m.put("kernel", c.kernel());
            m.put("folio", c.folio());
            m.put("size", c.size());
            m.put("status", o.status());
            m.put("passed", (long) o.passed());
            m.put("failed", (long) o.failed());
            m.put("wall_ns", o.wallNs());
            m.putAll(o.counters());
            rows.add(m);
        }
        return rows;
    }

    /** CSV with a header line; fields with a comma, quote or newline are quoted. */
    public static String csv(List<Map<String, Object>> rows) {
        StringBuilder sb = new StringBuilder();
        List<String> cols = columns(rows);
        sb.append(String.join(",", cols.stream().map(SweepTable::quote).toList())).append('\n');
        for (Map<String, Object> r : rows) {
            List<String> f = new ArrayList<>();
            for (String c : cols) f.add(quote(String.valueOf(r.getOrDefault(c, ""))));
            sb.append(String.join(",", f)).append('\n');
        }
        return sb.toString();
    }

    /** A JSON array of objects. */
    public static String json(List<Map<String, Object>> rows) {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(rows) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads what {@link #csv} or {@link #json} wrote; IllegalArgumentException with the reason otherwise. */
    public static List<Map<String, Object>> parse(String name, String text) {
        String t = text.strip();
        if (t.startsWith("[")) {
            try {
                return new ObjectMapper().readValue(t, new TypeReference<List<Map<String, Object>>>() { });
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(name + ": not a sweep JSON file: " + e.getOriginalMessage());
            }
        }
        List<List<String>> records = parseCsv(t);
        if (records.isEmpty() || !records.get(0).containsAll(FIXED)) {
            throw new IllegalArgumentException(name + ": not a sweep CSV file (the header lacks " + FIXED + ")");
        }
        List<String> header = records.get(0);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 1; i < records.size(); i++) {
            List<String> rec = records.get(i);
            if (rec.size() != header.size()) {
                throw new IllegalArgumentException(name + ": line " + (i + 1) + " has " + rec.size() + " fields, the header " + header.size());
            }
            Map<String, Object> m = new LinkedHashMap<>();
            for (int j = 0; j < header.size(); j++) m.put(header.get(j), rec.get(j));
            rows.add(m);
        }
        return rows;
    }

    /**
     * Merges the rows of several shard outputs into config order. IllegalArgumentException if two rows claim the
     * same config index; {@code missing} receives the indexes absent between 0 and the largest seen.
     */
    public static List<Map<String, Object>> merge(List<List<Map<String, Object>>> parts, List<Long> missing) {
        TreeMap<Long, Map<String, Object>> byIndex = new TreeMap<>();
        for (List<Map<String, Object>> part : parts) {
            for (Map<String, Object> r : part) {
                long idx;
                try {
                    idx = Long.parseLong(String.valueOf(r.get("index")));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("a row has no numeric index: " + r.get("index"));
                }
                if (byIndex.put(idx, r) != null) throw new IllegalArgumentException("config " + idx + " appears twice");
            }
        }
        if (!byIndex.isEmpty()) for (long i = 0; i < byIndex.lastKey(); i++) if (!byIndex.containsKey(i)) missing.add(i);
        return new ArrayList<>(byIndex.values());
    }

    private static List<String> columns(List<Map<String, Object>> rows) {
        List<String> cols = new ArrayList<>(FIXED);
        for (Map<String, Object> r : rows) for (String k : r.keySet()) if (!cols.contains(k)) cols.add(k);
        return cols;
    }

    private static String quote(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0) return s;
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    private static List<List<String>> parseCsv(String text) {
        List<List<String>> out = new ArrayList<>();
        List<String> rec = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    f.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    f.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                rec.add(f.toString());
                f.setLength(0);
            } else if (ch == '\n') {
                rec.add(f.toString());
                f.setLength(0);
                out.add(rec);
                rec = new ArrayList<>();
            } else if (ch != '\r') {
                f.append(ch);
            }
        }
        if (!f.isEmpty() || !rec.isEmpty()) {
            rec.add(f.toString());
            out.add(rec);
        }
        return out;
    }
}
