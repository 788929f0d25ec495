package org.mmsim.workload.script;

import java.util.List;

/** A braced list of statements: the body of a region, loop, if, expect_fault or registered block statement. */
public record Block(Span span, List<Stmt> statements) {
    public Block {
        statements = List.copyOf(statements);
    }
}
