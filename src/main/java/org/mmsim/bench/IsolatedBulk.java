package org.mmsim.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Runs the bulk-path measurement of one architecture in a JVM of its own ({@code mmsim bench --only bulk
 * --bulk-arch ARCH --in-process --json}) and reads its rows back. In one JVM, the per-PTE paths JIT-compiled while
 * the other architecture's machine ran are several times slower and vary from run to run (the profile of the
 * shared mm code mixes both architectures); a JVM per architecture gives each its own profile, as a single-arch
 * run or sweep shard has. docs/performance.md shows both. The child runs as the long-running commands do
 * ({@link ChildJvm#STEADY}: the AOT cache without its method profiles).
 */
final class IsolatedBulk {
    private IsolatedBulk() {}

    static List<BulkPaths.Row> run(String arch, boolean quick) {
        List<String> args = new ArrayList<>(List.of("bench", "--only", "bulk", "--bulk-arch", arch, "--in-process", "--json"));
        if (quick) args.add("--quick");
        ChildJvm.Outcome o = ChildJvm.run(arch, args, true); // steady-state figures: as a sweep runs
        if (o.exitCode() != 0) throw new IllegalStateException("the bulk measurement of " + arch + " exited with " + o.exitCode());
        try {
            String out = o.stdout();
            List<BulkPaths.Row> rows = new ArrayList<>();
            for (JsonNode n : new ObjectMapper().readTree(out).get("bulk")) {
                JsonNode ns = n.get("ns_per_pte");
                rows.add(new BulkPaths.Row(n.get("path").asText(), n.get("arch").asText(), n.get("kernel").asText(),
                        n.get("ptes").asLong(), ns == null || ns.isNull() ? Double.NaN : ns.asDouble(),
                        n.get("note").asText()));
            }
            return rows;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the bulk measurement of " + arch + ": " + e.getMessage(), e);
        }
    }
}
