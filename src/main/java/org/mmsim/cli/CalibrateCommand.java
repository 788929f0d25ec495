package org.mmsim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.mmsim.calibrate.Calibrator;
import org.mmsim.cost.Fit;
import org.mmsim.cost.Profile;
import org.mmsim.cost.ProfileError;
import org.mmsim.host.HostRefusal;
import org.mmsim.mm.FeatureSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code mmsim calibrate --backend host}: fits the x86 costs to microbenchmarks run on the live kernel and writes
 * the x86_64-host profile, printing each region's host time and the fit's residual.
 */
@Command(name = "calibrate", mixinStandardHelpOptions = true, version = MmsimCommand.VERSION,
        description = {"Run the calibration microbenchmarks on the live kernel and in the model, fit the x86 costs",
            "by least squares and write a profile (default: profiles/x86_64-host.json of this checkout)."})
final class CalibrateCommand implements Callable<Integer> {
    @ParentCommand
    private MmsimCommand parent;

    @Spec
    private CommandSpec spec;

    @Option(names = "--backend", paramLabel = "NAME", required = true, description = "host (calibration needs the live kernel)")
    private String backend;

    @Option(names = "--reps", paramLabel = "N", defaultValue = "5", description = "host runs of the microbenchmarks (default: ${DEFAULT-VALUE})")
    private int reps;

    @Option(names = "--from", paramLabel = "NAME|FILE", defaultValue = "x86_64-baremetal",
            description = "the profile whose documented costs the events that are not fitted keep (default: ${DEFAULT-VALUE})")
    private String from;

    @Option(names = "--out", paramLabel = "FILE", description = "where to write the profile (default: profiles/x86_64-host.json beside examples/)")
    private Path out;

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!backend.equals("host")) {
            err.println("mmsim: calibrate measures the live kernel: use --backend host (got '" + backend + "')");
            return Exit.USAGE;
        }
        if (reps < 1 || reps > 100) {
            err.println("mmsim: --reps must be 1..100");
            return Exit.USAGE;
        }
        Profile start;
        try {
            start = ReproduceCommand.loadProfile(from);
        } catch (ProfileError e) {
            err.println("mmsim: " + e.getMessage());
            return Exit.USAGE;
        }
        if (!start.arch().equals("x86_64") || !isX86Host()) {
            err.println("mmsim: calibrate fits x86_64 costs and needs an x86-64 host and an x86_64 starting profile");
            return Exit.ENVIRONMENT;
        }
        Path target = out != null ? out : ReproduceCommand.profilesDir().resolve("x86_64-host.json");
        Calibrator.Result r;
        try {
            Calibrator c = new Calibrator(() -> parent.backends().open("host", "x86_64", FeatureSet.parse(Calibrator.HOST_KERNEL), false), reps);
            r = c.run(start, "x86_64-host", machine(), what -> {
                err.println("mmsim: calibrate: " + what);
                err.flush();
            });
        } catch (HostRefusal e) {
            err.println("mmsim: " + e.getMessage());
            return e.environment() ? Exit.ENVIRONMENT : Exit.FAILED;
        } catch (IllegalStateException | IllegalArgumentException e) {
            err.println("mmsim: " + e.getMessage());
            return Exit.FAILED;
        }
        o.println("region           host median (fastest..slowest run)      model, fitted costs   residual");
        for (var e : r.medianNs().entrySet()) {
            double pred = org.mmsim.cost.CostModel.predict(r.profile(), r.counters().get(e.getKey())).ns();
            double[] mm = r.rangeNs().get(e.getKey());
            o.println(String.format(Locale.ROOT, "%-16s %10.3f ms (%8.3f..%8.3f) %14.3f ms %9.1f %%", e.getKey(), e.getValue() / 1e6,
                    mm[0] / 1e6, mm[1] / 1e6, pred / 1e6, 100 * (pred / e.getValue() - 1)));
        }
        o.println("fitted costs:");
        r.fit().costs().forEach((ev, ns) -> o.println(String.format(Locale.ROOT, "  %-20s %10.4g ns", ev, ns)));
        double worst = 0;
        for (Fit.Residual x : r.fit().residuals()) worst = Math.max(worst, Math.abs(x.relativeError()));
        o.println(String.format(Locale.ROOT, "largest residual over %d regions: %.1f %%", r.fit().residuals().size(), 100 * worst));
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            Files.writeString(target, r.profile().toJson());
        } catch (IOException e) {
            err.println("mmsim: cannot write " + target + ": " + e.getMessage());
            return Exit.USAGE;
        }
        o.println("profile written to " + target);
        o.flush();
        return Exit.OK;
    }

    private static boolean isX86Host() {
        String a = System.getProperty("os.arch", "");
        return a.equals("amd64") || a.equals("x86_64");
    }

    /** The host's CPU model and kernel release, for the profile's 'machine'. */
    private static String machine() {
        String cpu = "unknown CPU";
        try {
            for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (l.startsWith("model name")) {
                    cpu = l.substring(l.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // keep "unknown CPU"
        }
        String kernel = "unknown kernel";
        try {
            kernel = Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
        } catch (IOException | RuntimeException e) {
            // keep "unknown kernel"
        }
        return "this machine: " + cpu + ", " + Runtime.getRuntime().availableProcessors() + " CPUs, Linux " + kernel;
    }
}
