package org.mmsim.workload.script;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A parsed {@code .mms} script: its name (used in every message as {@code FILE:LINE}), its source, its body and
 * the params it declares. Immutable; run it with an {@link Interpreter}.
 */
public final class Script {
    private final String name;
    private final String source;
    private final Language language;
    private final Block body;
    private final List<String> params;
    private final int slots;

    private Script(String name, String source, Language language, Block body, List<String> params, int slots) {
        this.name = name;
        this.source = source;
        this.language = language;
        this.body = body;
        this.params = params;
        this.slots = slots;
    }

    /**
     * Parses {@code source}; {@code name} is how messages refer to the script (normally its path). Throws
     * {@link ScriptError} at the first error.
     */
    public static Script parse(String name, String source, Language language) {
        Objects.requireNonNull(name);
        Objects.requireNonNull(source);
        Parser.Parsed p = Parser.script(name, source, language);
        return new Script(name, source, language, p.body(), p.params(), p.slots());
    }

    /** The script's name as given to {@link #parse}. */
    public String name() { return name; }

    /** The language the script was parsed with. */
    public Language language() { return language; }

    /** The top-level statements. */
    public Block body() { return body; }

    /** How many distinct names (variables, consts, params) the script uses: their slots are 0 to slots() - 1. */
    public int slots() { return slots; }

    /** Names of the declared params, in declaration order. */
    public List<String> params() { return params; }

    /** The source text of a span of this script. */
    public String text(Span s) {
        int start = Math.min(s.start(), source.length());
        return source.substring(start, Math.min(Math.max(start, s.end()), source.length()));
    }

    /**
     * Parses command-line param overrides ({@code NAME} to an expression such as {@code 64K} or {@code 2*PMD_SIZE})
     * into values. Throws IllegalArgumentException, with a message for the user, for a name the script does not
     * declare (listing the ones it does) or a value that is not a constant expression.
     */
    public Map<String, Long> overrides(Map<String, String> raw) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (var e : raw.entrySet()) {
            checkParam(e.getKey());
            String where = "-p " + e.getKey() + "=" + e.getValue();
            try {
                Expr value = Parser.constant(where, e.getValue(), language);
                out.put(e.getKey(), Interpreter.evaluateConstant(where, value));
            } catch (ScriptError err) {
                throw new IllegalArgumentException("bad value in " + where + " (column " + err.col() + "): " + err.reason());
            }
        }
        return out;
    }

    /** Throws IllegalArgumentException unless the script declares a param {@code name}. */
    void checkParam(String name) {
        if (params.contains(name)) return;
        throw new IllegalArgumentException("param " + name + " is not declared by " + this.name + "; "
                + (params.isEmpty() ? "it declares no params" : "its params: " + String.join(", ", params)));
    }
}
