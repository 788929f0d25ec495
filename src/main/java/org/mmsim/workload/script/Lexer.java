package org.mmsim.workload.script;

import java.math.BigInteger;
import org.mmsim.workload.script.Token.Kind;

/**
 * Splits a script into tokens on demand, so that a lexical error later in the file never hides a parse error
 * before it: a bad character or literal becomes an {@link Kind#ERROR} token that the parser reports when it
 * reaches it. Newlines end statements, except inside parentheses.
 */
final class Lexer {
    private static final BigInteger MAX_SIGNED = BigInteger.valueOf(Long.MAX_VALUE);
    private static final BigInteger MAX_UNSIGNED = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private final String src;
    private int pos;
    private int line = 1;
    private int lineStart;
    private int parens;
    private boolean failed;

    Lexer(String src) {
        this.src = src;
    }

    /** The next token; after an error or the end of the input, only EOF. */
    Token next() {
        if (failed) return token(Kind.EOF, "", pos, pos);
        skipBlanks();
        int start = pos;
        if (pos >= src.length()) return token(Kind.EOF, "", start, start);
        char c = src.charAt(pos);
        if (c == '\n') {
            Token t = token(Kind.NEWLINE, "\n", start, ++pos);
            line++;
            lineStart = pos;
            return t;
        }
        if (isDigit(c)) return number(start);
        if (isIdentStart(c)) {
            while (pos < src.length() && isIdentPart(src.charAt(pos))) pos++;
            return token(Kind.IDENT, src.substring(start, pos), start, pos);
        }
        if (c == '"') return string(start);
        Kind op = operator();
        if (op == null) return error(start, "unexpected character " + show(c));
        if (op == Kind.LPAREN) parens++;
        if (op == Kind.RPAREN && parens > 0) parens--;
        return token(op, op.spelling, start, pos);
    }

    private void skipBlanks() {
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == '#') {
                while (pos < src.length() && src.charAt(pos) != '\n') pos++;
            } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
                pos++;
            } else if (c == '\n' && parens > 0) {
                pos++;
                line++;
                lineStart = pos;
            } else {
                return;
            }
        }
    }

    /** Longest-match operator at pos, advancing past it; null if none starts here. */
    private Kind operator() {
        Kind best = null;
        int bestLen = 0;
        for (Kind k : Kind.values()) {
            String s = k.spelling;
            if (s == null || s.startsWith("end") || s.length() <= bestLen) continue;
            if (src.startsWith(s, pos)) {
                best = k;
                bestLen = s.length();
            }
        }
        pos += bestLen;
        return best;
    }

    private Token number(int start) {
        int radix = 10;
        if (src.startsWith("0x", pos) || src.startsWith("0X", pos)) {
            radix = 16;
            pos += 2;
        }
        int digits = pos;
        while (pos < src.length() && Character.digit(src.charAt(pos), radix) >= 0 && src.charAt(pos) < 128) pos++;
        String body = src.substring(digits, pos);
        int shift = 0;
        if (pos < src.length()) {
            switch (src.charAt(pos)) {
                case 'K' -> shift = 10;
                case 'M' -> shift = 20;
                case 'G' -> shift = 30;
                case 'T' -> shift = 40;
                default -> { }
            }
            if (shift != 0) pos++;
        }
        while (pos < src.length() && isIdentPart(src.charAt(pos))) pos++;
        String text = src.substring(start, pos);
        if (body.isEmpty() || pos != digits + body.length() + (shift != 0 ? 1 : 0)) {
            return error(start, "invalid number " + shorten(text) + " (numbers are decimal or 0x hex, with an optional K, M, G or T)");
        }
        if (radix == 10 && body.length() > 1 && body.charAt(0) == '0') {
            return error(start, "invalid number " + shorten(text) + ": a leading 0 would mean octal in C; write it without the 0");
        }
        BigInteger v = new BigInteger(body, radix).shiftLeft(shift);
        if (v.compareTo(radix == 16 ? MAX_UNSIGNED : MAX_SIGNED) > 0) {
            return error(start, "number " + shorten(text) + " does not fit in 64 bits");
        }
        return new Token(Kind.NUMBER, text, v.longValue(), span(start, pos));
    }

    private Token string(int start) {
        StringBuilder sb = new StringBuilder();
        pos++;
        while (true) {
            if (pos >= src.length() || src.charAt(pos) == '\n') return error(start, "unterminated string");
            char c = src.charAt(pos++);
            if (c == '"') break;
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (pos >= src.length()) return error(start, "unterminated string");
            char e = src.charAt(pos++);
            switch (e) {
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case '"' -> sb.append('"');
                case '\\' -> sb.append('\\');
                default -> {
                    return error(pos - 2, "unknown escape \\" + (e == '\n' ? "(newline)" : show(e))
                            + " in string (known: \\n \\t \\\" \\\\)");
                }
            }
        }
        return new Token(Kind.STRING, sb.toString(), 0, span(start, pos));
    }

    private Token token(Kind kind, String text, int start, int end) {
        return new Token(kind, text, 0, span(start, end));
    }

    private Token error(int at, String message) {
        failed = true;
        return new Token(Kind.ERROR, message, 0, span(at, at + 1));
    }

    private Span span(int start, int end) {
        return new Span(line, start - lineStart + 1, start, end);
    }

    static boolean isDigit(char c) { return c >= '0' && c <= '9'; }

    static boolean isIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }

    static boolean isIdentPart(char c) { return isIdentStart(c) || isDigit(c); }

    /** A character as an error message shows it: quoted if printable ASCII, else its code. */
    static String show(char c) {
        return c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }

    private static String shorten(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
