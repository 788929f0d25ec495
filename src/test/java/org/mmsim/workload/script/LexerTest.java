package org.mmsim.workload.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mmsim.workload.script.Token.Kind;

class LexerTest {
    private static List<Token> lex(String s) {
        Lexer l = new Lexer(s);
        List<Token> out = new ArrayList<>();
        Token t;
        do {
            t = l.next();
            out.add(t);
        } while (t.kind() != Kind.EOF && t.kind() != Kind.ERROR);
        return out;
    }

    private static long number(String s) {
        Token t = lex(s).getFirst();
        assertEquals(Kind.NUMBER, t.kind(), () -> t.text());
        return t.value();
    }

    private static Token error(String s) {
        Token t = lex(s).getLast();
        assertEquals(Kind.ERROR, t.kind(), s);
        return t;
    }

    @Test
    void sizeSuffixesAreBinaryMultiples() {
        assertEquals(4096, number("4K"));
        assertEquals(1L << 20, number("1M"));
        assertEquals(2L << 30, number("2G"));
        assertEquals(1L << 40, number("1T"));
        assertEquals(0x10L << 10, number("0x10K"));
    }

    @Test
    void hexLiteralsUpTo64BitsWrapToSignedValues() {
        assertEquals(0x40000000L, number("0x40000000"));
        assertEquals(-1L, number("0xFFFFFFFFFFFFFFFF"));
        assertEquals(Long.MAX_VALUE, number("9223372036854775807"));
    }

    @Test
    void numbersThatOverflow64BitsAreErrors() {
        assertEquals("number 9223372036854775808 does not fit in 64 bits", error("9223372036854775808").text());
        assertEquals("number 0x10000000000000000 does not fit in 64 bits", error("0x10000000000000000").text());
        assertEquals("number 8388608T does not fit in 64 bits", error("8388608T").text());
    }

    @Test
    void malformedNumbersAreErrorsAtTheirFirstCharacter() {
        Token t = error("x = 12abc");
        assertEquals(5, t.span().col());
        error("4k");
        error("4KB");
        error("0x");
        assertTrue(error("010").text().contains("octal"));
    }

    @Test
    void newlinesInsideParenthesesDoNotEndTheStatement() {
        List<Kind> kinds = lex("f(1,\n 2)\nx").stream().map(Token::kind).toList();
        assertEquals(List.of(Kind.IDENT, Kind.LPAREN, Kind.NUMBER, Kind.COMMA, Kind.NUMBER, Kind.RPAREN,
                Kind.NEWLINE, Kind.IDENT, Kind.EOF), kinds);
    }

    @Test
    void longestOperatorWins() {
        List<Kind> kinds = lex("a <<= b << c <= d < e .. f").stream().map(Token::kind).toList();
        assertEquals(List.of(Kind.IDENT, Kind.SHL_ASSIGN, Kind.IDENT, Kind.SHL, Kind.IDENT, Kind.LE, Kind.IDENT,
                Kind.LT, Kind.IDENT, Kind.DOTDOT, Kind.IDENT, Kind.EOF), kinds);
    }

    @Test
    void rangeAfterANumberIsTwoNumbersAndDotDot() {
        List<Token> t = lex("0..16");
        assertEquals(List.of(Kind.NUMBER, Kind.DOTDOT, Kind.NUMBER, Kind.EOF), t.stream().map(Token::kind).toList());
        assertEquals(16, t.get(2).value());
    }

    @Test
    void stringsDecodeEscapesAndCommentsAreSkipped() {
        List<Token> t = lex("\"a\\\"b\\n\" # comment \"not a string\n");
        assertEquals(Kind.STRING, t.get(0).kind());
        assertEquals("a\"b\n", t.get(0).text());
        assertEquals(Kind.NEWLINE, t.get(1).kind());
    }

    @Test
    void unterminatedStringIsReportedAtItsOpeningQuote() {
        Token t = error("print 1\nprint \"abc\n");
        assertEquals(2, t.span().line());
        assertEquals(7, t.span().col());
        assertEquals("unterminated string", t.text());
    }

    @Test
    void strayCharactersAreNamedInTheError() {
        assertEquals("unexpected character '@'", error("a @").text());
        assertEquals("unexpected character U+0001", error("\u0001").text());
    }
}
