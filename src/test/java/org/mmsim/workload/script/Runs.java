package org.mmsim.workload.script;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/** Test helpers: parse and run a script held in a string against a {@link FakeMemoryApi}. */
final class Runs {
    private Runs() { }

    /** What a run printed and returned. */
    record Outcome(RunResult result, String out, String diag, FakeMemoryApi api) { }

    static Outcome run(String source) {
        return run(source, Map.of(), new FakeMemoryApi(), Language.standard());
    }

    static Outcome run(String source, FakeMemoryApi api) {
        return run(source, Map.of(), api, Language.standard());
    }

    static Outcome run(String source, Map<String, String> params) {
        return run(source, params, new FakeMemoryApi(), Language.standard());
    }

    static Outcome run(String source, Map<String, String> params, FakeMemoryApi api, Language language) {
        Script s = Script.parse("t.mms", source, language);
        StringWriter out = new StringWriter();
        StringWriter diag = new StringWriter();
        RunResult r = new Interpreter(s, api, new PrintWriter(out), new PrintWriter(diag))
                .withParams(s.overrides(params)).run();
        return new Outcome(r, out.toString(), diag.toString(), api);
    }

    /** The error a script fails with, at parse or run time. */
    static ScriptError error(String source) {
        return assertThrows(ScriptError.class, () -> run(source));
    }

    /** The value of an expression, through {@code print}. */
    static long eval(String expr) {
        String out = run("print " + expr + "\n").out().strip();
        return Long.parseLong(out.split(" ")[0]);
    }
}
