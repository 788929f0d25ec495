package org.mmsim.cost;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.mmsim.arch.Arch;
import org.mmsim.arch.Event;

/**
 * An architecture profile: the machine it describes, the model architecture whose counts it prices, a cost with its
 * source for every event, the TLB-flush rules, and which published rows (if any) some of its costs are fitted to.
 * A profile file is JSON (see {@code src/main/resources/profiles/}); {@link #parse} rejects a bad one with a
 * {@link ProfileError} naming the field.
 *
 * <p>Costs are marginal: an event's cost is only the work not already counted by another event (a contpte unfold's
 * 16 clears, 16 writes and its TLBI are counted as PTE_CLEAR, PTE_WRITE and TLBI, so CONTPTE_UNFOLD costs the rest).
 *
 * @param name     the profile's name (arm64-m3, x86_64-baremetal, x86_64-host)
 * @param arch     the model architecture (x86_64 or arm64)
 * @param machine  the machine the costs describe
 * @param about    how the figures were obtained, in words
 * @param costs    every priced event; an event absent here is reported as unpriced, never priced as zero silently
 * @param tlb      the TLB-flush rules
 * @param fit      the published rows and free events of a least-squares fit, or null
 */
public record Profile(String name, String arch, String machine, String about, Map<Event, Cost> costs, TlbRules tlb,
                      FitSpec fit) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public Profile {
        costs = Collections.unmodifiableMap(new EnumMap<>(costs));
    }

    /**
     * Which published rows a profile fits, and which events' costs the fit may change.
     *
     * @param rows  published row ids (experiment ids such as 004-T3); they are marked "fit" for this profile
     * @param free  the events whose costs are solved for; every other cost stays as documented
     * @param why   why these rows and events were chosen
     */
    public record FitSpec(List<String> rows, List<Event> free, String why) {
        public FitSpec {
            rows = List.copyOf(rows);
            free = List.copyOf(free);
        }
    }

    /** The cost of an event, or null when the profile does not price it. */
    public Cost cost(Event e) { return costs.get(e); }

    /** Events this profile gives no cost; empty for a complete profile. */
    public List<Event> unpriced() {
        List<Event> missing = new ArrayList<>();
        for (Event e : Event.values()) if (!costs.containsKey(e)) missing.add(e);
        return missing;
    }

    /** True when {@code rowId} is one of the rows this profile was fitted to. */
    public boolean fittedTo(String rowId) { return fit != null && fit.rows().contains(rowId); }

    /** This profile with some costs replaced (the result of a fit). */
    public Profile withCosts(Map<Event, Cost> replaced) {
        Map<Event, Cost> m = new EnumMap<>(Event.class);
        m.putAll(costs);
        m.putAll(replaced);
        return new Profile(name, arch, machine, about, m, tlb, fit);
    }

    /** Reads a profile file. */
    public static Profile load(Path file) throws ProfileError {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ProfileError("cannot read profile " + file + ": no such file");
        } catch (IOException e) {
            throw new ProfileError("cannot read profile " + file + ": " + e.getMessage());
        }
        return parse(file.toString(), text);
    }

    /** Reads a profile shipped in the jar under {@code profiles/NAME.json}. */
    public static Profile builtin(String name) throws ProfileError {
        String res = "/profiles/" + name + ".json";
        try (InputStream in = Profile.class.getResourceAsStream(res)) {
            if (in == null) throw new ProfileError("no built-in profile '" + name + "'");
            return parse(name + ".json", new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ProfileError("cannot read built-in profile " + name + ": " + e.getMessage());
        }
    }

    /** Parses profile JSON; {@code where} names the file in messages. */
    public static Profile parse(String where, String text) throws ProfileError {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ProfileError(where + ": not valid JSON at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) throw new ProfileError(where + ": a profile is a JSON object");
        String name = text(where, root, "name");
        String arch = text(where, root, "arch");
        try {
            Arch.byName(arch);
        } catch (IllegalArgumentException e) {
            throw new ProfileError(where + ": arch '" + arch + "' is not a model architecture (x86_64 or arm64)");
        }
        String machine = text(where, root, "machine");
        String about = text(where, root, "about");

        JsonNode cs = root.get("costs");
        if (cs == null || !cs.isObject()) throw new ProfileError(where + ": missing object 'costs'");
        Map<Event, Cost> costs = new EnumMap<>(Event.class);
        for (Iterator<Map.Entry<String, JsonNode>> it = cs.fields(); it.hasNext(); ) {
            var f = it.next();
            Event e = event(where, "costs", f.getKey());
            JsonNode c = f.getValue();
            String at = "costs." + f.getKey();
            if (!c.isObject()) throw new ProfileError(where + ": " + at + " must be an object {\"ns\": ..., \"source\": ...}");
            JsonNode ns = c.get("ns");
            if (ns == null || !ns.isNumber()) throw new ProfileError(where + ": " + at + ".ns must be a number");
            double v = ns.asDouble();
            if (!Double.isFinite(v) || v < 0) throw new ProfileError(where + ": " + at + ".ns must be finite and not negative, got " + v);
            String source = text(where, c, "source", at + ".source");
            costs.put(e, new Cost(v, source));
        }

        JsonNode t = root.get("tlb_flush_rules");
        if (t == null || !t.isObject()) throw new ProfileError(where + ": missing object 'tlb_flush_rules'");
        JsonNode above = t.get("full_flush_above_pages");
        if (above == null || !above.canConvertToLong() || above.asLong() < 1) {
            throw new ProfileError(where + ": tlb_flush_rules.full_flush_above_pages must be a positive integer");
        }
        TlbRules tlb = new TlbRules(above.asLong(), text(where, t, "rule", "tlb_flush_rules.rule"),
                text(where, t, "source", "tlb_flush_rules.source"));

        FitSpec fit = null;
        JsonNode fn = root.get("fit");
        if (fn != null && !fn.isNull()) {
            if (!fn.isObject()) throw new ProfileError(where + ": 'fit' must be an object");
            List<String> rows = new ArrayList<>();
            for (JsonNode r : array(where, fn, "fit.rows")) {
                if (!r.isTextual()) throw new ProfileError(where + ": fit.rows holds row ids as strings");
                rows.add(r.asText());
            }
            List<Event> free = new ArrayList<>();
            for (JsonNode r : array(where, fn, "fit.free")) {
                if (!r.isTextual()) throw new ProfileError(where + ": fit.free holds event names as strings");
                Event e = event(where, "fit.free", r.asText());
                if (!costs.containsKey(e)) throw new ProfileError(where + ": fit.free names " + e + ", which has no starting cost in 'costs'");
                free.add(e);
            }
            if (rows.isEmpty() != free.isEmpty()) throw new ProfileError(where + ": fit.rows and fit.free must both be empty or both be given");
            fit = new FitSpec(rows, free, text(where, fn, "why", "fit.why"));
        }
        return new Profile(name, arch, machine, about, costs, tlb, fit);
    }

    /** The profile as JSON, in the layout {@link #parse} reads. */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("name", name).put("arch", arch).put("machine", machine).put("about", about);
        ObjectNode t = root.putObject("tlb_flush_rules");
        t.put("full_flush_above_pages", tlb.fullFlushAbovePages()).put("rule", tlb.rule()).put("source", tlb.source());
        if (fit != null) {
            ObjectNode f = root.putObject("fit");
            ArrayNode rows = f.putArray("rows");
            fit.rows().forEach(rows::add);
            ArrayNode free = f.putArray("free");
            fit.free().forEach(e -> free.add(e.name()));
            f.put("why", fit.why());
        }
        ObjectNode cs = root.putObject("costs");
        for (var e : costs.entrySet()) {
            cs.putObject(e.getKey().name()).put("ns", e.getValue().ns()).put("source", e.getValue().source());
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write profile JSON", e);
        }
    }

    private static Event event(String where, String field, String name) throws ProfileError {
        try {
            return Event.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new ProfileError(where + ": " + field + " names an unknown event '" + name + "'");
        }
    }

    private static ArrayNode array(String where, JsonNode parent, String path) throws ProfileError {
        String key = path.substring(path.lastIndexOf('.') + 1);
        JsonNode a = parent.get(key);
        if (a == null || !a.isArray()) throw new ProfileError(where + ": " + path + " must be an array");
        return (ArrayNode) a;
    }

    private static String text(String where, JsonNode node, String key) throws ProfileError {
        return text(where, node, key, key);
    }

    private static String text(String where, JsonNode node, String key, String path) throws ProfileError {
        JsonNode v = node.get(key);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new ProfileError(where + ": missing or empty text field '" + path + "'");
        }
        return v.asText();
    }
}
