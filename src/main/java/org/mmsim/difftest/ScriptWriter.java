package org.mmsim.difftest;

import java.util.List;

/**
 * Writes a call sequence as a {@code .mms} script that replays it on any backend and, after the last call, asserts
 * what side A saw: run on side A's backend every expect holds, on side B the first diverging one fails. Accesses
 * that faulted on side A are written as the part that did not fault followed by an {@code expect_fault} on the
 * faulting byte, so a fault at another address also shows. A mapping placed outside the window is unmapped at
 * once, as the difftest did.
 */
final class ScriptWriter {
    private ScriptWriter() {}

    static String write(Window w, List<Op> preamble, List<Op> body, List<Outcome> outcomesA, Divergence d,
            List<String> header) {
        StringBuilder sb = new StringBuilder();
        for (String h : header) sb.append("# ").append(h).append('\n');
        sb.append("const W = ").append(Fmt.hex(w.base())).append('\n');
        sb.append("const WSIZE = ").append(Fmt.size(w.size())).append('\n');
        sb.append("expect vmas(W - 4M, WSIZE + 8M) == 0, \"the window and its margins are free\"\n");
        for (Op op : preamble) sb.append(op.call(w)).append('\n');
        for (int i = 0; i < body.size(); i++) {
            Op op = body.get(i);
            boolean last = i == body.size() - 1;
            Outcome a = last && d != null && d.a() != null ? d.a() : i < outcomesA.size() ? outcomesA.get(i) : null;
            if (op instanceof Op.Set) {
                sb.append(op.call(w)).append('\n');
            } else if (op.syscall()) {
                sb.append("r = ").append(op.call(w)).append('\n');
                if (last && d != null && a != null && d.a() != null) sb.append(resultExpect(w, a)).append('\n');
                if (last && d != null) for (String e : d.expects()) sb.append(e).append('\n');
                if (op.mappedLength() > 0) {
                    sb.append("if r != -1 && (r < W || r >= W + WSIZE) {\n  munmap(r, ").append(Fmt.size(op.mappedLength()))
                            .append(")\n}\n");
                }
                continue;
            } else {
                access(sb, w, op, a, last);
            }
            if (last && d != null) for (String e : d.expects()) sb.append(e).append('\n');
        }
        return sb.toString();
    }

    private static String resultExpect(Window w, Outcome a) {
        if (a.exception() != null) return "# side A threw " + a.exception();
        if (a.outside()) return "expect r != -1 && (r < W || r >= W + WSIZE), \"placed outside the window\"";
        if (a.ret() == -1) return "expect r == -1 && errno == " + Fmt.errno(a.errno());
        return "expect r == " + (w.contains(a.ret()) ? Fmt.addr(w, a.ret()) : Long.toString(a.ret()));
    }

    /** An access: split at side A's fault if it had one, and on the last call assert the value it read. */
    private static void access(StringBuilder sb, Window w, Op op, Outcome a, boolean last) {
        Long fault = a != null && a.fault() != -1 ? a.fault() : null;
        if (fault != null) {
            String prefix = prefix(w, op, fault);
            if (prefix != null) sb.append(prefix).append('\n');
            boolean write = op instanceof Op.Memset || op instanceof Op.Poke || op instanceof Op.Pattern;
            sb.append("expect_fault { ").append(write ? "poke(" + Fmt.addr(w, fault) + ", 0)" : "peek(" + Fmt.addr(w, fault) + ")")
                    .append(" }\n");
            return;
        }
        if (last && a != null && a.exception() == null && (op instanceof Op.Peek || op instanceof Op.Checksum)) {
            sb.append("expect ").append(op.call(w)).append(" == ").append(a.ret()).append('\n');
        } else {
            sb.append(op.call(w)).append('\n');
        }
    }

    /** The part of a range access before {@code fault}, or null when nothing precedes it. */
    private static String prefix(Window w, Op op, long fault) {
        return switch (op) {
            case Op.Memset m when fault > m.addr() -> new Op.Memset(m.addr(), m.c(), fault - m.addr()).call(w);
            case Op.Pattern p when fault > p.addr() -> new Op.Pattern(p.addr(), fault - p.addr(), p.seed()).call(w);
            case Op.Checksum c when fault > c.addr() -> new Op.Checksum(c.addr(), fault - c.addr()).call(w);
            default -> null;
        };
    }
}
