package org.mmsim.workload.script;

import java.util.List;

/** A statement of the script language; {@link #span()} starts at its first token. */
public sealed interface Stmt {
    /** Where the statement is written. */
    Span span();

    /**
     * {@code const NAME = value} or {@code param NAME = value} (top level only); {@code slot} numbers the name in
     * its script (see {@link Expr.Name}).
     */
    record Declare(Span span, String name, int slot, Expr value, boolean param) implements Stmt { }

    /**
     * {@code NAME = value} or a compound assignment such as {@code NAME += value} ({@code op} non-null); {@code slot}
     * numbers the name in its script.
     */
    record Assign(Span span, String name, int slot, Expr.BinaryOp op, Expr value) implements Stmt { }

    /** A call made for its effect, e.g. {@code memset(p, 0, SIZE)}. */
    record Eval(Span span, Expr.Call call) implements Stmt { }

    /**
     * {@code set KEY = VALUE}: a tunable. The value is either a bare {@code word} passed as written (e.g.
     * {@code madvise}) or an expression passed in decimal; exactly one of the two is non-null.
     */
    record Tunable(Span span, String key, String word, Expr value) implements Stmt { }

    /** {@code expect cond[, "message"]} ({@code message} may be null). */
    record Expect(Span span, Expr cond, String message) implements Stmt { }

    /** {@code expect_fault { ... }}: the block must end in SIGSEGV. */
    record ExpectFault(Span span, Block body) implements Stmt { }

    /** {@code region "name" { ... }}: a measured region. */
    record Region(Span span, String name, Block body) implements Stmt { }

    /** {@code repeat count { ... }}. */
    record Repeat(Span span, Expr count, Block body) implements Stmt { }

    /** {@code for var in from..to { ... }}: as C's {@code for (var = from; var < to; var++)}. */
    record For(Span span, String var, int slot, Expr from, Expr to, Block body) implements Stmt { }

    /** {@code if c1 { ... } else if c2 { ... } else { ... }}: the arms in order; {@code otherwise} may be null. */
    record If(Span span, List<Arm> arms, Block otherwise) implements Stmt {
        public If {
            arms = List.copyOf(arms);
        }

        /** One condition and the block it guards. */
        public record Arm(Expr cond, Block body) { }
    }

    /** {@code print item, ...}: each item is a string or an expression. */
    record Print(Span span, List<Item> items) implements Stmt {
        public Print {
            items = List.copyOf(items);
        }

        /** One printed item: {@code text} for a string literal, else {@code value}. */
        public record Item(String text, Expr value) { }
    }

    /** A statement of a keyword registered in the {@link Language} (e.g. a later {@code in child { ... }}). */
    record Custom(Span span, String keyword, StatementForm.Action action) implements Stmt { }
}
