package org.mmsim.workload.script;

import java.util.List;

/**
 * An expression of the script language. Every value is a 64-bit signed integer, as a C {@code long}.
 * Each node knows its {@link #span()} (its source text, for expect messages) and its {@link #depth()}
 * (the parser refuses trees deep enough to threaten the stack).
 */
public sealed interface Expr {
    /** Where the expression is written, from its first to its last token. */
    Span span();

    /** Height of the tree rooted here (1 for a leaf). */
    default int depth() { return 1; }

    /** A number literal, or a built-in constant such as {@code PROT_READ} folded to its value. */
    record Num(Span span, long value) implements Expr { }

    /**
     * A const, param or variable, looked up when evaluated. {@code slot} numbers the name in its script (every
     * use of one name has the same slot), so that the interpreter keeps values in an array, not a map.
     */
    record Name(Span span, String name, int slot) implements Expr { }

    /** {@code errno}: the current backend's errno after its last call. */
    record Errno(Span span) implements Expr { }

    /** {@code -x}, {@code !x}, {@code ~x}. */
    record Unary(Span span, UnaryOp op, Expr operand, int depth) implements Expr {
        public Unary(Span span, UnaryOp op, Expr operand) {
            this(span, op, operand, operand.depth() + 1);
        }
    }

    /** A binary operator; {@code at} is where the operator itself is written (runtime errors point there). */
    record Binary(Span span, Span at, BinaryOp op, Expr left, Expr right, int depth) implements Expr {
        public Binary(Span span, Span at, BinaryOp op, Expr left, Expr right) {
            this(span, at, op, left, right, Math.max(left.depth(), right.depth()) + 1);
        }
    }

    /** {@code cond ? then : otherwise}. */
    record Conditional(Span span, Expr cond, Expr then, Expr otherwise, int depth) implements Expr {
        public Conditional(Span span, Expr cond, Expr then, Expr otherwise) {
            this(span, cond, then, otherwise, Math.max(cond.depth(), Math.max(then.depth(), otherwise.depth())) + 1);
        }
    }

    /** A call of a registered {@link Builtin}; the argument count was checked by the parser. */
    record Call(Span span, Builtin function, List<Expr> args, int depth) implements Expr {
        public Call(Span span, Builtin function, List<Expr> args) {
            this(span, function, List.copyOf(args), args.stream().mapToInt(Expr::depth).max().orElse(0) + 1);
        }
    }

    /** Prefix operators. */
    enum UnaryOp {
        NEG("-"), NOT("!"), COMPL("~");

        /** The operator as written. */
        public final String symbol;

        UnaryOp(String symbol) { this.symbol = symbol; }

        /** The C result of the operator. */
        public long apply(long v) {
            return switch (this) {
                case NEG -> -v;
                case NOT -> v == 0 ? 1 : 0;
                case COMPL -> ~v;
            };
        }
    }

    /**
     * Infix operators with C precedence ({@code precedence}: higher binds tighter). {@code &&} and {@code ||}
     * short-circuit, which the interpreter does before calling {@link #apply}.
     */
    enum BinaryOp {
        MUL("*", 10), DIV("/", 10), MOD("%", 10),
        ADD("+", 9), SUB("-", 9),
        SHL("<<", 8), SHR(">>", 8),
        LT("<", 7), LE("<=", 7), GT(">", 7), GE(">=", 7),
        EQ("==", 6), NE("!=", 6),
        AND("&", 5), XOR("^", 4), OR("|", 3),
        LAND("&&", 2), LOR("||", 1);

        /** The operator as written. */
        public final String symbol;
        /** C precedence rank, 1 (loosest, {@code ||}) to 10 (tightest, {@code * / %}). */
        public final int precedence;

        BinaryOp(String symbol, int precedence) {
            this.symbol = symbol;
            this.precedence = precedence;
        }

        /**
         * The C result on 64-bit signed values (wrapping on overflow). Throws ArithmeticException for division or
         * modulo by zero and for a shift count outside 0..63, which C leaves undefined.
         */
        public long apply(long a, long b) {
            return switch (this) {
                case MUL -> a * b;
                case DIV -> {
                    if (b == 0) throw new ArithmeticException("division by zero");
                    yield a / b;
                }
                case MOD -> {
                    if (b == 0) throw new ArithmeticException("modulo by zero");
                    yield a % b;
                }
                case ADD -> a + b;
                case SUB -> a - b;
                case SHL -> a << shiftCount(b);
                case SHR -> a >> shiftCount(b);
                case LT -> a < b ? 1 : 0;
                case LE -> a <= b ? 1 : 0;
                case GT -> a > b ? 1 : 0;
                case GE -> a >= b ? 1 : 0;
                case EQ -> a == b ? 1 : 0;
                case NE -> a != b ? 1 : 0;
                case AND -> a & b;
                case XOR -> a ^ b;
                case OR -> a | b;
                case LAND -> a != 0 && b != 0 ? 1 : 0;
                case LOR -> a != 0 || b != 0 ? 1 : 0;
            };
        }

        private static int shiftCount(long b) {
            if (b < 0 || b > 63) throw new ArithmeticException("shift count " + b + " is outside 0..63");
            return (int) b;
        }
    }
}
