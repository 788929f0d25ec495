package org.mmsim.workload.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ParserTest {
    private static Script parse(String s) {
        return Script.parse("t.mms", s, Language.standard());
    }

    private static ScriptError parseError(String s) {
        return assertThrows(ScriptError.class, () -> parse(s));
    }

    private static void assertErrorAt(String source, int line, int col, String messagePart) {
        ScriptError e = parseError(source);
        assertEquals(line + ":" + col, e.line() + ":" + e.col(), e.getMessage());
        assertTrue(e.reason().contains(messagePart), e.getMessage());
        assertTrue(e.getMessage().startsWith("t.mms:" + line + ":" + col + ": "), e.getMessage());
    }

    private static Expr expr(String s) {
        Stmt.Assign a = (Stmt.Assign) parse("x = " + s).body().statements().getFirst();
        return a.value();
    }

    @Test
    void multiplicationBindsTighterThanAdditionAndShift() {
        Expr.Binary e = (Expr.Binary) expr("1 + 2 * 3 << 1");
        assertEquals(Expr.BinaryOp.SHL, e.op());
        Expr.Binary sum = (Expr.Binary) e.left();
        assertEquals(Expr.BinaryOp.ADD, sum.op());
        assertEquals(Expr.BinaryOp.MUL, ((Expr.Binary) sum.right()).op());
    }

    @Test
    void bitwiseOperatorsBindLooserThanEqualityAsInC() {
        Expr.Binary e = (Expr.Binary) expr("a & b == c");
        assertEquals(Expr.BinaryOp.AND, e.op());
        assertEquals(Expr.BinaryOp.EQ, ((Expr.Binary) e.right()).op());
        Expr.Binary or = (Expr.Binary) expr("a | b ^ c & d");
        assertEquals(Expr.BinaryOp.OR, or.op());
        assertEquals(Expr.BinaryOp.XOR, ((Expr.Binary) or.right()).op());
    }

    @Test
    void logicalOrIsLoosestBeforeTheConditional() {
        Expr.Conditional c = assertInstanceOf(Expr.Conditional.class, expr("a || b && c ? 1 : d ? 2 : 3"));
        Expr.Binary cond = (Expr.Binary) c.cond();
        assertEquals(Expr.BinaryOp.LOR, cond.op());
        assertEquals(Expr.BinaryOp.LAND, ((Expr.Binary) cond.right()).op());
        assertInstanceOf(Expr.Conditional.class, c.otherwise());
    }

    @Test
    void binaryOperatorsAreLeftAssociative() {
        Expr.Binary e = (Expr.Binary) expr("10 - 3 - 2");
        assertEquals(Expr.BinaryOp.SUB, ((Expr.Binary) e.left()).op());
        assertEquals(5, Runs.eval("10 - 3 - 2"));
        assertEquals(1, Runs.eval("100 / 10 / 10"));
    }

    @Test
    void builtInConstantsAreFoldedToTheirValues() {
        Expr.Binary e = (Expr.Binary) expr("PROT_READ|PROT_WRITE");
        assertEquals(new Expr.Num(e.left().span(), 1), e.left());
        assertEquals(2, ((Expr.Num) e.right()).value());
    }

    @Test
    void expressionSpansCoverTheirSourceTextIncludingParentheses() {
        Script s = parse("x = (a + 1) * 2   # c");
        Expr e = ((Stmt.Assign) s.body().statements().getFirst()).value();
        assertEquals("(a + 1) * 2", s.text(e.span()));
    }

    @Test
    void parseErrorReportsLineAndColumnOfFirstBadToken() {
        assertErrorAt("p = 1\nq = 2 +\nr = @", 2, 8, "expected an expression, found end of line");
        assertErrorAt("x = 1 2", 1, 7, "expected end of statement, found number 2");
        assertErrorAt("  expect p = 1", 1, 12, "compare with '=='");
    }

    @Test
    void aParseErrorBeforeALexicalErrorIsReportedFirst() {
        assertErrorAt("x = )\ny = \"unterminated", 1, 5, "expected an expression, found ')'");
    }

    @Test
    void lexicalErrorsAreReportedWhereTheParserReachesThem() {
        assertErrorAt("x = 1\ny = 99999999999999999999\n", 2, 5, "does not fit in 64 bits");
    }

    @Test
    void unknownFunctionIsAParseErrorAtItsName() {
        assertErrorAt("x = 1\n  y = vfork()", 2, 7, "unknown function 'vfork'");
    }

    @Test
    void wrongArgumentCountIsAParseErrorNamingTheAcceptedCounts() {
        assertErrorAt("p = mmap(0, 4K, 3, 0x22, -1)", 1, 5, "mmap() takes 4 or 6 arguments, got 5");
        assertErrorAt("poke(1)", 1, 1, "poke() takes 2 arguments, got 1");
        assertErrorAt("x = peek()", 1, 5, "peek() takes 1 argument, got 0");
        assertErrorAt("q = mremap(1, 2, 3)", 1, 5, "mremap() takes 4 or 5 arguments, got 3");
    }

    @Test
    void assigningToAConstantOrErrnoIsAParseError() {
        assertErrorAt("const SIZE = 1M\nSIZE = 2", 2, 1, "cannot assign to SIZE, declared constant at line 1");
        assertErrorAt("param N = 1\nN += 1", 2, 1, "cannot assign to N");
        assertErrorAt("errno = 0", 1, 1, "cannot assign to errno");
        assertErrorAt("PROT_READ = 3", 1, 1, "cannot assign to built-in constant PROT_READ");
        assertErrorAt("for EINVAL in 0..2 { }", 1, 5, "cannot assign to built-in constant EINVAL");
    }

    @Test
    void declarationsAreTopLevelAndUnique() {
        assertErrorAt("repeat 2 {\n  const X = 1\n}", 2, 3, "only allowed at the top level");
        assertErrorAt("const X = 1\nparam X = 2", 2, 7, "already declared at line 1");
        assertErrorAt("x = 1\nconst x = 2", 2, 7, "already a variable");
        assertErrorAt("const PAGE_SIZE = 1", 1, 7, "built-in name");
    }

    @Test
    void blocksMustBeClosedAndOpenedOnTheHeaderLine() {
        assertErrorAt("repeat 2 {\n  poke(1, 2)\n", 3, 1, "expected '}' to close the block");
        assertErrorAt("repeat 2\n{ }", 1, 9, "expected '{'");
        assertErrorAt("}", 1, 1, "unexpected '}'");
        assertErrorAt("else { }", 1, 1, "'else' without 'if'");
    }

    @Test
    void aStatementIsACallAnAssignmentOrAKeyword() {
        assertErrorAt("p == 1", 1, 3, "expected '=' or '(' after 'p'");
        assertErrorAt("42", 1, 1, "expected a statement, found number 42");
        assertErrorAt("mmap(0, 4K, 3, 0x22) + 1", 1, 22, "expected end of statement, found '+'");
    }

    @Test
    void stringsAreOnlyForPrintRegionsAndMessages() {
        assertErrorAt("x = \"a\"", 1, 5, "a string is not a value");
        assertErrorAt("region move { }", 1, 8, "the region's name as a string");
        assertErrorAt("expect 1, 2", 1, 11, "a message string");
    }

    @Test
    void deepNestingIsAParseErrorNotAStackOverflow() {
        String deep = "x = " + "(".repeat(100_000) + "1" + ")".repeat(100_000);
        assertTrue(parseError(deep).reason().contains("nested too deeply"));
        String chain = "x = 1" + " + 1".repeat(100_000);
        assertTrue(parseError(chain).reason().contains("nested too deeply"));
        String unary = "x = " + "-".repeat(100_000) + "1";
        assertTrue(parseError(unary).reason().contains("nested too deeply"));
        String blocks = "repeat 1 {\n".repeat(10_000) + "}\n".repeat(10_000);
        assertTrue(parseError(blocks).reason().contains("nested too deeply"));
    }

    @Test
    void nestingWithinTheLimitsParses() {
        int depth = Parser.MAX_EXPR_DEPTH - 2;
        assertEquals(1, Runs.eval("(".repeat(depth) + "1" + ")".repeat(depth)));
        String blocks = "repeat 1 {\n".repeat(Parser.MAX_BLOCK_DEPTH) + "}\n".repeat(Parser.MAX_BLOCK_DEPTH);
        parse(blocks);
    }

    @Test
    void setTakesAWordOrAnExpression() {
        Script s = parse("const N = 7\nset thp = madvise\nset mthp 64K = always\nset max_map_count = N * 2");
        List<Stmt> st = s.body().statements();
        assertEquals(new Stmt.Tunable(st.get(1).span(), "thp", "madvise", null), st.get(1));
        assertEquals("mthp 64K", ((Stmt.Tunable) st.get(2)).key());
        Stmt.Tunable t = (Stmt.Tunable) st.get(3);
        assertEquals(null, t.word());
        assertEquals("N * 2", s.text(t.value().span()));
    }

    @Test
    void elseMayFollowOnTheNextLineAndChainsStayFlat() {
        Script s = parse("x = 1\nif x == 1 {\n} \nelse if x == 2 { }\nelse if x == 3 { } else { }");
        Stmt.If i = (Stmt.If) s.body().statements().get(1);
        assertEquals(3, i.arms().size());
        assertTrue(i.otherwise() != null);
    }

    @Test
    void paramsAreListedInDeclarationOrder() {
        assertEquals(List.of("LOOPS", "SIZE"), parse("param LOOPS = 1\nconst X = 2\nparam SIZE = 4K").params());
    }
}
