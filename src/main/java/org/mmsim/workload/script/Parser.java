package org.mmsim.workload.script;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mmsim.workload.script.Token.Kind;

/**
 * Recursive-descent parser of the script language; stops at the first error (a {@link ScriptError} at its exact
 * line and column). Expressions use precedence climbing, so a parenthesis costs a handful of stack frames;
 * nesting of expressions and blocks is bounded so that no input can exhaust the stack.
 */
final class Parser implements StatementParser {
    /** Deepest expression tree and deepest parenthesis/operator nesting accepted. */
    static final int MAX_EXPR_DEPTH = 256;
    /** Deepest block nesting accepted. */
    static final int MAX_BLOCK_DEPTH = 64;

    private final String file;
    private final Lexer lexer;
    private final Language language;
    private final boolean constantOnly;
    private final List<Token> ahead = new ArrayList<>();
    private Token last;
    private int nesting;
    private int blockDepth;
    private Span keyword;
    /** const/param names with the line of their declaration. */
    private final Map<String, Integer> declared = new HashMap<>();
    private final List<String> params = new ArrayList<>();
    /** Name to slot: the names of the script numbered in order of first appearance. */
    private final Map<String, Integer> slots = new HashMap<>();
    /** Names assigned so far in the text (variables and loop counters). */
    private final Set<String> assigned = new HashSet<>();

    private Parser(String file, String source, Language language, boolean constantOnly) {
        this.file = file;
        this.lexer = new Lexer(source);
        this.language = language;
        this.constantOnly = constantOnly;
        this.last = new Token(Kind.EOF, "", 0, new Span(1, 1, 0, 0));
    }

    /** The parsed body and the names of its params in declaration order. */
    record Parsed(Block body, List<String> params, int slots) { }

    /** Parses a whole script. */
    static Parsed script(String file, String source, Language language) {
        Parser p = new Parser(file, source, language, false);
        Token first = p.peek();
        List<Stmt> stmts = p.statements(false);
        return new Parsed(new Block(p.from(first), stmts), List.copyOf(p.params), p.slots.size());
    }

    /**
     * Parses a constant expression (a {@code -p NAME=VALUE} value): numbers, sizes, operators and built-in
     * constants, no names or calls.
     */
    static Expr constant(String file, String source, Language language) {
        Parser p = new Parser(file, source, language, true);
        Expr e = p.expression();
        if (p.peek().kind() != Kind.EOF) throw p.error(p.peek(), "expected end of value, found " + p.peek().describe());
        return e;
    }

    // ---- tokens ----

    /** The next token; an ERROR token is reported here, where the parser reaches it. */
    private Token peek() {
        Token t = peekAt(0);
        if (t.kind() == Kind.ERROR) throw new ScriptError(file, t.span(), t.text());
        return t;
    }

    /** The token {@code k} ahead, without reporting errors. */
    private Token peekAt(int k) {
        while (ahead.size() <= k) ahead.add(lexer.next());
        return ahead.get(k);
    }

    private boolean at(Kind k) { return peek().kind() == k; }

    private Token advance() {
        Token t = peek();
        ahead.removeFirst();
        last = t;
        return t;
    }

    private Token expect(Kind k, String what) {
        if (!at(k)) throw error(peek(), "expected " + what + ", found " + peek().describe());
        return advance();
    }

    private boolean atEndOfStatement() {
        Kind k = peek().kind();
        return k == Kind.NEWLINE || k == Kind.SEMI || k == Kind.RBRACE || k == Kind.EOF;
    }

    /** The span from {@code first} to the last consumed token. */
    private Span from(Token first) {
        Span s = first.span();
        return new Span(s.line(), s.col(), s.start(), Math.max(s.start(), last.span().end()));
    }

    private ScriptError error(Token t, String message) {
        if (t.kind() == Kind.ERROR) return new ScriptError(file, t.span(), t.text());
        return new ScriptError(file, t.span(), message);
    }

    // ---- statements ----

