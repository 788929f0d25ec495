package org.mmsim.workload.script;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A function a script can call: its name, how many arguments it takes (checked when the script is parsed), the
 * C signature and return value it documents, and what it does.
 *
 * @param name      the name scripts call it by
 * @param arity     the argument counts it accepts
 * @param signature its C prototype, for the language reference and error messages
 * @param returns   what it returns, in words
 * @param impl      the implementation
 */
public record Builtin(String name, Arity arity, String signature, String returns, Impl impl) {
    public Builtin {
        Objects.requireNonNull(name);
        Objects.requireNonNull(arity);
        Objects.requireNonNull(impl);
    }

    /** What a call does; {@code args} are evaluated left to right and have an accepted count. */
    @FunctionalInterface
    public interface Impl {
        /** Performs the call against {@code in}'s current target ({@link Interpreter#api()}) and returns its value. */
        long call(Interpreter in, long[] args);
    }

    /** The set of accepted argument counts (0..63), e.g. exactly 2, or 4 or 6 for mmap. */
    public record Arity(long mask) {
        public Arity {
            if (mask == 0) throw new IllegalArgumentException("an arity accepts at least one count");
        }

        /** Exactly {@code n} arguments. */
        public static Arity exactly(int n) { return oneOf(n); }

        /** From {@code min} to {@code max} arguments. */
        public static Arity between(int min, int max) {
            long m = 0;
            for (int i = min; i <= max; i++) m |= bit(i);
            return new Arity(m);
        }

        /** Any of the given counts. */
        public static Arity oneOf(int... counts) {
            long m = 0;
            for (int c : counts) m |= bit(c);
            return new Arity(m);
        }

        /** True if a call may pass {@code n} arguments. */
        public boolean accepts(int n) { return n >= 0 && n < 64 && (mask & (1L << n)) != 0; }

        /** "2", "4 or 6", "2 to 4". */
        public String describe() {
            List<Integer> l = new ArrayList<>();
            for (int i = 0; i < 64; i++) if (accepts(i)) l.add(i);
            if (l.size() == 1) return l.getFirst().toString();
            if (l.getLast() - l.getFirst() == l.size() - 1 && l.size() > 2) return l.getFirst() + " to " + l.getLast();
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) sb.append(i == l.size() - 1 ? " or " : ", ");
                sb.append(l.get(i));
            }
            return sb.toString();
        }

        private static long bit(int n) {
            if (n < 0 || n > 63) throw new IllegalArgumentException("argument count out of range: " + n);
            return 1L << n;
        }
    }
}
