package org.mmsim.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mmsim.mm.FeatureSet;
import org.mmsim.workload.script.RunResult;

/**
 * The report of {@code mmsim run}: the model behind both the JSON output (field names as in README.md)
 * and the text output. Later fields are added here as components.
 *
 * @param script   the script's path as given
 * @param backend  "sim" or "host"
 * @param arch     the architecture profile asked for
 * @param kernel   the kernel spec asked for ("patched", "baseline" or a list)
 * @param features the enabled features
 * @param params   each param reached with its value
 * @param expects  expect counts
 * @param regions  the measured regions in first-entered order
 * @param total    the whole run
 */
@JsonPropertyOrder({"script", "backend", "arch", "kernel", "features", "params", "expects", "regions", "total"})
record RunReport(String script, String backend, String arch, String kernel, List<String> features,
                 Map<String, Long> params, Expects expects, List<Region> regions, Total total) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Expects that held and that failed. */
    @JsonPropertyOrder({"passed", "failed"})
    record Expects(int passed, int failed) { }

    /** One region; {@code counters} is null when the backend has none. */
    @JsonPropertyOrder({"name", "entries", "counters", "wall_ns"})
    record Region(String name, long entries, Map<String, Long> counters, @JsonProperty("wall_ns") long wallNs) { }

    /** The whole run; {@code counters} is null when the backend has none. */
    @JsonPropertyOrder({"counters", "wall_ns"})
    record Total(Map<String, Long> counters, @JsonProperty("wall_ns") long wallNs) { }

    static RunReport of(String script, String backend, String arch, FeatureSet features, RunResult r) {
        List<Region> regions = r.regions().stream()
                .map(m -> new Region(m.name(), m.entries(), m.counters(), m.wallNs())).toList();
        return new RunReport(script, backend, arch, features.spec(), features.names(), r.params(),
                new Expects(r.passed(), r.failed()), regions, new Total(r.total().counters(), r.total().wallNs()));
    }

    /** The report as pretty-printed JSON, with a final newline. */
    String toJson() {
        try {
            return JSON.writeValueAsString(this) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the report as JSON", e);
        }
    }

    /**
     * The report as text: each region then the total, each with its wall time and its non-zero counters (none
     * listed when the backend has no counters), then the expect counts.
     */
    String toText() {
        StringBuilder sb = new StringBuilder();
        for (Region g : regions) {
            sb.append("region \"").append(g.name()).append("\": ").append(g.entries())
                    .append(g.entries() == 1 ? " entry, " : " entries, ").append(millis(g.wallNs())).append('\n');
            counters(sb, g.counters());
        }
        sb.append("total: ").append(millis(total.wallNs())).append('\n');
        counters(sb, total.counters());
        sb.append("expects: ").append(expects.passed()).append(" passed, ").append(expects.failed()).append(" failed\n");
        return sb.toString();
    }

    private static void counters(StringBuilder sb, Map<String, Long> counters) {
        if (counters == null) return;
        int width = counters.keySet().stream().mapToInt(String::length).max().orElse(0);
        for (var e : counters.entrySet()) {
            sb.append("  ").append(e.getKey()).append(" ".repeat(width - e.getKey().length()))
                    .append(String.format(Locale.ROOT, " %12d", e.getValue())).append('\n');
        }
    }

    private static String millis(long ns) {
        return String.format(Locale.ROOT, "%.3f ms", ns / 1e6);
    }
}
