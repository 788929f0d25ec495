package org.mmsim.workload.script;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.StringLength;

/**
 * No input, however broken, makes the parser or interpreter throw anything but a {@link ScriptError}; every
 * other outcome is a finished run. Random strings, random token soups and random mutations of valid scripts run
 * against a small {@link FakeMemoryApi} with a step limit.
 */
class ScriptFuzzProperties {
    private static final List<String> CORPUS = List.of(
            """
            # mremap a PMD-aligned area
            const SIZE = 2M
            param LOOPS = 3
            set thp = madvise
            set mthp 64K = always
            p = mmap(1G, SIZE, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS)
            expect p == 1G, "hint honoured"
            memset(p, 0xAA, SIZE)
            region "move" {
              q = mremap(p, SIZE, SIZE, MREMAP_MAYMOVE|MREMAP_FIXED, p + 1G)
            }
            expect q == -1 && errno == EINVAL || q == 2G
            """,
            """
            p = mmap(0, 64K, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)
            for i in 0..16 {
              poke(p + i * 4K, i)
              if i % 2 == 0 { x = peek(p) } else if i > 8 { x = ~i } else { x = -i }
            }
            repeat 4 { pattern(p, 8K, 42); c = checksum(p, 8K) }
            print "c =", c, p >> 12, x ? 1 : 0
            mprotect(p, 4K, PROT_READ)
            expect_fault { poke(p, 1) }
            expect prot(p) == PROT_READ && vmas(p, 64K) == 2 && present(p) && !swapped(p)
            madvise(p, 64K, MADV_PAGEOUT)
            n = 0; n += 3; n <<= 2; n %= 5
            """,
            """
            param N = 4
            region "a" { repeat N { region "b" { munmap(0x1000, 4K) } } }
            expect mapped(0) == 0 && (1 << 62) / (N - 4 + 1) > 0
            """);

    private static final List<String> TOKENS = List.of(
            "p", "q", "x", "=", "==", "+", "-", "*", "/", "%", "<<", ">>", "&&", "||", "!", "~", "?", ":", "(", ")",
            "{", "}", ",", ";", "..", "\n", "\n", "1", "0", "4K", "1T", "0xFFFFFFFFFFFFFFFF", "99999999999999999999",
            "\"s\"", "\"", "const", "param", "set", "thp", "expect", "expect_fault", "region", "repeat", "for", "in",
            "if", "else", "print", "errno", "EINVAL", "PROT_READ", "mmap(0, 4K, 3, 0x22)", "munmap", "mremap",
            "poke", "peek", "memset", "checksum", "#", "\u0000", "\t", "@", "\\");

    /** Runs {@code text}; returns how it ended: "ran", "parse error" or "runtime error". */
    private static String assertClean(String text) {
        Script s;
        try {
            s = Script.parse("t.mms", text, Language.standard());
        } catch (ScriptError e) {
            checkPosition(text, e);
            return "parse error";
        }
        try {
            new Interpreter(s, new FakeMemoryApi(true, 256 << 10), new PrintWriter(new StringWriter()),
                    new PrintWriter(new StringWriter())).withStepLimit(1000).run();
            return "ran";
        } catch (ScriptError e) {
            checkPosition(text, e);
            return "runtime error";
        }
    }

    /** A reported position lies inside the text and the message has the FILE:LINE:COL form. */
    private static void checkPosition(String text, ScriptError e) {
        long lines = text.chars().filter(c -> c == '\n').count() + 1;
        assertTrue(e.line() >= 1 && e.line() <= lines && e.col() >= 1, e.getMessage());
        assertTrue(e.getMessage().startsWith("t.mms:" + e.line() + ":" + e.col() + ": ") && !e.reason().isBlank(),
                e.getMessage());
    }

    @Property(tries = 1000)
    void randomTextEndsInAResultOrAScriptError(@ForAll @StringLength(max = 200) String text) {
        assertClean(text);
    }

    @Property(tries = 1000)
    void binaryGarbageEndsInAResultOrAScriptError(@ForAll @Size(max = 300) byte[] bytes) {
        assertClean(new String(bytes, StandardCharsets.UTF_8));
    }

    @Property(tries = 1000)
    void randomTokenSoupEndsInAResultOrAScriptError(@ForAll("soup") String text) {
        Statistics.collect(assertClean(text));
        Statistics.coverage(c -> c.check("parse error").percentage(p -> p > 20));
    }

    @Property(tries = 2000)
    void mutatedValidScriptsEndInAResultOrAScriptError(@ForAll("mutants") String text) {
        Statistics.collect(assertClean(text));
        Statistics.coverage(c -> {
            c.check("ran").percentage(p -> p > 5);
            c.check("parse error").percentage(p -> p > 20);
            c.check("runtime error").count(n -> n > 0);
        });
    }

    @Property(tries = 3)
    void theCorpusItselfRunsCleanly(@ForAll("corpus") String text) {
        Script s = Script.parse("t.mms", text, Language.standard());
        new Interpreter(s, new FakeMemoryApi(), new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())).run();
    }

    @Provide
    Arbitrary<String> corpus() {
        return Arbitraries.of(CORPUS);
    }

    @Provide
    Arbitrary<String> soup() {
        return Arbitraries.of(TOKENS).list().ofMaxSize(60).map(l -> String.join(" ", l));
    }

    @Provide
    Arbitrary<String> mutants() {
        Arbitrary<String> once = Combinators.combine(Arbitraries.of(CORPUS), Arbitraries.integers().between(0, 4),
                Arbitraries.doubles().between(0, 1), Arbitraries.doubles().between(0, 1), Arbitraries.of(TOKENS))
                .as(ScriptFuzzProperties::mutate);
        return Combinators.combine(once, Arbitraries.integers().between(0, 4), Arbitraries.doubles().between(0, 1),
                Arbitraries.doubles().between(0, 1), Arbitraries.of(TOKENS)).as(ScriptFuzzProperties::mutate);
    }

    /** One edit of {@code s} at relative positions {@code a} and {@code b}. */
    private static String mutate(String s, int op, double a, double b, String token) {
        int i = (int) (a * s.length());
        int j = Math.min(s.length(), i + (int) (b * 40));
        return switch (op) {
            case 0 -> s.substring(0, i) + s.substring(j);
            case 1 -> s.substring(0, i) + token + s.substring(i);
            case 2 -> s.substring(0, j) + s.substring(i, j) + s.substring(j);
            case 3 -> s.substring(0, i) + token + s.substring(j);
            default -> s.substring(0, i) + "(".repeat(j - i) + s.substring(i);
        };
    }
}
