package org.mmsim.workload.script;

/**
 * The syntax and meaning of a statement keyword registered in a {@link Language}, so that new statements
 * ({@code in child { ... }}, {@code inject swap_dup_fail at 3}) are added without touching the parser.
 *
 * <p>The parser has consumed the keyword when it calls {@link #parse}; the form reads the rest of the statement
 * through the {@link StatementParser} (expressions, words, strings, blocks) and returns the {@link Action} that
 * the interpreter runs each time control reaches the statement. The parser then requires the end of the line.
 */
@FunctionalInterface
public interface StatementForm {
    /** Parses the statement after its keyword; throw {@link StatementParser#error} for bad syntax. */
    Action parse(StatementParser p);

    /** What the statement does when executed. */
    @FunctionalInterface
    interface Action {
        /**
         * Executes the statement: evaluate its expressions with {@link Interpreter#eval}, run its blocks with
         * {@link Interpreter#exec} (or against another process with {@link Interpreter#on}).
         */
        void execute(Interpreter in);
    }
}