    private List<Stmt> statements(boolean inBlock) {
        List<Stmt> out = new ArrayList<>();
        while (true) {
            while (at(Kind.NEWLINE) || at(Kind.SEMI)) advance();
            if (at(Kind.EOF)) {
                if (inBlock) throw error(peek(), "expected '}' to close the block, found end of file");
                return out;
            }
            if (at(Kind.RBRACE)) {
                if (inBlock) return out;
                throw error(peek(), "unexpected '}' (no block is open)");
            }
            out.add(statement());
            if (at(Kind.NEWLINE) || at(Kind.SEMI)) {
                advance();
            } else if (!atEndOfStatement()) {
                Token t = peek();
                throw error(t, t.kind() == Kind.ASSIGN
                        ? "unexpected '=' (assignment is a statement of its own; compare with '==')"
                        : "expected end of statement, found " + t.describe());
            }
        }
    }

    private Stmt statement() {
        Token t = peek();
        if (t.kind() != Kind.IDENT) throw error(t, "expected a statement, found " + t.describe());
        switch (t.text()) {
            case "const": return declare(false);
            case "param": return declare(true);
            case "set": return tunable();
            case "expect": return expectStmt();
            case "expect_fault": return expectFault();
            case "region": return region();
            case "repeat": return repeat();
            case "for": return forStmt();
            case "if": return ifStmt();
            case "print": return print();
            default: break;
        }
        StatementForm form = language.statement(t.text());
        if (form != null) return custom(t, form);
        if (Language.KEYWORDS.contains(t.text())) {
            throw error(t, t.text().equals("else") ? "'else' without 'if'" : "unexpected '" + t.text() + "'");
        }
        Token next = peekAt(1);
        if (next.kind() == Kind.LPAREN) {
            Expr.Call call = call();
            return new Stmt.Eval(call.span(), call);
        }
        if (next.kind().isAssignment()) return assign();
        throw error(next, "expected '=' or '(' after '" + t.text() + "', found " + next.describe());
    }

    private Stmt assign() {
        Token name = advance();
        checkAssignable(name);
        Token op = advance();
        Expr value = expression();
        assigned.add(name.text());
        return new Stmt.Assign(from(name), name.text(), slot(name.text()), compound(op.kind()), value);
    }

    private static Expr.BinaryOp compound(Kind k) {
        return switch (k) {
            case PLUS_ASSIGN -> Expr.BinaryOp.ADD;
            case MINUS_ASSIGN -> Expr.BinaryOp.SUB;
            case STAR_ASSIGN -> Expr.BinaryOp.MUL;
            case SLASH_ASSIGN -> Expr.BinaryOp.DIV;
            case PERCENT_ASSIGN -> Expr.BinaryOp.MOD;
            case SHL_ASSIGN -> Expr.BinaryOp.SHL;
            case SHR_ASSIGN -> Expr.BinaryOp.SHR;
            case AMP_ASSIGN -> Expr.BinaryOp.AND;
            case CARET_ASSIGN -> Expr.BinaryOp.XOR;
            case PIPE_ASSIGN -> Expr.BinaryOp.OR;
            default -> null;
        };
    }

    /** A variable may not be a keyword, errno, a built-in constant or a const/param. */
    private void checkAssignable(Token name) {
        String n = name.text();
        if (n.equals("errno")) throw error(name, "cannot assign to errno (it is the backend's)");
        if (Language.constants().containsKey(n)) throw error(name, "cannot assign to built-in constant " + n);
        Integer line = declared.get(n);
        if (line != null) throw error(name, "cannot assign to " + n + ", declared constant at line " + line);
        if (Language.KEYWORDS.contains(n) || language.statement(n) != null) {
            throw error(name, "'" + n + "' is a keyword, not a variable name");
        }
    }

