package org.mmsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mmsim.workload.script.Language;
import org.mmsim.workload.script.Script;

/**
 * Every script under examples/ runs with every expect holding and the invariant checker on after every call, on
 * both architectures, with the baseline and the patched kernel, scaled down through its SIZE and LOOPS params; and on
 * the host backend with the same expect results as on the model.
 */
class ExamplesTest {
    static Stream<Arguments> examples() throws IOException {
        List<Arguments> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("examples"))) {
            for (Path p : files.filter(f -> f.toString().endsWith(".mms")).sorted().toList()) {
                for (String arch : new String[] {"x86_64", "arm64"}) {
                    for (String kernel : new String[] {"baseline", "patched"}) out.add(Arguments.of(p.toString(), arch, kernel));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("examples")
    void exampleRunsCleanWithChecker(String file, String arch, String kernel) throws IOException {
        run(file, "--arch", arch, "--kernel", kernel, "--check");
    }

    static Stream<String> files() throws IOException {
        return examples().map(a -> (String) a.get()[0]).distinct();
    }

    /**
     * On the live kernel every example holds as well, with the same expect counts as on the model (skipped, with
     * the reason, where the host backend cannot run).
     */
    @ParameterizedTest(name = "{0} on host")
    @MethodSource("files")
    void exampleHoldsOnHostAsOnTheModel(String file) throws IOException {
        org.mmsim.host.HostTestSupport.assumeHostSettings();
        String host = run(file, "--backend", "host");
        String sim = run(file, "--backend", "sim");
        assertEquals(expects(sim), expects(host), "expect results differ between sim and host");
    }

    private static String expects(String report) {
        return report.lines().filter(l -> l.startsWith("expects:")).findFirst().orElse("no expects line");
    }

    /** Runs one example scaled down (SIZE=4M, LOOPS=2 where declared), asserts it held, returns the report. */
    private static String run(String file, String... options) throws IOException {
        Script s = Script.parse(file, Files.readString(Path.of(file)), Language.standard());
        List<String> args = new ArrayList<>(List.of("run", file));
        args.addAll(List.of(options));
        if (s.params().contains("SIZE")) args.addAll(List.of("-p", "SIZE=4M"));
        if (s.params().contains("LOOPS")) args.addAll(List.of("-p", "LOOPS=2"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = MmsimCommand.execute(args.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err),
                BackendFactory.standard(), false);
        assertEquals(0, status, () -> String.join(" ", args) + "\n" + err + out);
        assertFalse(out.toString().contains("expects: 0 passed"), "an example that checks nothing proves nothing");
        return out.toString();
    }
}
