package org.mmsim.workload.script;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.mmsim.check.InvariantViolation;
import org.mmsim.mm.Errno;
import org.mmsim.workload.MemoryApi;
import org.mmsim.workload.OutOfMemory;
import org.mmsim.workload.Segfault;

/**
 * Runs a {@link Script} against a {@link MemoryApi}, once.
 *
 * <pre>{@code
 * Script s = Script.parse("f.mms", text, Language.standard());
 * RunResult r = new Interpreter(s, api, out, diag).withParams(s.overrides(raw)).run();
 * }</pre>
 *
 * <p>{@code print} statements write to {@code out}; failed expects and the message of a stopping fault write to
 * {@code diag}, as they happen. A failed expect counts and execution continues; an unexpected SIGSEGV or
 * SIGBUS ({@link Segfault}) or an {@link InvariantViolation} stops the run and is reported in {@link RunResult#stopped()};
 * a script runtime error throws {@link ScriptError}. Regions and the total measure the counters of the backend
 * given here (the machine), whichever process is the current target.
 *
 * <p>For registered calls and statements (see {@link Language}) this class is the execution context: the current
 * target {@link #api()} (switchable per block with {@link #on}), {@link #eval}, {@link #exec}, per-run extension
 * {@link #state} and {@link #error}.
 */
public final class Interpreter {
    private final String file;
    private final Script script;
    private final MemoryApi machine;
    private final PrintWriter out;
    private final PrintWriter diag;
    private MemoryApi api;
    private Map<String, Long> overrides = Map.of();
    private long stepLimit = Long.MAX_VALUE;
    private long steps;
    private boolean started;
    /** The value of each name by its slot ({@link Expr.Name#slot}), valid where {@link #defined} is set. */
    private final long[] values;
    private final boolean[] defined;
    private final Map<String, Long> params = new LinkedHashMap<>();
    private final Map<String, Meter> regions = new LinkedHashMap<>();
    private final Map<Class<?>, Object> state = new HashMap<>();
    private int passed;
    private int failed;
    /** The statement or call executing, for FILE:LINE of a fault. */
    private Span position;
    /** Operand values seen while evaluating an expect's condition; null outside expects. */
    private Seen observed;
    private final Seen operandBuffer = new Seen();

    /**
     * The operand values seen while evaluating one expect, formatted only if it fails; one buffer reused from
     * expect to expect (an expect in a loop allocates nothing).
     */
    private static final class Seen {
        private Expr[] exprs = new Expr[8];
        private long[] values = new long[8];
        private boolean[] errnos = new boolean[8];
        private int count;

        void add(Expr e, long v, boolean errno) {
            if (count == exprs.length) {
                exprs = Arrays.copyOf(exprs, 2 * count);
                values = Arrays.copyOf(values, 2 * count);
                errnos = Arrays.copyOf(errnos, 2 * count);
            }
            exprs[count] = e;
            values[count] = v;
            errnos[count++] = errno;
        }
    }

    /**
     * An interpreter of {@code script} against {@code api} (the machine: also the initial target), printing to
     * {@code out} and reporting failures to {@code diag}.
     */
    public Interpreter(Script script, MemoryApi api, PrintWriter out, PrintWriter diag) {
        this.script = Objects.requireNonNull(script);
        this.file = script.name();
        this.machine = Objects.requireNonNull(api);
        this.api = api;
        this.out = Objects.requireNonNull(out);
        this.diag = Objects.requireNonNull(diag);
        this.values = new long[script.slots()];
        this.defined = new boolean[script.slots()];
    }

    private Interpreter(String file) {
        this.file = file;
        this.script = null;
        this.machine = null;
        this.out = null;
        this.diag = null;
        this.values = new long[0];
        this.defined = new boolean[0];
    }

    /** Param values that replace the script's defaults; throws IllegalArgumentException for an undeclared name. */
    public Interpreter withParams(Map<String, Long> overrides) {
        overrides.keySet().forEach(script::checkParam);
        this.overrides = Map.copyOf(overrides);
        return this;
    }

    /** Stops the run with a {@link ScriptError} after this many statements and loop iterations (default: none). */
    public Interpreter withStepLimit(long limit) {
        this.stepLimit = limit;
        return this;
    }

