package org.mmsim.workload.script;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.mmsim.mm.Errno;
import org.mmsim.mm.Uapi;

/**
 * The one registry of what a script can call and which statement keywords it knows beyond the core ones: the
 * builtin functions by name (with their arity, checked at parse time) and the registered {@link StatementForm}s.
 * {@link #standard()} holds the C calls and queries of the language reference; a later feature adds its own
 * with {@link #addFunction} and {@link #addStatement} before parsing.
 */
public final class Language {
    /** Words the core grammar reserves; they cannot name variables, functions or registered statements. */
    public static final Set<String> KEYWORDS = Set.of(
            "const", "param", "set", "expect", "expect_fault", "region", "repeat", "for", "in", "if", "else", "print");

    private final Map<String, Builtin> functions = new LinkedHashMap<>();
    private final Map<String, StatementForm> statements = new LinkedHashMap<>();

    /** A language with no functions and only the core statements. */
    public Language() { }

    /** A new language with the standard calls (mmap, munmap, ..., the queries); each call returns a fresh copy. */
    public static Language standard() {
        Language l = new Language();
        StandardCalls.addTo(l);
        InjectStatement.addTo(l);
        ProcessCalls.addTo(l);
        return l;
    }

    /** Every built-in constant name (UAPI and errno) with its value. */
    public static Map<String, Long> constants() {
        return CONSTANTS;
    }

    private static final Map<String, Long> CONSTANTS;

    static {
        Map<String, Long> m = new LinkedHashMap<>(Uapi.constants());
        m.putAll(Errno.constants());
        CONSTANTS = Collections.unmodifiableMap(m);
    }

    /** Registers a function; throws IllegalArgumentException if the name is taken or reserved. */
    public Language addFunction(Builtin b) {
        checkFree(b.name());
        functions.put(b.name(), b);
        return this;
    }

    /** Registers a function from its parts (see {@link Builtin}). */
    public Language addFunction(String name, Builtin.Arity arity, String signature, String returns, Builtin.Impl impl) {
        return addFunction(new Builtin(name, arity, signature, returns, impl));
    }

    /**
     * Registers a statement keyword: a statement starting with {@code keyword} is parsed by {@code form}.
     * The keyword may be {@code in} (which starts no core statement, so {@code in child { ... }} can be added);
     * otherwise it must be free, and it can no longer name a variable. Throws IllegalArgumentException if the
     * keyword is taken or reserved.
     */
    public Language addStatement(String keyword, StatementForm form) {
        if (!keyword.equals("in")) checkFree(keyword);
        if (statements.containsKey(keyword)) throw new IllegalArgumentException("'" + keyword + "' is already registered");
        statements.put(keyword, form);
        return this;
    }

    /** The function of a name, or null. */
    public Builtin function(String name) { return functions.get(name); }

    /** The registered statement form of a keyword, or null (core statements are not listed here). */
    public StatementForm statement(String keyword) { return statements.get(keyword); }

    /** All functions in registration order. */
    public Collection<Builtin> functions() { return Collections.unmodifiableCollection(functions.values()); }

    /** All registered statement keywords in registration order. */
    public Set<String> statementKeywords() { return Collections.unmodifiableSet(statements.keySet()); }

    private void checkFree(String name) {
        if (name == null || name.isEmpty() || !Lexer.isIdentStart(name.charAt(0))
                || !name.chars().allMatch(c -> Lexer.isIdentPart((char) c))) {
            throw new IllegalArgumentException("not an identifier: '" + name + "'");
        }
        if (KEYWORDS.contains(name) || name.equals("errno") || CONSTANTS.containsKey(name)) {
            throw new IllegalArgumentException("'" + name + "' is reserved");
        }
        if (functions.containsKey(name) || statements.containsKey(name)) {
            throw new IllegalArgumentException("'" + name + "' is already registered");
        }
    }
}
