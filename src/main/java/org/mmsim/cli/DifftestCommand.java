package org.mmsim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

import org.mmsim.arch.Arch;
import org.mmsim.difftest.DiffTest;
import org.mmsim.host.HostBackend;
import org.mmsim.host.HostRefusal;
import org.mmsim.mm.FeatureSet;
import org.mmsim.workload.MemoryApi;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code mmsim difftest}: random call sequences on the model ({@code --arch}, {@code --kernel}) and on a reference
 * ({@code --against}: the live kernel, or the model with another feature set or architecture), compared after every
 * call. Prints each divergence with the shrunk script that reproduces it and exits 1 if there was any.
 */
@Command(name = "difftest", mixinStandardHelpOptions = true, version = MmsimCommand.VERSION,
        description = {"Run random call sequences on the model and a reference backend and compare them after every call.",
            "The reference (A) is --against; the model under test (B) is --arch/--kernel. Each divergence is shrunk "
                + "to a minimal .mms script whose expects hold on A and fail on B. Exit 0 with 0 divergences, 1 otherwise."})
final class DifftestCommand implements Callable<Integer> {
    @ParentCommand
    private MmsimCommand parent;

    @Spec
    private CommandSpec spec;

    @Option(names = "--seed", paramLabel = "S", description = "seed of the random sequences (default: from the clock, printed)")
    private Long seed;

    @Option(names = "--ops", paramLabel = "N", defaultValue = "10000", description = "number of calls (default: ${DEFAULT-VALUE})")
    private long ops;

    @Option(names = "--arch", paramLabel = "ARCH", defaultValue = "x86_64",
            description = "architecture of the model under test: x86_64 or arm64 (default: ${DEFAULT-VALUE})")
    private String arch;

    @Option(names = "--kernel", paramLabel = "SPEC", defaultValue = "patched",
            description = "feature set of the model under test (default: ${DEFAULT-VALUE})")
    private String kernel;

    @Option(names = "--against", paramLabel = "REF",
            description = "the reference: host (the live kernel; the default where it is available) or sim:KERNEL[:ARCH] "
                    + "(the model with another feature set or architecture; the default elsewhere is sim:baseline)")
    private String against;

    @Option(names = "--run-length", paramLabel = "N", defaultValue = "200",
            description = "calls per run on fresh backends (default: ${DEFAULT-VALUE})")
    private int runLength;

    @Option(names = "--check", description = "run the model's invariant checker after every call")
    private boolean check;

    @Option(names = "--shared", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "also map MAP_SHARED anonymous memory (shmem), with random shmem THP settings (default: on; "
            + "--no-shared leaves it out)")
    private boolean shared;

    @Option(names = "--save", paramLabel = "DIR", description = "also write each reproducer to DIR/difftest-SEED-RUN.mms")
    private Path save;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (ops < 0 || runLength < 1) {
            err.println("mmsim: --ops must be at least 0 and --run-length at least 1");
            return Exit.USAGE;
        }
        FeatureSet features;
        Supplier<MemoryApi> model;
        Supplier<MemoryApi> ref;
        String refName;
        boolean execOnly;
        try {
            features = FeatureSet.parse(kernel);
            BackendFactory f = parent.backends();
            f.sim(arch, features, false).close(); // validates --arch before the run
            model = () -> f.sim(arch, features, check);
            String spec = against;
            if (spec == null) {
                spec = hostAvailable(f) ? "host" : "sim:baseline";
                if (spec.startsWith("sim")) err.println("mmsim: the host backend is not available here; comparing against " + spec);
            }
            if (spec.equals("host")) {
                f.open("host", arch, features, false).close();
                ref = () -> f.open("host", arch, features, false);
                refName = "host";
                // execute-only memory is compared where the live kernel gives it a protection key, as the x86-64
                // model does (the arm64 model, without FEAT_EPAN, lets it be read)
                execOnly = HostBackend.cpuHasProtectionKeys() && Arch.byName(arch) == Arch.X86_64;
            } else if (spec.equals("sim") || spec.startsWith("sim:")) {
                String[] parts = spec.split(":", -1);
                FeatureSet refFeatures = FeatureSet.parse(parts.length > 1 ? parts[1] : "baseline");
                String refArch = parts.length > 2 ? parts[2] : arch;
                if (parts.length > 3) throw new IllegalArgumentException("--against sim:KERNEL[:ARCH], got '" + spec + "'");
                f.sim(refArch, refFeatures, false).close();
                ref = () -> f.sim(refArch, refFeatures, check);
                refName = "sim " + refArch + " " + (parts.length > 1 ? parts[1] : "baseline");
                // x86-64 (protection keys) and arm64 (no FEAT_EPAN) differ on purpose in execute-only memory
                execOnly = Arch.byName(refArch) == Arch.byName(arch);
            } else {
                throw new IllegalArgumentException("unknown reference '" + spec + "'; use host or sim:KERNEL[:ARCH]");
            }
        } catch (IllegalArgumentException e) {
            err.println("mmsim: " + e.getMessage());
            return Exit.USAGE;
        } catch (HostRefusal e) {
            err.println("mmsim: " + e.getMessage());
            return Exit.ENVIRONMENT;
        }
        long s = seed != null ? seed : System.currentTimeMillis();
        String modelName = "sim " + arch + " " + kernel;
        out.println("difftest: seed " + s + ", " + ops + " calls, " + refName + " (A) against " + modelName + " (B)");
        out.flush();
        DiffTest.Config cfg = new DiffTest.Config(s, ops, runLength, 25, 64L << 20, 400, shared, execOnly);
        DiffTest.Report report;
        try {
            report = new DiffTest(ref, refName, model, modelName, cfg, err).run();
        } catch (IllegalStateException | HostRefusal e) {
            err.println("mmsim: " + e.getMessage());
            return Exit.ENVIRONMENT;
        }
        for (DiffTest.Found d : report.divergences()) {
            out.println();
            out.println("divergence in run " + d.run() + " (" + d.kind() + "): " + d.what());
            out.println("shrunk from " + d.originalLength() + " to " + d.shrunkLength() + " calls in " + d.replays() + " replays:");
            out.print(d.script());
            if (save != null) {
                Path file = save.resolve("difftest-" + s + "-" + d.run() + ".mms");
                try {
                    Files.createDirectories(save);
                    Files.writeString(file, d.script());
                    out.println("# saved as " + file);
                } catch (IOException e) {
                    err.println("mmsim: cannot write " + file + ": " + e.getMessage());
                }
            }
        }
        out.println();
        out.println("side A's answers (call: result count):");
        out.print(report.tally().describe());
        if (report.placementStops() > 0) {
            out.println(report.placementStops() + " runs stopped early: a MREMAP_DONTUNMAP move that one kernel placed "
                    + "PMD-congruent with its source and the other not (see docs/difftest.md)");
        }
        out.println("difftest: seed " + s + ": " + report.callsCompared() + " of " + report.opsRun() + " calls compared in "
                + report.runs() + " runs, window "
                + "0x" + Long.toHexString(report.window().base()) + "..0x" + Long.toHexString(report.window().end()) + ": "
                + report.divergences().size() + " divergences");
        return report.divergences().isEmpty() ? Exit.OK : Exit.FAILED;
    }

    private static boolean hostAvailable(BackendFactory f) {
        try {
            f.open("host", "x86_64", FeatureSet.patched(), false).close();
            return true;
        } catch (IllegalArgumentException | HostRefusal e) {
            return false;
        }
    }
}