    /** Runs the script to its end, or until a fault or invariant violation stops it. */
    public RunResult run() {
        if (started) throw new IllegalStateException("an Interpreter runs once");
        started = true;
        long[] before = snapshot();
        long t0 = System.nanoTime();
        String stopped = null;
        try {
            exec(script.body());
            machine.checkAll();
        } catch (Segfault s) {
            stopped = file + ":" + line() + ": unexpected " + s.signal() + ": " + s.getMessage();
        } catch (InvariantViolation v) {
            stopped = file + ":" + line() + ": invariant violated: " + v.getMessage();
        } catch (OutOfMemory m) {
            stopped = file + ":" + line() + ": " + m.getMessage();
        } catch (UnsupportedOperationException u) {
            stopped = file + ":" + line() + ": not modelled: " + u.getMessage();
        } finally {
            out.flush();
        }
        long wall = System.nanoTime() - t0;
        Meter total = new Meter("total");
        total.add(before, snapshot(), wall);
        if (stopped != null) report(stopped);
        List<RunResult.Measurement> measured = regions.values().stream().map(Meter::result).toList();
        return new RunResult(passed, failed, params, measured, total.result(), stopped);
    }

    // ---- the extension surface ----

    /** The script being run. */
    public Script script() { return script; }

    /** The backend calls go to now: the machine, or another process inside an {@link #on} block. */
    public MemoryApi api() { return api; }

    /** The backend the interpreter was created with, whose counters regions measure. */
    public MemoryApi machine() { return machine; }

    /** Runs {@code body} with {@code target} as the current backend (e.g. a child process), then switches back. */
    public void on(MemoryApi target, Runnable body) {
        MemoryApi saved = api;
        api = Objects.requireNonNull(target);
        try {
            body.run();
        } finally {
            api = saved;
        }
    }

    /** Runs the statements of a block. */
    public void exec(Block block) {
        List<Stmt> body = block.statements();
        // indexed, not for-each: no iterator per block run (the loop bodies of a script run it thousands of times)
        for (int i = 0, n = body.size(); i < n; i++) execute(body.get(i));
    }

    /**
     * The value of an expression. (Here and in {@link #execute}, {@code instanceof} tests rather than a pattern
     * {@code switch}: the switch's run-time bootstrap spins classes on first use, about 13 ms at the start of every
     * run, measured in a cold {@code mmsim run}.)
     */
    public long eval(Expr e) {
        if (e instanceof Expr.Num n) return n.value();
        if (e instanceof Expr.Name n) {
            int slot = n.slot();
            if (slot >= defined.length || !defined[slot]) throw error(n.span(), "undefined name '" + n.name() + "'");
            long v = values[slot];
            if (observed != null) observed.add(n, v, false);
            return v;
        }
        if (e instanceof Expr.Call c) {
            long[] args = new long[c.args().size()];
            for (int i = 0; i < args.length; i++) args[i] = eval(c.args().get(i));
            position = c.span();
            long v = c.function().impl().call(this, args);
            if (observed != null) observed.add(c, v, false);
            return v;
        }
        if (e instanceof Expr.Binary b) return binary(b);
        if (e instanceof Expr.Unary u) return u.op().apply(eval(u.operand()));
        if (e instanceof Expr.Conditional c) return eval(c.cond()) != 0 ? eval(c.then()) : eval(c.otherwise());
        if (e instanceof Expr.Errno x) {
            int v = api.errno();
            if (observed != null) observed.add(x, v, true);
            return v;
        }
        throw new IllegalStateException("unknown expression " + e);
    }

    /**
     * Per-run state of an extension (e.g. a table of forked processes), created by {@code init} on first use.
     */
    public <T> T state(Class<T> key, Supplier<? extends T> init) {
        return key.cast(state.computeIfAbsent(key, k -> init.get()));
    }

    /** A script runtime error at {@code at}, for a call or statement to throw. */
    public ScriptError error(Span at, String message) {
        return new ScriptError(file, at, message);
    }

    // ---- statements ----

    private void execute(Stmt s) {
        step(s.span());
        position = s.span();
        if (s instanceof Stmt.Eval e) {
            eval(e.call());
        } else if (s instanceof Stmt.Assign a) {
            long v;
            if (a.op() == null) {
                v = eval(a.value());
            } else {
                if (!defined[a.slot()]) throw error(a.span(), "undefined name '" + a.name() + "'");
                v = apply(a.op(), values[a.slot()], eval(a.value()), a.span());
            }
            define(a.slot(), v);
        } else if (s instanceof Stmt.Expect x) {
            expect(x);
        } else if (s instanceof Stmt.Region r) {
            region(r);
        } else if (s instanceof Stmt.Repeat r) {
            long n = eval(r.count());
            for (long i = 0; i < n; i++) {
                if (i > 0) step(r.span());
                exec(r.body());
            }
        } else if (s instanceof Stmt.For f) {
            loop(f);
        } else if (s instanceof Stmt.If i) {
            for (Stmt.If.Arm arm : i.arms()) {
                if (eval(arm.cond()) != 0) {
                    exec(arm.body());
                    return;
                }
            }
            if (i.otherwise() != null) exec(i.otherwise());
        } else if (s instanceof Stmt.Declare d) {
            long v = d.param() && overrides.containsKey(d.name()) ? overrides.get(d.name()) : eval(d.value());
            define(d.slot(), v);
            if (d.param()) params.put(d.name(), v);
        } else if (s instanceof Stmt.Tunable t) {
            tunable(t);
        } else if (s instanceof Stmt.ExpectFault f) {
            expectFault(f);
        } else if (s instanceof Stmt.Print p) {
            print(p);
        } else if (s instanceof Stmt.Custom c) {
            c.action().execute(this);
        } else {
            throw new IllegalStateException("unknown statement " + s);
        }
    }

