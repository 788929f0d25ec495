package org.mmsim.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One seed experiment as recorded in {@code seeds/published.json}: the example script and the part of it that was
 * timed, the kernels compared, and what the seed published for it on which machine.
 *
 * @param id          row id (000, 002-hotfix, 004-T1, ...)
 * @param title       what is measured
 * @param seed        the seed file the figures come from
 * @param script      the example script (in examples/)
 * @param scope       the region whose counters are priced, or "total" for the whole run
 * @param unit        what one published time covers
 * @param perParam    a param to divide the model's time by (the published figure is per operation), or null
 * @param baseline    the kernel spec before the seed's patch
 * @param patched     the kernel spec with it
 * @param quickParams param overrides for --quick
 * @param requires    an event that must be counted in the scope for the model to cover the experiment, or null
 * @param missing     what to print when it is not counted
 * @param published   the published figures, one per machine
 * @param hostScope   the region timed on the host (a "total" scope also times the script's own checks there)
 * @param modelNotes  what the model leaves out of this experiment, known before any result (shown with its rows)
 * @param hostParams  param overrides for the host comparison (the host backend's per-call work makes some seed
 *                    loops too slow to run whole there); the model's host-kernel run uses the same
 * @param params      param overrides of every run of this experiment (e.g. FOLIO=4K for a variant of a seed's
 *                    script); quick and host overrides are applied on top
 */
public record Experiment(String id, String title, String seed, String script, String scope, String unit,
                         String perParam, String baseline, String patched, Map<String, String> quickParams,
                         String requires, String missing, List<Published> published, String hostScope, String modelNotes,
                         Map<String, String> hostParams, Map<String, String> params) {

    /**
     * A published pair of times, or a published ratio alone when the seed states the outcome without times (e.g.
     * "no regression observed on 4K folios": ratio 1).
     *
     * @param arch        the model architecture of the machine
     * @param machine     the machine as the seed names it
     * @param baselineNs  time before the patch, ns per unit; NaN when the seed gives no time
     * @param patchedNs   time after it; NaN when the seed gives no time
     * @param statedRatio the ratio the seed states in words when it gives no times, else NaN
     * @param quote       the line(s) of the seed the figures were read from
     * @param profiles    the profiles that describe this kind of machine
     */
    public record Published(String arch, String machine, double baselineNs, double patchedNs, double statedRatio,
                            String quote, List<String> profiles) {
        /** patched / baseline, or the stated ratio when there are no times. */
        public double ratio() { return Double.isNaN(baselineNs) ? statedRatio : patchedNs / baselineNs; }
    }

    /** The published figures for an architecture, or null. */
    public Published publishedFor(String arch) {
        for (Published p : published) if (p.arch().equals(arch)) return p;
        return null;
    }

    /** Every experiment of the built-in seeds/published.json. */
    public static List<Experiment> builtin() {
        try (InputStream in = Experiment.class.getResourceAsStream("/seeds/published.json")) {
            if (in == null) throw new IllegalStateException("seeds/published.json is missing from the jar");
            return parse(new ObjectMapper().readTree(in));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read seeds/published.json: " + e.getMessage(), e);
        }
    }

    private static Map<String, String> stringMap(JsonNode e, String field) {
        Map<String, String> m = new LinkedHashMap<>();
        if (e.has(field)) e.get(field).fields().forEachRemaining(f -> m.put(f.getKey(), f.getValue().asText()));
        return m;
    }

    private static double optional(JsonNode p, String field) {
        return p.has(field) ? p.get(field).asDouble() : Double.NaN;
    }

    static List<Experiment> parse(JsonNode root) {
        List<Experiment> list = new ArrayList<>();
        for (JsonNode e : root.get("experiments")) {
            Map<String, String> quick = stringMap(e, "quick_params");
            List<Published> pubs = new ArrayList<>();
            for (JsonNode p : e.get("published")) {
                List<String> profs = new ArrayList<>();
                if (p.has("profiles")) p.get("profiles").forEach(x -> profs.add(x.asText()));
                double b = optional(p, "baseline_ns");
                double a = optional(p, "patched_ns");
                double stated = optional(p, "ratio");
                if (Double.isNaN(b) != Double.isNaN(a) || Double.isNaN(b) == Double.isNaN(stated)) {
                    throw new IllegalStateException("seeds/published.json: experiment " + e.get("id").asText()
                            + " must give either baseline_ns and patched_ns or a stated ratio for " + p.get("arch").asText());
                }
                pubs.add(new Published(p.get("arch").asText(), p.get("machine").asText(), b, a, stated,
                        p.get("quote").asText(), List.copyOf(profs)));
            }
            JsonNode req = e.get("requires");
            list.add(new Experiment(e.get("id").asText(), e.get("title").asText(), e.get("seed").asText(),
                    e.get("script").asText(), e.get("scope").asText(), e.get("unit").asText(),
                    e.has("per_param") ? e.get("per_param").asText() : null, e.get("baseline").asText(),
                    e.get("patched").asText(), quick, req == null ? null : req.get("event").asText(),
                    req == null ? null : req.get("missing").asText(), List.copyOf(pubs),
                    e.has("host_scope") ? e.get("host_scope").asText() : e.get("scope").asText(),
                    e.has("model_notes") ? e.get("model_notes").asText() : null, stringMap(e, "host_params"),
                    stringMap(e, "params")));
        }
        return List.copyOf(list);
    }
}