    private Stmt declare(boolean param) {
        Token kw = advance();
        if (blockDepth > 0) throw error(kw, kw.text() + " is only allowed at the top level, outside blocks");
        Token name = expect(Kind.IDENT, "a name after '" + kw.text() + "'");
        String n = name.text();
        if (n.equals("errno") || Language.constants().containsKey(n)) throw error(name, "'" + n + "' is a built-in name");
        if (Language.KEYWORDS.contains(n) || language.statement(n) != null) throw error(name, "'" + n + "' is a keyword");
        if (declared.containsKey(n)) throw error(name, n + " is already declared at line " + declared.get(n));
        if (assigned.contains(n)) throw error(name, n + " is already a variable");
        expect(Kind.ASSIGN, "'=' after " + kw.text() + " " + n);
        Expr value = expression();
        declared.put(n, name.span().line());
        if (param) params.add(n);
        return new Stmt.Declare(from(kw), n, slot(n), value, param);
    }

    private Stmt tunable() {
        Token kw = advance();
        StringBuilder key = new StringBuilder();
        while (at(Kind.IDENT) || at(Kind.NUMBER)) {
            if (!key.isEmpty()) key.append(' ');
            key.append(advance().text());
        }
        if (key.isEmpty()) throw error(peek(), "expected a tunable name after 'set', found " + peek().describe());
        expect(Kind.ASSIGN, "'=' after the tunable name");
        Token v = peek();
        if (v.kind() == Kind.IDENT && !isKnownName(v.text()) && isStatementEnd(peekAt(1))) {
            advance();
            return new Stmt.Tunable(from(kw), key.toString(), v.text(), null);
        }
        return new Stmt.Tunable(from(kw), key.toString(), null, expression());
    }

    private boolean isKnownName(String n) {
        return n.equals("errno") || Language.constants().containsKey(n) || declared.containsKey(n) || assigned.contains(n);
    }

    private static boolean isStatementEnd(Token t) {
        Kind k = t.kind();
        return k == Kind.NEWLINE || k == Kind.SEMI || k == Kind.RBRACE || k == Kind.EOF;
    }

    private Stmt expectStmt() {
        Token kw = advance();
        Expr cond = expression();
        String message = null;
        if (at(Kind.COMMA)) {
            advance();
            message = expect(Kind.STRING, "a message string after ','").text();
        }
        return new Stmt.Expect(from(kw), cond, message);
    }

    private Stmt expectFault() {
        Token kw = advance();
        Block body = block();
        return new Stmt.ExpectFault(from(kw), body);
    }

    private Stmt region() {
        Token kw = advance();
        String name = expect(Kind.STRING, "the region's name as a string").text();
        Block body = block();
        return new Stmt.Region(from(kw), name, body);
    }

    private Stmt repeat() {
        Token kw = advance();
        Expr count = expression();
        Block body = block();
        return new Stmt.Repeat(from(kw), count, body);
    }

    private Stmt forStmt() {
        Token kw = advance();
        Token var = expect(Kind.IDENT, "a loop variable after 'for'");
        checkAssignable(var);
        assigned.add(var.text());
        if (!at(Kind.IDENT) || !peek().text().equals("in")) {
            throw error(peek(), "expected 'in' after the loop variable, found " + peek().describe());
        }
        advance();
        Expr lo = expression();
        expect(Kind.DOTDOT, "'..' in the range");
        Expr hi = expression();
        Block body = block();
        return new Stmt.For(from(kw), var.text(), slot(var.text()), lo, hi, body);
    }

    private Stmt ifStmt() {
        Token kw = advance();
        List<Stmt.If.Arm> arms = new ArrayList<>();
        Block otherwise = null;
        arms.add(new Stmt.If.Arm(expression(), block()));
        while (true) {
            int k = 0;
            while (peekAt(k).kind() == Kind.NEWLINE) k++;
            Token t = peekAt(k);
            if (t.kind() != Kind.IDENT || !t.text().equals("else")) break;
            for (int i = 0; i <= k; i++) advance();
            if (at(Kind.IDENT) && peek().text().equals("if")) {
                advance();
                arms.add(new Stmt.If.Arm(expression(), block()));
            } else {
                otherwise = block();
                break;
            }
        }
        return new Stmt.If(from(kw), arms, otherwise);
    }

