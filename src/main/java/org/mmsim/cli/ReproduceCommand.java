package org.mmsim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.mmsim.cost.Profile;
import org.mmsim.cost.ProfileError;
import org.mmsim.report.Experiment;
import org.mmsim.report.HtmlReport;
import org.mmsim.report.Progress;
import org.mmsim.report.Reproducer;
import org.mmsim.report.Tables;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import org.mmsim.calibrate.Calibrator;
import org.mmsim.mm.FeatureSet;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code mmsim reproduce}: every seed experiment in the model, baseline and patched, priced on every profile, next
 * to the seeds' published figures; as a table (default), JSON, CSV, and optionally an HTML report with charts.
 */
@Command(name = "reproduce", mixinStandardHelpOptions = true, version = MmsimCommand.VERSION,
        description = {"Run every seed experiment in the model for baseline and patched on every profile and print",
            "them beside the seeds' published figures (see src/main/resources/seeds/published.json)."})
final class ReproduceCommand implements Callable<Integer> {
    /** The profiles priced when none is named. */
    static final List<String> DEFAULT_PROFILES = List.of("arm64-m3", "x86_64-baremetal", "x86_64-host");

    @Spec
    private CommandSpec spec;

    @Option(names = "--profile", paramLabel = "NAME|FILE",
            description = "a built-in profile (arm64-m3, x86_64-baremetal, x86_64-host) or a profile file; repeatable (default: all built-in)")
    private List<String> profileNames = new ArrayList<>();

    @Option(names = "--quick", description = "scaled-down sizes (for tests); published figures are then not comparable")
    private boolean quick;

    @Option(names = "--json", description = "print the rows, per-event breakdowns and fits as JSON")
    private boolean json;

    @Option(names = "--csv", description = "print the rows as CSV")
    private boolean csv;

    @Option(names = "--report", paramLabel = "DIR", description = "also write DIR/index.html with SVG charts")
    private Path report;

    @Option(names = "--examples", paramLabel = "DIR", description = "where the seed scripts are (default: the examples/ directory of this checkout)")
    private Path examples;

    @Option(names = "--host", description = "also run every experiment on the live kernel (--backend host) and compare with the x86_64-host prediction")
    private boolean withHost;

    @ParentCommand
    private MmsimCommand parent;

    @Option(names = "--progress", description = "show progress on stderr even when it is not a terminal")
    private boolean forceProgress;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (json && csv) {
            err.println("mmsim: --json and --csv exclude each other");
            return Exit.USAGE;
        }
        List<Profile> profiles = new ArrayList<>();
        try {
            for (String n : profileNames.isEmpty() ? DEFAULT_PROFILES : profileNames) profiles.add(loadProfile(n));
        } catch (ProfileError e) {
            err.println("mmsim: " + e.getMessage());
            return Exit.USAGE;
        }
        String tlb = Reproducer.checkTlbRules(profiles);
        if (tlb != null) {
            err.println("mmsim: " + tlb);
            return Exit.USAGE;
        }
        Path dir = examples != null ? examples : defaultExamples();
        if (dir == null || !Files.isDirectory(dir)) {
            err.println("mmsim: cannot find the examples directory" + (dir == null ? "" : " " + dir) + "; give it with --examples DIR");
            return Exit.USAGE;
        }
        boolean show = forceProgress || Terminal.stderrIsTerminal();
        Progress progress = show ? bar(err) : Progress.NONE;
        Reproducer.Result result;
        try {
            Reproducer rep = new Reproducer(dir, profiles, Experiment.builtin(), quick, progress);
            if (withHost) {
                rep.withHost(() -> parent.backends().open("host", "x86_64", FeatureSet.parse(Calibrator.HOST_KERNEL), false),
                        Calibrator.HOST_KERNEL);
            }
            result = rep.run();
        } catch (Reproducer.RunFailed e) {
            if (show) err.println();
            err.println("mmsim: " + e.getMessage());
            return Exit.FAILED;
        }
        if (show) {
            err.print("\r" + " ".repeat(78) + "\r");
            err.flush();
        }
        out.print(json ? Tables.json(result) : csv ? Tables.csv(result) : Tables.text(result));
        out.flush();
        if (report != null) {
            try {
                Path index = HtmlReport.write(result, report);
                err.println("mmsim: report written to " + index);
            } catch (IOException e) {
                err.println("mmsim: cannot write the report to " + report + ": " + e.getMessage());
                return Exit.USAGE;
            }
        }
        return Exit.OK;
    }

    /**
     * A profile by name: a file when the argument ends in .json or names an existing file; else NAME.json in the
     * checkout's profiles/ directory (where calibrate writes); else the built-in profile of that name.
     */
    static Profile loadProfile(String n) throws ProfileError {
        Path p = Path.of(n);
        if (n.endsWith(".json") || Files.isRegularFile(p)) return Profile.load(p);
        Path local = profilesDir().resolve(n + ".json");
        if (Files.isRegularFile(local)) return Profile.load(local);
        return Profile.builtin(n);
    }

    /** profiles/ of this checkout (beside examples/), or ./profiles. */
    static Path profilesDir() {
        Path ex = defaultExamples();
        Path root = ex == null ? null : ex.toAbsolutePath().getParent();
        return root == null ? Path.of("profiles") : root.resolve("profiles");
    }

    /** A one-line bar on stderr, redrawn with a carriage return. */
    private static Progress bar(PrintWriter err) {
        return (done, total, what) -> {
            int width = 30;
            int filled = total == 0 ? width : (int) ((long) width * done / total);
            String label = what.length() > 36 ? what.substring(0, 36) : what;
            err.print(String.format(Locale.ROOT, "\r[%s%s] %d/%d %-36s", "#".repeat(filled), ".".repeat(width - filled), done, total, label));
            err.flush();
        };
    }

    /** examples/ beside target/ of the jar (or of target/classes when run from a build tree), else ./examples. */
    static Path defaultExamples() {
        try {
            Path code = Path.of(ReproduceCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path d = code; d != null; d = d.getParent()) {
                Path e = d.resolve("examples");
                if (Files.isDirectory(e) && Files.exists(e.resolve("seed000-mremap-batch.mms"))) return e;
            }
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            // fall through to the working directory
        }
        Path e = Path.of("examples");
        return Files.isDirectory(e) ? e : null;
    }
}
