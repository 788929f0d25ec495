package org.mmsim.workload.script;

import org.mmsim.workload.script.Builtin.Arity;

/**
 * Processes in a script that stays single-flow (README.md, "Processes"): {@code child = fork()} makes a child
 * of the current process and returns its handle, {@code in child { ... }} runs a block with the child as the
 * current process, {@code exit(child)} ends it. Everything outside an {@code in} block acts on the process that
 * was current before, the original one at the top level.
 */
final class ProcessCalls {
    private ProcessCalls() { }

    /** The handles of the {@code in} blocks running now, innermost last (per-run interpreter state). */
    static final class Blocks {
        final java.util.ArrayDeque<Long> handles = new java.util.ArrayDeque<>();
    }

    /** Unwinds to the {@code in} block of a process that has just exited in it. */
    static final class Exited extends RuntimeException {
        final long handle;

        Exited(long handle) {
            super(null, null, false, false);
            this.handle = handle;
        }
    }

    static void addTo(Language l) {
        l.addFunction("fork", Arity.exactly(0), "pid_t fork(void)",
                "the child's handle (a positive number, not its pid), or -1 with errno; the caller stays current",
                (in, a) -> in.api().fork());
        l.addFunction("exit", Arity.exactly(1), "int exit(pid_t child)",
                "0 after the child's address space is torn down; -1 with errno ESRCH (not a live child) or EINVAL (0)",
                (in, a) -> {
                    int r = in.api().exit(a[0]);
                    // A process ending itself inside its own block runs nothing more there, as after exit(2).
                    if (r == 0 && in.state(Blocks.class, Blocks::new).handles.contains(a[0])) throw new Exited(a[0]);
                    return r;
                });
        l.addStatement("in", p -> {
            Span at = p.keyword();
            Expr target = p.expression();
            Block body = p.block();
            return in -> runIn(in, at, target, body);
        });
    }

    /** {@code in EXPR { ... }}: the block runs with process EXPR current; the previous one is current again after. */
    private static void runIn(Interpreter in, Span at, Expr target, Block body) {
        long handle = in.eval(target);
        long before;
        try {
            before = in.api().switchTo(handle);
        } catch (IllegalArgumentException e) {
            throw in.error(at, "in: " + e.getMessage());
        }
        boolean done = false;
        java.util.ArrayDeque<Long> blocks = in.state(Blocks.class, Blocks::new).handles;
        blocks.addLast(handle);
        try {
            in.exec(body);
            done = true;
        } catch (Exited e) {
            if (e.handle != handle) throw e;
            done = true;
        } finally {
            blocks.removeLastOccurrence(handle);
            try {
                in.api().switchTo(before);
            } catch (IllegalArgumentException e) {
                in.api().switchTo(0);
                if (done) throw in.error(at, "in: process " + before + " exited inside the block that ran in " + handle);
            }
        }
    }
}
