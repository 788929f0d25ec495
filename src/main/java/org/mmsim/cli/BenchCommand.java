package org.mmsim.cli;

import java.io.PrintWriter;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

import org.mmsim.bench.Bench;
import org.mmsim.bench.Workloads;
import org.mmsim.mm.FeatureSet;
import org.mmsim.mm.Tunables;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code mmsim bench}: measures the simulator itself (see {@link Bench}): seed workloads on the model and on the
 * live kernel, ns per PTE of the batched paths, heap bytes per resident page, scaling, checker cost.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, version = MmsimCommand.VERSION,
        description = {"Measure the simulator's speed and memory: the seed workloads on the model and the host,",
            "ns per PTE of the batched bulk paths, heap bytes per resident page, scaling, invariant-checker cost.",
            "For the 1 TiB run: MMSIM_JAVA_OPTS=-Xmx8g mmsim bench --only scaling --max-size 1T"})
final class BenchCommand implements Callable<Integer> {
    @ParentCommand
    private MmsimCommand parent;

    @Spec
    private CommandSpec spec;

    @Option(names = "--quick", description = "scaled-down workloads and sizes (a few seconds)")
    private boolean quick;

    @Option(names = "--json", description = "print the report as JSON on stdout")
    private boolean json;

    @Option(names = "--only", paramLabel = "SECTION", split = ",",
            description = "run only these sections: workloads, bulk, scaling, checker (default: all)")
    private List<String> only;

    @Option(names = "--max-size", paramLabel = "SIZE",
            description = "largest size of the scaling table: 1M, 1G, 64G or 1T (default: 64G, 1G with --quick)")
    private String maxSize;

    @Option(names = "--folio", paramLabel = "SIZE", defaultValue = "64K",
            description = "folio size of the scaling table: 4K, 16K..1M (mTHP) or 2M (THP) (default: ${DEFAULT-VALUE})")
    private String folio;

    @Option(names = "--shared", description = "the scaling table maps shared anonymous memory (MAP_SHARED|MAP_ANONYMOUS, "
            + "shmem: its folios and page cache) instead of private anonymous memory")
    private boolean shared;

    @Option(names = "--bulk-arch", paramLabel = "ARCH", split = ",", defaultValue = "x86_64,arm64",
            description = "architectures of the bulk-path section (default: ${DEFAULT-VALUE})")
    private List<String> bulkArches;

    @Option(names = "--in-process", description = "measure everything in this JVM: the bulk paths of every architecture, "
            + "the workloads on every target one after the other (default: fresh JVMs, so that one's JIT profile does "
            + "not slow the other's paths and every workload run pays the same warm-up)")
    private boolean inProcess;

    @Option(names = "--workload", paramLabel = "NAME", split = ",",
            description = "workloads of the workloads section (default: all: ${COMPLETION-CANDIDATES})",
            completionCandidates = WorkloadNames.class)
    private List<String> workloads;

    @Option(names = "--target", paramLabel = "TARGET", split = ",", defaultValue = "x86_64,arm64,host",
            description = "where the workloads run: x86_64, arm64 (the model), host (the live kernel) (default: ${DEFAULT-VALUE})")
    private List<String> targets;

    @Option(names = "--jvms", paramLabel = "N",
            description = "fresh JVMs per workload and target; cold = median of their first runs (default: 5, 1 with --quick)")
    private Integer jvms;

    @Option(names = "--warm-runs", paramLabel = "N",
            description = "timed runs after the first one in the first JVM; warm = their median (default: 3, 1 with --quick)")
    private Integer warmRuns;

    /** The workload names, for the help text. */
    static final class WorkloadNames extends java.util.ArrayList<String> {
        WorkloadNames() { super(Workloads.all().stream().map(Workloads.Workload::name).toList()); }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Set<String> sections = new LinkedHashSet<>(only == null ? Bench.SECTIONS : only);
        for (String s : sections) {
            if (!Bench.SECTIONS.contains(s)) {
                err.println("mmsim: unknown section '" + s + "'; known: " + String.join(", ", Bench.SECTIONS));
                return Exit.USAGE;
            }
        }
        long max;
        long folioBytes;
        try {
            max = maxSize == null ? (quick ? 1L << 30 : 64L << 30) : Tunables.parseNumber(maxSize);
            folioBytes = Tunables.parseNumber(folio);
            if (folioBytes != 4096 && folioBytes != (2L << 20)
                    && (Long.bitCount(folioBytes) != 1 || folioBytes < 8192 || folioBytes > (1L << 20))) {
                throw new IllegalArgumentException("--folio must be 4K, a power of two from 8K to 1M, or 2M");
            }
        } catch (NumberFormatException e) {
            err.println("mmsim: bad size: " + e.getMessage());
            return Exit.USAGE;
        } catch (IllegalArgumentException e) {
            err.println("mmsim: " + e.getMessage());
            return Exit.USAGE;
        }
        try {
            bulkArches.forEach(org.mmsim.arch.Arch::byName);
            if (workloads != null) workloads.forEach(Workloads::byName);
            for (String t : targets) {
                if (!List.of("x86_64", "arm64", "host").contains(t)) {
                    throw new IllegalArgumentException("unknown target '" + t + "'; known: x86_64, arm64, host");
                }
            }
            if (jvms != null && jvms < 1) throw new IllegalArgumentException("--jvms must be at least 1");
            if (warmRuns != null && warmRuns < 0) throw new IllegalArgumentException("--warm-runs must be at least 0");
        } catch (IllegalArgumentException e) {
            err.println("mmsim: " + e.getMessage());
            return Exit.USAGE;
        }
        Bench.Options d = new Bench.Options(quick, sections, max, folioBytes);
        Bench.Result r = Bench.run(new Bench.Options(quick, sections, max, folioBytes, shared, List.copyOf(bulkArches), inProcess,
                workloads == null ? d.workloads() : List.copyOf(workloads), List.copyOf(targets),
                jvms == null ? d.jvms() : jvms, warmRuns == null ? d.warmRuns() : warmRuns),
                () -> parent.backends().open("host", "x86_64", FeatureSet.patched(), false), err);
        out.print(json ? Bench.json(r) : Bench.text(r));
        out.flush();
        return r.ok() ? Exit.OK : Exit.FAILED;
    }
}
