package org.mmsim.workload.script;

/**
 * What a registered {@link StatementForm} may read after its keyword. Each method consumes what it reads or
 * throws a {@link ScriptError} at the offending token.
 */
public interface StatementParser {
    /** Where the statement's keyword is written. */
    Span keyword();

    /** An expression (with the full operator set). */
    Expr expression();

    /** A braced block of statements. */
    Block block();

    /** A bare word (an identifier that is not a reserved keyword). */
    String word();

    /** The bare word {@code expected}, e.g. {@code at} in {@code inject swap_dup_fail at 3}. */
    void expectWord(String expected);

    /** True if the next token is the bare word {@code w} (nothing is consumed). */
    boolean atWord(String w);

    /** A string literal's contents. */
    String string();

    /** An error at the next token, for the form to throw. */
    ScriptError error(String message);
}
