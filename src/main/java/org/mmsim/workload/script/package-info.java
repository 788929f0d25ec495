/**
 * The {@code .mms} script language: a small C-flavoured language in which a workload reads like a kernel
 * selftest ({@code p = mmap(...)}, {@code memset(p, 0xAA, SIZE)}, {@code expect p == 1G}) and measured
 * {@code region}s report the model's event counters.
 *
 * <p>What lives here: the lexer and parser ({@link org.mmsim.workload.script.Script#parse}), the syntax tree
 * ({@link org.mmsim.workload.script.Expr}, {@link org.mmsim.workload.script.Stmt}), the one registry of calls and
 * statement keywords ({@link org.mmsim.workload.script.Language}), the interpreter
 * ({@link org.mmsim.workload.script.Interpreter}) and its result ({@link org.mmsim.workload.script.RunResult}).
 * The language reference is the README's section on the .mms language.
 *
 * <p>Dependencies: {@code org.mmsim.workload} (the {@code MemoryApi} a script runs against and {@code Segfault}),
 * {@code org.mmsim.mm} (the UAPI and errno constants), {@code org.mmsim.arch} ({@code Event}, {@code Counters})
 * and {@code org.mmsim.check} ({@code InvariantViolation}).
 * Nothing here knows about the command line or about how a backend is built.
 */
package org.mmsim.workload.script;
