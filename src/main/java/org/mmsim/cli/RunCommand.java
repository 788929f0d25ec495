package org.mmsim.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mmsim.check.Checker;
import org.mmsim.host.HostRefusal;
import org.mmsim.mm.FeatureSet;
import org.mmsim.workload.MemoryApi;
import org.mmsim.workload.script.Interpreter;
import org.mmsim.workload.script.Language;
import org.mmsim.workload.script.RunResult;
import org.mmsim.workload.script.Script;
import org.mmsim.workload.script.ScriptError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code mmsim run FILE.mms}: parses a script, opens the chosen backend, runs the script and reports its regions,
 * total and expects as text or JSON. The backend is closed however the run ends.
 */
@Command(name = "run", mixinStandardHelpOptions = true, version = MmsimCommand.VERSION,
        description = {"Run a .mms script against a backend and report counters per region.",
            "print statements go to stdout (to stderr with --json); failed expects go to stderr."})
final class RunCommand implements Callable<Integer> {
    /** Scripts larger than this are refused rather than read (e.g. /dev/zero). */
    private static final int MAX_SCRIPT_BYTES = 16 << 20;

    @ParentCommand
    private MmsimCommand parent;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE.mms", description = "the script to run")
    private String file;

    @Option(names = "--arch", paramLabel = "ARCH", defaultValue = "x86_64",
            description = "architecture profile: x86_64 or arm64 (default: ${DEFAULT-VALUE})")
    private String arch;

    @Option(names = "--kernel", paramLabel = "SPEC", defaultValue = "patched",
            description = "baseline, patched, or a feature list such as patched,-move-pmd (default: ${DEFAULT-VALUE})")
    private String kernel;

    @Option(names = "--check", arity = "0..1", paramLabel = "MODE", parameterConsumer = CheckMode.class,
            description = "run the invariant checker after every call: --check (or --check=changes) checks what each "
                    + "call touched and everything at the end of the run; --check=full checks everything after every call")
    private String check;

    @Option(names = "--json", description = "print the report as JSON on stdout")
    private boolean json;

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "sim",
            description = "sim (the model) or host (the live kernel) (default: ${DEFAULT-VALUE})")
    private String backend;

    @Option(names = {"-p", "--param"}, paramLabel = "NAME=VALUE",
            description = "override a param of the script; VALUE is an expression such as 64K or 2*PMD_SIZE")
    private Map<String, String> params = new LinkedHashMap<>();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        FeatureSet features;
        Checker.Mode checking;
        Script script;
        Map<String, Long> overrides;
        try {
            features = FeatureSet.parse(kernel);
            checking = check == null ? Checker.Mode.OFF : Checker.Mode.byName(check);
            String source = read(file);
            script = Script.parse(file, source, Language.standard());
            overrides = script.overrides(params);
        } catch (ScriptError e) {
            err.println(e.getMessage());
            return Exit.USAGE;
        } catch (UnreadableScript | IllegalArgumentException e) {
            err.println("mmsim: " + e.getMessage());
            return Exit.USAGE;
        }

        MemoryApi api;
        try {
            api = parent.backends().open(backend, arch, features, checking != Checker.Mode.OFF);
            if (backend.equals("sim") && checking != Checker.Mode.OFF && checking != Checker.Mode.CHANGES) {
                api.set("check", checking.name().toLowerCase(java.util.Locale.ROOT));
            }
        } catch (IllegalArgumentException e) {
            err.println("mmsim: " + e.getMessage());
            return Exit.USAGE;
        } catch (HostRefusal e) {
            err.println("mmsim: " + e.getMessage());
            return Exit.ENVIRONMENT;
        }
        try (api) {
            RunResult result;
            try {
                result = new Interpreter(script, api, json ? err : out, err).withParams(overrides).run();
            } catch (ScriptError e) {
                err.println(e.getMessage());
                return Exit.USAGE;
            } catch (HostRefusal e) {
                // the host would not do what the script asked, or cannot apply a setting: nothing is pretended
                err.println("mmsim: " + file + ": " + e.getMessage());
                return e.environment() ? Exit.ENVIRONMENT : Exit.USAGE;
            }
            RunReport report = RunReport.of(script.name(), api.backend(), arch, features, result);
            out.print(json ? report.toJson() : report.toText());
            out.flush();
            return result.ok() ? Exit.OK : Exit.FAILED;
        }
    }

    /**
     * Takes the value of {@code --check} only when it names a mode ({@code --check=full}, {@code --check changes}),
     * so that {@code --check FILE.mms} still leaves the file to be the script; a bare {@code --check} is "changes".
     */
    static final class CheckMode implements picocli.CommandLine.IParameterConsumer {
        @Override
        public void consumeParameters(java.util.Stack<String> args, picocli.CommandLine.Model.ArgSpec arg, CommandSpec spec) {
            String next = args.isEmpty() ? null : args.peek();
            boolean mode = next != null && java.util.Arrays.stream(Checker.Mode.values())
                    .anyMatch(m -> m.name().equalsIgnoreCase(next));
            arg.setValue(mode ? args.pop() : "changes");
        }
    }

    /** A script that cannot be read; the message is {@code cannot read FILE: reason}. */
    private static final class UnreadableScript extends Exception {
        UnreadableScript(String file, String reason) {
            super("cannot read " + file + ": " + reason, null, false, false);
        }
    }

    private static String read(String file) throws UnreadableScript {
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            byte[] bytes = in.readNBytes(MAX_SCRIPT_BYTES + 1);
            if (bytes.length > MAX_SCRIPT_BYTES) throw new UnreadableScript(file, "larger than 16 MiB");
            String s = new String(bytes, StandardCharsets.UTF_8);
            return s.startsWith("\uFEFF") ? s.substring(1) : s;
        } catch (NoSuchFileException e) {
            throw new UnreadableScript(file, "no such file");
        } catch (AccessDeniedException e) {
            throw new UnreadableScript(file, "permission denied");
        } catch (InvalidPathException e) {
            throw new UnreadableScript(file, "invalid path");
        } catch (IOException e) {
            throw new UnreadableScript(file, e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
        }
    }
}