    private void define(int slot, long v) {
        values[slot] = v;
        defined[slot] = true;
    }

    private void step(Span at) {
        if (++steps > stepLimit) throw error(at, "step limit of " + stepLimit + " statements exceeded");
    }

    private void loop(Stmt.For f) {
        long lo = eval(f.from());
        long hi = eval(f.to());
        define(f.slot(), lo);
        boolean first = true;
        while (values[f.slot()] < hi) {
            if (!first) step(f.span());
            first = false;
            exec(f.body());
            values[f.slot()]++;
        }
    }

    private void tunable(Stmt.Tunable t) {
        String value = t.word() != null ? t.word() : Long.toString(eval(t.value()));
        position = t.span();
        try {
            api.set(t.key(), value);
        } catch (IllegalArgumentException e) {
            throw error(t.span(), e.getMessage() != null ? e.getMessage() : "bad value for " + t.key() + ": " + value);
        }
    }

    private void expect(Stmt.Expect x) {
        Seen operands = operandBuffer;
        operands.count = 0;
        observed = operands;
        long v;
        try {
            v = eval(x.cond());
        } finally {
            observed = null;
        }
        if (v != 0) {
            passed++;
            return;
        }
        Map<String, String> seen = new LinkedHashMap<>();
        for (int k = 0; k < operands.count; k++) {
            long v0 = operands.values[k];
            seen.putIfAbsent(script.text(operands.exprs[k].span()),
                    operands.errnos[k] ? (v0 == 0 ? "0" : v0 + " (" + Errno.name((int) v0) + ")") : Values.format(v0));
        }
        StringBuilder sb = new StringBuilder(script.text(x.cond().span()));
        if (x.message() != null) sb.append(": ").append(x.message());
        if (!seen.isEmpty()) {
            sb.append(" (");
            String sep = "";
            for (var e : seen.entrySet()) {
                sb.append(sep).append(e.getKey()).append(" = ").append(e.getValue());
                sep = ", ";
            }
            sb.append(')');
        }
        fail(x.span(), sb.toString());
    }

    private void expectFault(Stmt.ExpectFault f) {
        try {
            exec(f.body());
        } catch (Segfault expected) {
            passed++;
            return;
        }
        fail(f.span(), "expect_fault: the block ended without SIGSEGV or SIGBUS");
    }

    private void fail(Span at, String what) {
        failed++;
        report(file + ":" + at.line() + ": expect failed: " + what);
    }

    private void region(Stmt.Region r) {
        Meter m = regions.computeIfAbsent(r.name(), Meter::new);
        long[] before = snapshot();
        long t0 = System.nanoTime();
        try {
            exec(r.body());
        } finally {
            long ns = System.nanoTime() - t0;
            m.add(before, snapshot(), ns);
        }
    }

    private void print(Stmt.Print p) {
        StringBuilder sb = new StringBuilder();
        for (Stmt.Print.Item item : p.items()) {
            if (!sb.isEmpty()) sb.append(' ');
            sb.append(item.text() != null ? item.text() : Values.format(eval(item.value())));
        }
        out.println(sb);
        out.flush();
    }

    // ---- helpers ----

    private long binary(Expr.Binary b) {
        long l = eval(b.left());
        if (b.op() == Expr.BinaryOp.LAND && l == 0) return 0;
        if (b.op() == Expr.BinaryOp.LOR && l != 0) return 1;
        return apply(b.op(), l, eval(b.right()), b.at());
    }

    private long apply(Expr.BinaryOp op, long l, long r, Span at) {
        try {
            return op.apply(l, r);
        } catch (ArithmeticException e) {
            throw error(at, e.getMessage());
        }
    }


    private int line() {
        return position == null ? 1 : position.line();
    }

    private void report(String line) {
        diag.println(line);
        diag.flush();
    }

    private long[] snapshot() { return machine.counters(); }

    /** Evaluates a constant expression (no names, no calls), for param overrides. */
    static long evaluateConstant(String file, Expr e) {
        return new Interpreter(file).eval(e);
    }
}
