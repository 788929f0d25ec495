package org.mmsim.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The top {@code mmsim} command. Each subcommand is a class of its own listed in {@code subcommands}; it reaches
 * the shared context (the {@link BackendFactory}) through {@code @ParentCommand}. {@link #execute} is the one
 * entry point, used by {@link Main} and by tests with captured streams; it maps every outcome to an {@link Exit}
 * status and never lets a stack trace out unless debugging is on.
 */
@Command(name = "mmsim", version = MmsimCommand.VERSION, mixinStandardHelpOptions = true,
        description = "A simulator of the Linux kernel's memory-management page-table layer.",
        subcommands = {RunCommand.class, DifftestCommand.class, ReproduceCommand.class, CalibrateCommand.class,
                BenchCommand.class, SweepCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:every expect held",
            "1:an expect failed, an unexpected SIGSEGV or SIGBUS, or an invariant violation",
            "2:bad usage, unreadable or invalid script, or a script runtime error",
            "3:the environment cannot run the request",
            "70:internal error (set MMSIM_DEBUG=1 for a stack trace)"})
public final class MmsimCommand implements Callable<Integer> {
    /** What {@code --version} prints. */
    public static final String VERSION = "mmsim 0.1.0";

    private final BackendFactory backends;

    @Spec
    private CommandSpec spec;

    MmsimCommand(BackendFactory backends) {
        this.backends = backends;
    }

    /** The backends subcommands open. */
    BackendFactory backends() { return backends; }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        err.println("mmsim: a command is needed");
        spec.commandLine().usage(err);
        return Exit.USAGE;
    }

    /**
     * Runs {@code mmsim} with {@code args}, writing to {@code out} and {@code err}; returns the exit status.
     * With {@code debug} an internal error also prints its stack trace.
     */
    public static int execute(String[] args, PrintWriter out, PrintWriter err, BackendFactory backends, boolean debug) {
        try {
            CommandLine cl = new CommandLine(new MmsimCommand(backends));
            cl.setOut(out);
            cl.setErr(err);
            cl.setParameterExceptionHandler((ex, a) -> {
                PrintWriter e = ex.getCommandLine().getErr();
                e.println("mmsim: " + ex.getMessage());
                CommandLine.UnmatchedArgumentException.printSuggestions(ex, e);
                e.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for more information.");
                return Exit.USAGE;
            });
            cl.setExecutionExceptionHandler((ex, c, parsed) -> internalError(ex, err, debug));
            return cl.execute(args);
        } catch (Throwable t) {
            return internalError(t, err, debug);
        } finally {
            out.flush();
            err.flush();
        }
    }

    private static int internalError(Throwable t, PrintWriter err, boolean debug) {
        String message = String.valueOf(t.getMessage()).replace('\n', ' ');
        err.println("mmsim: internal error: " + t.getClass().getName() + ": " + message);
        if (debug) t.printStackTrace(err);
        err.flush();
        return Exit.INTERNAL;
    }
}