    private Stmt print() {
        Token kw = advance();
        List<Stmt.Print.Item> items = new ArrayList<>();
        if (!atEndOfStatement()) {
            do {
                if (!items.isEmpty()) advance();
                if (at(Kind.STRING)) items.add(new Stmt.Print.Item(advance().text(), null));
                else items.add(new Stmt.Print.Item(null, expression()));
            } while (at(Kind.COMMA));
        }
        return new Stmt.Print(from(kw), items);
    }

    private Stmt custom(Token kw, StatementForm form) {
        advance();
        Span saved = keyword;
        keyword = kw.span();
        try {
            StatementForm.Action action = form.parse(this);
            if (action == null) throw new IllegalStateException("statement form '" + kw.text() + "' returned no action");
            return new Stmt.Custom(from(kw), kw.text(), action);
        } finally {
            keyword = saved;
        }
    }

    // ---- StatementParser, for registered statement forms ----

    @Override
    public Span keyword() {
        if (keyword == null) throw new IllegalStateException("not parsing a registered statement");
        return keyword;
    }

    @Override
    public Block block() {
        Token open = expect(Kind.LBRACE, "'{'");
        if (++blockDepth > MAX_BLOCK_DEPTH) throw error(open, "blocks nested too deeply (more than " + MAX_BLOCK_DEPTH + ")");
        List<Stmt> body = statements(true);
        expect(Kind.RBRACE, "'}'");
        blockDepth--;
        return new Block(from(open), body);
    }

    @Override
    public String word() {
        Token t = expect(Kind.IDENT, "a word");
        if (Language.KEYWORDS.contains(t.text())) throw error(t, "expected a word, found keyword '" + t.text() + "'");
        return t.text();
    }

    @Override
    public void expectWord(String expected) {
        if (!atWord(expected)) throw error(peek(), "expected '" + expected + "', found " + peek().describe());
        advance();
    }

    @Override
    public boolean atWord(String w) {
        return at(Kind.IDENT) && peek().text().equals(w);
    }

    @Override
    public String string() {
        return expect(Kind.STRING, "a string").text();
    }

    @Override
    public ScriptError error(String message) {
        return error(peek(), message);
    }

    // ---- expressions ----

    @Override
    public Expr expression() {
        enter();
        try {
            return conditional();
        } finally {
            nesting--;
        }
    }

    private void enter() {
        if (++nesting > MAX_EXPR_DEPTH) {
            throw error(peek(), "expression nested too deeply (more than " + MAX_EXPR_DEPTH + " levels)");
        }
    }

    private Expr conditional() {
        Token first = peek();
        Expr cond = binary(1);
        if (!at(Kind.QUESTION)) return cond;
        Token q = advance();
        Expr then = expression();
        expect(Kind.COLON, "':' of the conditional");
        enter();
        Expr otherwise;
        try {
            otherwise = conditional();
        } finally {
            nesting--;
        }
        return checked(new Expr.Conditional(from(first), cond, then, otherwise), q);
    }

    private Expr binary(int minPrecedence) {
        Token first = peek();
        Expr left = unary();
        while (true) {
            Expr.BinaryOp op = binaryOp(peek().kind());
            if (op == null || op.precedence < minPrecedence) return left;
            Token opTok = advance();
            Expr right = binary(op.precedence + 1);
            left = checked(new Expr.Binary(from(first), opTok.span(), op, left, right), opTok);
        }
    }

