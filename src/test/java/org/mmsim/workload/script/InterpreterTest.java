package org.mmsim.workload.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InterpreterTest {
    private static final String MAP = "p = mmap(1G, 1M, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS)\n";

    private static void assertErrorAt(String source, int line, int col, String reason) {
        ScriptError e = Runs.error(source);
        assertEquals("t.mms:" + line + ":" + col + ": " + reason, e.getMessage());
    }

    @Test
    void arithmeticIsCOnSixtyFourBitSignedValues() {
        assertEquals(-3, Runs.eval("-7 / 2"));
        assertEquals(-1, Runs.eval("-7 % 2"));
        assertEquals(Long.MIN_VALUE, Runs.eval("1 << 63"));
        assertEquals(Long.MIN_VALUE, Runs.eval("0x7FFFFFFFFFFFFFFF + 1"));
        assertEquals(-4, Runs.eval("-8 >> 1"));
        assertEquals(-1, Runs.eval("~0"));
        assertEquals(0, Runs.eval("!5"));
        assertEquals(1, Runs.eval("!0"));
        assertEquals(1, Runs.eval("3 > 2 == 1"));
        assertEquals(6, Runs.eval("2 | 4 & 6"));
        assertEquals(7, Runs.eval("1 ? 7 : 1 / 0"));
        assertEquals(2 * (2L << 20), Runs.eval("2 * PMD_SIZE"));
    }

    @Test
    void logicalOperatorsShortCircuitAndYieldZeroOrOne() {
        assertEquals(0, Runs.eval("0 && 1 / 0"));
        assertEquals(1, Runs.eval("5 || undefined_name"));
        assertEquals(1, Runs.eval("5 && 7"));
    }

    @Test
    void divisionByZeroIsARuntimeErrorAtTheOperator() {
        assertErrorAt("x = 0\ny = 10 / x", 2, 8, "division by zero");
        assertErrorAt("x = 10 % 0", 1, 8, "modulo by zero");
    }

    @Test
    void shiftCountOutsideTheWordIsARuntimeError() {
        assertErrorAt("x = 1 << 64", 1, 7, "shift count 64 is outside 0..63");
    }

    @Test
    void undefinedNameIsARuntimeErrorAtTheName() {
        assertErrorAt("x = 1\n\ny = x + yy", 3, 9, "undefined name 'yy'");
        assertErrorAt("print SIZE\nconst SIZE = 1", 1, 7, "undefined name 'SIZE'");
        assertErrorAt("n += 1", 1, 1, "undefined name 'n'");
    }

    @Test
    void theSpecExampleMapsWritesAndChecks() {
        var o = Runs.run("""
                const SIZE = 1M
                p = mmap(1G, SIZE, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS)
                expect p == 1G
                memset(p, 0xAA, SIZE)
                expect peek(p + SIZE - 1) == 0xAA
                poke(p, 7)
                expect peek(p) == 7 && present(p) && !swapped(p)
                expect mapped(p) && prot(p) == (PROT_READ|PROT_WRITE) && vmas(p, SIZE) == 1
                expect madvise(p, SIZE, MADV_PAGEOUT) == 0 && swapped(p)
                expect checksum(p, 2) == 7 * 31 + 0xAA
                """);
        assertEquals("", o.diag());
        assertEquals(6, o.result().passed());
        assertTrue(o.result().ok());
    }

    @Test
    void failedExpectPrintsSourceMessageAndOperandValuesThenContinues() {
        var o = Runs.run(MAP + """
                expect p == 2G, "mapped elsewhere"
                q = munmap(p + 1, 4K)
                expect q == 0 && errno == 0
                expect vmas(p, 1M) == 1
                print "after"
                """);
        assertEquals("""
                t.mms:2: expect failed: p == 2G: mapped elsewhere (p = 1073741824 (0x40000000))
                t.mms:4: expect failed: q == 0 && errno == 0 (q = -1)
                """, o.diag());
        assertEquals("after\n", o.out());
        assertEquals(1, o.result().passed());
        assertEquals(2, o.result().failed());
        assertFalse(o.result().ok());
        assertNull(o.result().stopped());
    }

    @Test
    void errnoIsReadFromTheBackendAfterTheLastCall() {
        var o = Runs.run("""
                q = mremap(0x1001, 4K, 8K, MREMAP_MAYMOVE)
                expect q == -1 && errno == EINVAL
                expect errno == ENOMEM
                """);
        assertEquals(1, o.result().passed());
        assertEquals("t.mms:3: expect failed: errno == ENOMEM (errno = 22 (EINVAL))\n", o.diag());
    }

    @Test
    void expectFaultPassesOnSigsegvAndFailsWithoutOne() {
        var o = Runs.run(MAP + """
                reached = 0
                expect_fault {
                  poke(p + 1M, 1)
                  reached = 1
                }
                expect_fault {
                  poke(p, 1)
                }
                expect reached == 0
                """);
        assertEquals("t.mms:7: expect failed: expect_fault: the block ended without SIGSEGV or SIGBUS\n", o.diag());
        assertEquals(2, o.result().passed());
        assertEquals(1, o.result().failed());
    }

    @Test
    void unexpectedSigsegvStopsTheScriptAtTheLineOfTheCall() {
        var o = Runs.run(MAP + """
                mprotect(p, 4K, PROT_READ)
                repeat 2 {
                  poke(p, 1)
                }
                print "not reached"
                """);
        assertEquals("t.mms:4: unexpected SIGSEGV: SIGSEGV: write at 0x40000000\n", o.diag());
        assertEquals("t.mms:4: unexpected SIGSEGV: SIGSEGV: write at 0x40000000", o.result().stopped());
        assertEquals("", o.out());
        assertFalse(o.result().ok());
    }

    @Test
    void invariantViolationStopsTheScript() {
        var o = Runs.run(MAP + "munmap(p, 4K)\nprint \"not reached\"\n", new FakeMemoryApi().breakInvariantAtCall(2));
        assertEquals("t.mms:2: invariant violated: planted violation at call 2", o.result().stopped());
        assertEquals("", o.out());
    }

    @Test
    void regionsAccumulateOverEntriesInFirstEnteredOrder() {
        var o = Runs.run(MAP + """
                repeat 3 {
                  region "write" { poke(p, 1) }
                  region "advise" { madvise(p, 4K, MADV_DONTNEED) }
                }
                region "write" { memset(p + 4K, 0, 8K) }
                """);
        List<RunResult.Measurement> r = o.result().regions();
        assertEquals(List.of("write", "advise"), r.stream().map(RunResult.Measurement::name).toList());
        assertEquals(4, r.get(0).entries());
        assertEquals(Map.of("USER_BYTES_WRITTEN", 3L + 8192, "FAULT_ANON", 3L + 2), r.get(0).counters());
        assertEquals(Map.of("SYSCALL", 3L), r.get(1).counters());
        assertEquals(3, r.get(1).entries());
        assertEquals(4L, o.result().total().counters().get("SYSCALL"));
        assertTrue(r.get(0).wallNs() >= 0 && o.result().total().wallNs() > 0);
    }

    @Test
    void countersAreAbsentWhenTheBackendHasNone() {
        var o = Runs.run(MAP + "region \"r\" { poke(p, 1) }\n", new FakeMemoryApi(false));
        assertNull(o.result().regions().getFirst().counters());
        assertNull(o.result().total().counters());
    }

    @Test
    void aRegionLeftByAFaultIsStillMeasured() {
        var o = Runs.run("region \"r\" {\n poke(0x1000, 1)\n}\n");
        assertEquals(1, o.result().regions().getFirst().entries());
        assertEquals(Map.of("FAULT_SIGSEGV", 1L), o.result().regions().getFirst().counters());
        assertEquals("t.mms:2: unexpected SIGSEGV: SIGSEGV: write at 0x1000", o.result().stopped());
    }

    @Test
    void forCountsFromLowToBelowHighLikeCAndLeavesTheVariableAtTheBound() {
        var o = Runs.run("""
                sum = 0
                for i in 0..16 { sum += i }
                print sum, i
                for j in 5..2 { sum = -1 }
                print sum, j
                n = 0
                for k in 0..10 { k += 1; n += 1 }
                print n
                """);
        assertEquals("120 16\n120 5\n5\n", o.out());
    }

    @Test
    void repeatEvaluatesItsCountOnce() {
        assertEquals("6\n", Runs.run("n = 3\nrepeat n { n = n + 1 }\nprint n\n").out());
        assertEquals("0\n", Runs.run("n = 0\nrepeat -5 { n = 1 }\nprint n\n").out());
    }

    @Test
    void ifTakesTheFirstTrueArm() {
        String s = """
                if x == 1 { print "one" } else if x == 2 { print "two" } else if x >= 2 { print "many" }
                else { print "none" }
                """;
        assertEquals("one\n", Runs.run("x = 1\n" + s).out());
        assertEquals("two\n", Runs.run("x = 2\n" + s).out());
        assertEquals("many\n", Runs.run("x = 3\n" + s).out());
        assertEquals("none\n", Runs.run("x = 0\n" + s).out());
    }

    @Test
    void compoundAssignmentsApplyTheirOperator() {
        assertEquals("13 3 24 1\n", Runs.run("a = 10\na += 3\nb = 7\nb %= 4\nc = 3\nc <<= 3\nd = 5\nd &= 3\nprint a, b, c, d\n").out());
    }

    @Test
    void paramsTakeCommandLineOverridesParsedAsExpressions() {
        String s = "param LOOPS = 10000\nparam SIZE = 1M\nconst X = SIZE / 4K\nn = 0\nrepeat LOOPS { n += 1 }\nprint n, X\n";
        var o = Runs.run(s, Map.of("LOOPS", "2", "SIZE", "64K"));
        assertEquals("2 16\n", o.out());
        assertEquals(Map.of("LOOPS", 2L, "SIZE", 65536L), o.result().params());
        assertEquals(List.of("LOOPS", "SIZE"), List.copyOf(o.result().params().keySet()));
        assertEquals(4L << 20, Runs.run(s, Map.of("SIZE", "2 * PMD_SIZE", "LOOPS", "0")).result().params().get("SIZE"));
        assertEquals(10000L, Runs.run(s, Map.of("SIZE", "1")).result().params().get("LOOPS"));
    }

    @Test
    void overrideOfAnUndeclaredParamNamesTheScriptsParams() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Runs.run("param LOOPS = 1\nparam SIZE = 2\n", Map.of("LOOP", "3")));
        assertEquals("param LOOP is not declared by t.mms; its params: LOOPS, SIZE", e.getMessage());
        var none = assertThrows(IllegalArgumentException.class, () -> Runs.run("const X = 1\n", Map.of("X", "3")));
        assertEquals("param X is not declared by t.mms; it declares no params", none.getMessage());
    }

    @Test
    void overrideValuesMayUseOnlyConstants() {
        var name = assertThrows(IllegalArgumentException.class, () -> Runs.run("param N = 1\n", Map.of("N", "x + 1")));
        assertTrue(name.getMessage().startsWith("bad value in -p N=x + 1 (column 1): unknown name 'x'"), name.getMessage());
        var call = assertThrows(IllegalArgumentException.class, () -> Runs.run("param N = 1\n", Map.of("N", "peek(1)")));
        assertTrue(call.getMessage().contains("cannot call peek()"), call.getMessage());
        var junk = assertThrows(IllegalArgumentException.class, () -> Runs.run("param N = 1\n", Map.of("N", "1 2")));
        assertTrue(junk.getMessage().contains("(column 3): expected end of value"), junk.getMessage());
        var zero = assertThrows(IllegalArgumentException.class, () -> Runs.run("param N = 1\n", Map.of("N", "1/0")));
        assertTrue(zero.getMessage().contains("division by zero"), zero.getMessage());
    }

    @Test
    void setPassesTheKeyAndTheValueToTheBackend() {
        var o = Runs.run("const N = 7\nset thp = madvise\nset mthp 64K = always\nset max_map_count = N * 2\n");
        assertEquals(Map.of("thp", "madvise", "mthp 64K", "always", "max_map_count", "14"), o.api().tunables());
    }

    @Test
    void aValueTheBackendRefusesIsAScriptErrorWithItsMessage() {
        assertErrorAt("x = 1\n  set thp = sometimes", 2, 3, "bad value 'sometimes' for thp; expected always, madvise, never");
        assertErrorAt("set mthp 3K = always", 1, 1, "unknown tunable 'mthp 3K'");
    }

    @Test
    void printShowsDecimalAndHexFromPageSizeUp() {
        assertEquals("p = 1073741824 (0x40000000) 4095 -1 4096 (0x1000)\n\n",
                Runs.run("print \"p =\", 1G, 4095, -1, 4K\nprint\n").out());
    }

    @Test
    void stepLimitStopsRunawayLoops() {
        Script s = Script.parse("t.mms", "repeat 1 << 40 { }\n", Language.standard());
        var in = new Interpreter(s, new FakeMemoryApi(), new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        ScriptError e = assertThrows(ScriptError.class, () -> in.withStepLimit(1000).run());
        assertEquals("t.mms:1:1: step limit of 1000 statements exceeded", e.getMessage());
    }

    @Test
    void anInterpreterRunsOnce() {
        Script s = Script.parse("t.mms", "x = 1\n", Language.standard());
        var in = new Interpreter(s, new FakeMemoryApi(), new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        in.run();
        assertThrows(IllegalStateException.class, in::run);
    }

    @Test
    void countersAreSnapshottedNotAliased() {
        // the fake returns its live array; a region must still see a non-zero delta
        var o = Runs.run(MAP + "region \"r\" { munmap(p, 4K) }\n");
        assertEquals(Map.of("SYSCALL", 1L), o.result().regions().getFirst().counters());
    }
}
