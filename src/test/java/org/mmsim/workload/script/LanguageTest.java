package org.mmsim.workload.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mmsim.workload.MemoryApi;
import org.mmsim.workload.script.Builtin.Arity;

/** The registry: later features add calls and statements without touching the parser. */
class LanguageTest {
    /** A stand-in for a later fork(): a table of child backends, kept as per-run interpreter state. */
    static final class Processes {
        final List<MemoryApi> children = new ArrayList<>();
    }

    /** The standard calls and the inject statement without the process calls, a base for the tests' own. */
    static Language core() {
        Language l = new Language();
        StandardCalls.addTo(l);
        InjectStatement.addTo(l);
        return l;
    }

    /** fork(), exit(child), in child { ... } and mark NAME at N, registered the way a later issue would. */
    static Language withProcesses(List<String> injected) {
        Language l = core();
        l.addFunction("fork", Arity.exactly(0), "pid_t fork(void)", "a child id", (in, a) -> {
            Processes p = in.state(Processes.class, Processes::new);
            p.children.add(new FakeMemoryApi());
            return p.children.size();
        });
        l.addFunction("exit", Arity.exactly(1), "void exit(pid_t child)", "0", (in, a) -> {
            in.state(Processes.class, Processes::new).children.get((int) a[0] - 1).close();
            return 0;
        });
        l.addStatement("in", p -> {
            Expr who = p.expression();
            Block body = p.block();
            return in -> {
                long id = in.eval(who);
                List<MemoryApi> children = in.state(Processes.class, Processes::new).children;
                if (id < 1 || id > children.size()) throw in.error(who.span(), "no child " + id);
                in.on(children.get((int) id - 1), () -> in.exec(body));
            };
        });
        l.addStatement("mark", p -> {
            String what = p.word();
            p.expectWord("at");
            Expr when = p.expression();
            return in -> injected.add(what + "@" + in.eval(when));
        });
        return l;
    }

    @Test
    void registeredCallsAndBlockStatementsRunAgainstTheChosenTarget() {
        List<String> injected = new ArrayList<>();
        FakeMemoryApi parent = new FakeMemoryApi();
        var o = Runs.run("""
                mark swap_dup_fail at 3
                inject swap_dup_fail at 2 + 1
                child = fork()
                in child {
                  c = mmap(0, 4K, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS)
                  poke(c, 9)
                  expect peek(c) == 9
                }
                expect !mapped(c), "the mapping is the child's"
                in child { expect mapped(c) && errno == 0 }
                exit(child)
                """, Map.of(), parent, withProcesses(injected));
        assertEquals("", o.diag());
        assertEquals(3, o.result().passed());
        assertEquals(List.of("swap_dup_fail@3"), injected);
        assertEquals(List.of("swap_dup_fail@3"), parent.injected, "the standard inject statement reaches the backend");
        assertEquals(0, parent.vmas(0, Long.MAX_VALUE), "the parent backend saw no mmap");
        assertEquals(Map.of(), o.result().total().counters(), "the total measures the machine given to the interpreter");
    }

    @Test
    void registeredStatementsReportSyntaxErrorsAtTheirPosition() {
        Language l = withProcesses(new ArrayList<>());
        ScriptError e = assertThrows(ScriptError.class, () -> Script.parse("t.mms", "inject x after 3", l));
        ScriptError m = assertThrows(ScriptError.class, () -> Script.parse("t.mms", "mark x after 3", l));
        assertEquals("t.mms:1:8: expected 'at', found 'after'", m.getMessage());
        assertEquals("t.mms:1:10: expected 'at', found 'after'", e.getMessage());
        ScriptError tail = assertThrows(ScriptError.class, () -> Script.parse("t.mms", "in 1 { } junk", l));
        assertEquals("t.mms:1:10: expected end of statement, found 'junk'", tail.getMessage());
        ScriptError asName = assertThrows(ScriptError.class, () -> Script.parse("t.mms", "inject = 1", l));
        assertEquals("t.mms:1:8: expected a word, found '='", asName.getMessage());
    }

    @Test
    void withoutRegistrationTheSameWordsAreUnknown() {
        ScriptError e = assertThrows(ScriptError.class, () -> Script.parse("t.mms", "in child { }", core()));
        assertEquals("t.mms:1:1: unexpected 'in'", e.getMessage());
    }

    @Test
    void namesCannotBeRegisteredTwiceOrShadowTheCore() {
        assertThrows(IllegalArgumentException.class, () -> Language.standard().addStatement("in", p -> in -> { }),
                "the standard language has the process statement already");
        Language l = core();
        assertThrows(IllegalArgumentException.class, () -> l.addFunction("mmap", Arity.exactly(0), "", "", (in, a) -> 0));
        assertThrows(IllegalArgumentException.class, () -> l.addFunction("repeat", Arity.exactly(0), "", "", (in, a) -> 0));
        assertThrows(IllegalArgumentException.class, () -> l.addFunction("EINVAL", Arity.exactly(0), "", "", (in, a) -> 0));
        assertThrows(IllegalArgumentException.class, () -> l.addStatement("errno", p -> in -> { }));
        assertThrows(IllegalArgumentException.class, () -> l.addStatement("if", p -> in -> { }));
        assertThrows(IllegalArgumentException.class, () -> l.addStatement("two words", p -> in -> { }));
        l.addStatement("in", p -> in -> { });
        assertThrows(IllegalArgumentException.class, () -> l.addStatement("in", p -> in -> { }));
    }

    @Test
    void arityDescribesItsAcceptedCounts() {
        assertEquals("4 or 6", Arity.oneOf(4, 6).describe());
        assertEquals("1 to 3", Arity.between(1, 3).describe());
        assertEquals("0", Arity.exactly(0).describe());
        assertTrue(Arity.oneOf(4, 6).accepts(6));
        assertTrue(!Arity.oneOf(4, 6).accepts(5));
    }

    @Test
    void everyBuiltinIsDocumentedInTheLanguageReference() throws IOException {
        String doc = Files.readString(Path.of("README.md"));
        for (Builtin b : Language.standard().functions()) {
            assertTrue(doc.contains(b.signature()), "README.md lacks the signature of " + b.name() + ": " + b.signature());
        }
        for (String k : Language.KEYWORDS) assertTrue(doc.contains("`" + k), "README.md lacks keyword " + k);
    }

    @Test
    void everyExampleScriptParses() throws IOException {
        Path examples = Path.of("examples");
        if (!Files.isDirectory(examples)) return;
        try (var files = Files.list(examples)) {
            for (Path f : files.filter(x -> x.toString().endsWith(".mms")).toList()) {
                Script.parse(f.toString(), Files.readString(f), Language.standard());
            }
        }
    }
}