    private static Expr.BinaryOp binaryOp(Kind k) {
        return switch (k) {
            case STAR -> Expr.BinaryOp.MUL;
            case SLASH -> Expr.BinaryOp.DIV;
            case PERCENT -> Expr.BinaryOp.MOD;
            case PLUS -> Expr.BinaryOp.ADD;
            case MINUS -> Expr.BinaryOp.SUB;
            case SHL -> Expr.BinaryOp.SHL;
            case SHR -> Expr.BinaryOp.SHR;
            case LT -> Expr.BinaryOp.LT;
            case LE -> Expr.BinaryOp.LE;
            case GT -> Expr.BinaryOp.GT;
            case GE -> Expr.BinaryOp.GE;
            case EQ -> Expr.BinaryOp.EQ;
            case NE -> Expr.BinaryOp.NE;
            case AMP -> Expr.BinaryOp.AND;
            case CARET -> Expr.BinaryOp.XOR;
            case PIPE -> Expr.BinaryOp.OR;
            case ANDAND -> Expr.BinaryOp.LAND;
            case OROR -> Expr.BinaryOp.LOR;
            default -> null;
        };
    }

    private Expr unary() {
        Expr.UnaryOp op = switch (peek().kind()) {
            case MINUS -> Expr.UnaryOp.NEG;
            case BANG -> Expr.UnaryOp.NOT;
            case TILDE -> Expr.UnaryOp.COMPL;
            default -> null;
        };
        if (op == null) return primary();
        Token t = advance();
        enter();
        try {
            Expr operand = unary();
            return checked(new Expr.Unary(from(t), op, operand), t);
        } finally {
            nesting--;
        }
    }

    private Expr primary() {
        Token t = peek();
        switch (t.kind()) {
            case NUMBER -> {
                advance();
                return new Expr.Num(t.span(), t.value());
            }
            case LPAREN -> {
                advance();
                Expr e = expression();
                expect(Kind.RPAREN, "')'");
                return e;
            }
            case IDENT -> {
                return name(t);
            }
            case STRING -> throw error(t, "a string is not a value (strings go in print, region and expect messages)");
            default -> throw error(t, "expected an expression, found " + t.describe());
        }
    }

    /** The slot of a variable, const or param name (a new one at its first appearance). */
    private int slot(String name) {
        return slots.computeIfAbsent(name, n -> slots.size());
    }

    private Expr name(Token t) {
        String n = t.text();
        if (Language.KEYWORDS.contains(n) || language.statement(n) != null) {
            throw error(t, "expected an expression, found keyword '" + n + "'");
        }
        if (peekAt(1).kind() == Kind.LPAREN) return call();
        advance();
        Long constant = Language.constants().get(n);
        if (constant != null) return new Expr.Num(t.span(), constant);
        if (constantOnly) {
            throw error(t, "unknown name '" + n + "' (a param value may use numbers, sizes, operators and built-in constants)");
        }
        if (n.equals("errno")) return new Expr.Errno(t.span());
        return new Expr.Name(t.span(), n, slot(n));
    }

    private Expr.Call call() {
        Token name = peek();
        Builtin fn = language.function(name.text());
        if (fn == null) throw error(name, "unknown function '" + name.text() + "'");
        if (constantOnly) throw error(name, "a param value cannot call " + name.text() + "()");
        advance();
        advance();
        List<Expr> args = new ArrayList<>();
        enter();
        try {
            if (!at(Kind.RPAREN)) {
                args.add(expression());
                while (at(Kind.COMMA)) {
                    advance();
                    args.add(expression());
                }
            }
            expect(Kind.RPAREN, "',' or ')'");
        } finally {
            nesting--;
        }
        if (!fn.arity().accepts(args.size())) {
            String d = fn.arity().describe();
            throw error(name, name.text() + "() takes " + d + " argument" + (d.equals("1") ? "" : "s")
                    + ", got " + args.size() + " (" + fn.signature() + ")");
        }
        Expr.Call c = new Expr.Call(from(name), fn, args);
        checked(c, name);
        return c;
    }

    private Expr checked(Expr e, Token at) {
        if (e.depth() > MAX_EXPR_DEPTH) {
            throw error(at, "expression nested too deeply (more than " + MAX_EXPR_DEPTH + " levels)");
        }
        return e;
    }
}
