package org.mmsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mmsim.mm.FeatureSet;
import org.mmsim.workload.script.FakeMemoryApi;

/** {@code mmsim run} in process, against the in-memory fake backend. */
class RunCommandTest {
    @TempDir
    Path dir;

    /** Every backend the fake factory opened, with what it was asked for. */
    final List<FakeMemoryApi> opened = new ArrayList<>();
    final List<String> requests = new ArrayList<>();
    Supplier<FakeMemoryApi> make = FakeMemoryApi::new;

    final BackendFactory fake = (arch, features, check) -> {
        if (!arch.equals("x86_64") && !arch.equals("arm64")) {
            throw new IllegalArgumentException("unknown arch '" + arch + "'; known: x86_64, arm64");
        }
        requests.add(arch + " " + features.spec() + " check=" + check);
        FakeMemoryApi api = make.get();
        if (check) api.breakInvariantAtCall(2);
        opened.add(api);
        return api;
    };

    record Result(int status, String out, String err) { }

    Result mmsim(String... args) {
        return mmsim(fake, false, args);
    }

    static Result mmsim(BackendFactory f, boolean debug, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = MmsimCommand.execute(args, new PrintWriter(out), new PrintWriter(err), f, debug);
        return new Result(status, out.toString(), err.toString());
    }

    String script(String text) throws IOException {
        Path p = dir.resolve("s.mms");
        Files.writeString(p, text);
        return p.toString();
    }

    static final String MOVE = """
            const SIZE = 1M
            p = mmap(1G, SIZE, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS)
            expect p == 1G
            memset(p, 0xAA, SIZE)
            region "move" {
              q = mremap(p, SIZE, SIZE, MREMAP_MAYMOVE|MREMAP_FIXED, p + SIZE)
            }
            expect q == p + SIZE
            print "q =", q
            """;

    @Test
    void passingScriptExitsZeroAndReportsRegionsTotalAndExpects() throws IOException {
        Result r = mmsim("run", script(MOVE));
        assertEquals(0, r.status(), r.err());
        assertEquals("", r.err());
        String[] lines = r.out().split("\n");
        assertEquals("q = 1074790400 (0x40100000)", lines[0]);
        assertTrue(lines[1].matches("region \"move\": 1 entry, \\d+\\.\\d{3} ms"), lines[1]);
        assertEquals("  PTE_MOVE          256", lines[2]);
        assertEquals("  SYSCALL             1", lines[3]);
        assertTrue(lines[4].matches("total: \\d+\\.\\d{3} ms"), lines[4]);
        assertTrue(r.out().contains("\n  USER_BYTES_WRITTEN      1048576\n"), r.out());
        assertTrue(r.out().endsWith("expects: 2 passed, 0 failed\n"), r.out());
        assertTrue(opened.getFirst().closed());
    }

    @Test
    void defaultsAreX86PatchedWithoutChecking() throws IOException {
        mmsim("run", script(""));
        mmsim("run", script(""), "--arch", "arm64", "--kernel", "baseline,move-pmd");
        assertEquals(List.of("x86_64 patched check=false", "arm64 baseline,move-pmd check=false"), requests);
    }

    @Test
    void failedExpectExitsOneAfterTheReport() throws IOException {
        Result r = mmsim("run", script("expect 1 == 2, \"math\"\nexpect 1\n"));
        assertEquals(1, r.status());
        assertEquals(r.err(), "%s:1: expect failed: 1 == 2: math\n".formatted(dir.resolve("s.mms")));
        assertTrue(r.out().endsWith("expects: 1 passed, 1 failed\n"), r.out());
    }

    @Test
    void unexpectedSigsegvExitsOneWithFileAndLine() throws IOException {
        String f = script("x = 1\npoke(0x1000, 1)\nprint \"not reached\"\n");
        Result r = mmsim("run", f);
        assertEquals(1, r.status());
        assertEquals(f + ":2: unexpected SIGSEGV: SIGSEGV: write at 0x1000\n", r.err());
        assertFalse(r.out().contains("not reached"));
        assertTrue(r.out().endsWith("expects: 0 passed, 0 failed\n"), r.out());
        assertTrue(opened.getFirst().closed());
    }

    @Test
    void invariantViolationUnderCheckExitsOne() throws IOException {
        String f = script("p = mmap(0, 4K, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS)\nmunmap(p, 4K)\n");
        assertEquals(0, mmsim("run", f).status());
        Result r = mmsim("run", f, "--check");
        assertEquals(1, r.status());
        assertEquals(f + ":2: invariant violated: planted violation at call 2\n", r.err());
    }

    @Test
    void checkTakesAModeOnlyWhenOneIsNamed() throws IOException {
        String f = script("p = mmap(0, 4K, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS)\nmunmap(p, 4K)\n");
        Result before = mmsim("run", "--check", f); // the file stays the script
        assertEquals(1, before.status(), before.err());
        assertEquals(f + ":2: invariant violated: planted violation at call 2\n", before.err());
        assertEquals(null, opened.getLast().tunables().get("check"), "--check is the incremental check");
        Result full = mmsim("run", f, "--check=full");
        assertEquals(1, full.status(), full.err());
        assertEquals("full", opened.getLast().tunables().get("check"));
        Result spaced = mmsim("run", "--check", "full", f);
        assertEquals(1, spaced.status(), spaced.err());
        assertEquals("full", opened.getLast().tunables().get("check"));
        Result bad = mmsim("run", f, "--check=bogus");
        assertEquals(2, bad.status());
        assertTrue(bad.err().contains("'bogus'"), bad.err());
        assertEquals(List.of("x86_64 patched check=true", "x86_64 patched check=true", "x86_64 patched check=true"), requests);
    }

    @Test
    void parseErrorExitsTwoWithFileLineAndColumnBeforeOpeningTheBackend() throws IOException {
        String f = script("x = 1\ny = 2 +\nz = \"unterminated\n");
        Result r = mmsim("run", f);
        assertEquals(2, r.status());
        assertEquals(f + ":2:8: expected an expression, found end of line\n", r.err());
        assertEquals("", r.out());
        assertTrue(opened.isEmpty());
    }

    @Test
    void runtimeErrorExitsTwoAndClosesTheBackend() throws IOException {
        String f = script("x = 0\nrepeat 2 {\n  y = 1 % x\n}\n");
        Result r = mmsim("run", f);
        assertEquals(2, r.status());
        assertEquals(f + ":3:9: modulo by zero\n", r.err());
        assertEquals("", r.out());
        assertTrue(opened.getFirst().closed());
    }

    @Test
    void badSetValueExitsTwoWithTheBackendsMessage() throws IOException {
        String f = script("set thp = sometimes\n");
        Result r = mmsim("run", f);
        assertEquals(2, r.status());
        assertEquals(f + ":1:1: bad value 'sometimes' for thp; expected always, madvise, never\n", r.err());
    }

    @Test
    void unreadableScriptsExitTwoWithTheReason() throws IOException {
        String missing = dir.resolve("none.mms").toString();
        assertEquals(new Result(2, "", "mmsim: cannot read " + missing + ": no such file\n"), mmsim("run", missing));
        Result d = mmsim("run", dir.toString());
        assertEquals(2, d.status());
        assertTrue(d.err().startsWith("mmsim: cannot read " + dir + ": "), d.err());
        assertEquals(1, d.err().lines().count());
    }

    @Test
    void binaryGarbageExitsTwoWithOneLineAndNoStackTrace() throws IOException {
        Path p = dir.resolve("garbage.mms");
        byte[] bytes = new byte[4096];
        new java.util.Random(7).nextBytes(bytes);
        Files.write(p, bytes);
        Result r = mmsim("run", p.toString());
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith(p + ":1:"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    void emptyScriptPasses() throws IOException {
        Result r = mmsim("run", script(""));
        assertEquals(0, r.status());
        assertTrue(r.out().endsWith("expects: 0 passed, 0 failed\n"));
    }

    @Test
    void unknownKernelFeatureOrArchExitsTwoWithTheirMessage() throws IOException {
        String f = script("");
        Result k = mmsim("run", f, "--kernel", "patched,-no-such-thing");
        assertEquals(2, k.status());
        String expected;
        try {
            FeatureSet.parse("patched,-no-such-thing");
            expected = null;
        } catch (IllegalArgumentException e) {
            expected = "mmsim: " + e.getMessage() + "\n";
        }
        assertEquals(expected, k.err());
        Result a = mmsim("run", f, "--arch", "riscv");
        assertEquals(new Result(2, "", "mmsim: unknown arch 'riscv'; known: x86_64, arm64\n"), a);
    }

    @Test
    void unknownBackendExitsTwo() throws IOException {
        assertEquals(new Result(2, "", "mmsim: unknown backend 'qemu'; known: sim, host\n"),
                mmsim("run", script(""), "--backend", "qemu"));
        assertTrue(opened.isEmpty());
    }

    @Test
    void paramOverridesAreExpressions() throws IOException {
        String f = script("param LOOPS = 10000\nparam SIZE = 1M\nn = 0\nrepeat LOOPS { n += 1 }\nprint n, SIZE\n");
        Result r = mmsim("run", f, "-p", "LOOPS=2", "-p", "SIZE=64K");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith("2 65536 (0x10000)\n"), r.out());
    }

    @Test
    void overrideOfAnUndeclaredParamExitsTwoNamingTheScriptsParams() throws IOException {
        String f = script("param LOOPS = 1\nparam SIZE = 2\n");
        Result r = mmsim("run", f, "-p", "LOPS=2");
        assertEquals(new Result(2, "", "mmsim: param LOPS is not declared by " + f + "; its params: LOOPS, SIZE\n"), r);
        Result bad = mmsim("run", f, "-p", "SIZE=1M+");
        assertEquals(2, bad.status());
        assertTrue(bad.err().startsWith("mmsim: bad value in -p SIZE=1M+ (column 4): expected an expression"), bad.err());
        assertEquals(2, mmsim("run", f, "-p", "SIZE").status());
    }

    @Test
    void jsonReportFollowsTheSchemaAndPrintsGoToStderr() throws IOException {
        String f = script("param N = 3\n" + MOVE + "region \"move\" { poke(p + 2M - 1, 1) }\nexpect 0\n");
        Result r = mmsim("run", f, "--json", "-p", "N=4");
        assertEquals(1, r.status());
        assertTrue(r.err().startsWith("q = 1074790400 (0x40100000)\n"), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(List.of("script", "backend", "arch", "kernel", "features", "params", "expects", "regions", "total"),
                fields(j));
        assertEquals(f, j.get("script").asText());
        assertEquals("fake", j.get("backend").asText());
        assertEquals("x86_64", j.get("arch").asText());
        assertEquals("patched", j.get("kernel").asText());
        assertEquals(FeatureSet.patched().names(), new ObjectMapper().convertValue(j.get("features"), List.class));
        assertEquals(4, j.get("params").get("N").asLong());
        assertEquals(List.of("passed", "failed"), fields(j.get("expects")));
        assertEquals(2, j.get("expects").get("passed").asInt());
        assertEquals(1, j.get("expects").get("failed").asInt());
        JsonNode region = j.get("regions").get(0);
        assertEquals(1, j.get("regions").size());
        assertEquals(List.of("name", "entries", "counters", "wall_ns"), fields(region));
        assertEquals("move", region.get("name").asText());
        assertEquals(2, region.get("entries").asLong());
        assertEquals(256, region.get("counters").get("PTE_MOVE").asLong());
        assertEquals(1, region.get("counters").get("USER_BYTES_WRITTEN").asLong());
        assertTrue(region.get("wall_ns").isIntegralNumber());
        assertEquals(List.of("counters", "wall_ns"), fields(j.get("total")));
        assertEquals(2, j.get("total").get("counters").get("SYSCALL").asLong());
    }

    @Test
    void jsonCountersAreNullWhenTheBackendHasNone() throws IOException {
        make = () -> new FakeMemoryApi(false);
        Result r = mmsim("run", script("region \"r\" { }\n"), "--json");
        assertEquals(0, r.status());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertTrue(j.get("total").get("counters").isNull());
        assertTrue(j.get("regions").get(0).get("counters").isNull());
        assertTrue(j.get("regions").get(0).has("wall_ns"));
        Result text = mmsim("run", script("region \"r\" { }\n"));
        assertTrue(text.out().matches("region \"r\": 1 entry, \\S+ ms\ntotal: \\S+ ms\nexpects: 0 passed, 0 failed\n"),
                text.out());
    }

    @Test
    void helpVersionAndUsageErrors() {
        Result help = mmsim("--help");
        assertEquals(0, help.status());
        assertTrue(help.out().contains("run") && help.out().contains("Exit status"), help.out());
        Result runHelp = mmsim("run", "--help");
        assertEquals(0, runHelp.status());
        for (String opt : List.of("--arch", "--kernel", "--check", "--json", "--backend", "-p")) {
            assertTrue(runHelp.out().contains(opt), opt);
        }
        assertEquals(new Result(0, "mmsim 0.1.0\n", ""), mmsim("--version"));
        Result none = mmsim();
        assertEquals(2, none.status());
        assertTrue(none.err().startsWith("mmsim: a command is needed\n"), none.err());
        Result unknown = mmsim("run", "x.mms", "--frobnicate");
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().startsWith("mmsim: Unknown option: '--frobnicate'"), unknown.err());
        assertEquals(2, mmsim("run").status());
        assertEquals(2, mmsim("walk").status());
    }

    @Test
    void unexpectedExceptionsAreInternalErrorsInOneLine() throws IOException {
        String f = script("");
        BackendFactory broken = (a, k, c) -> {
            throw new IllegalStateException("boom\nsecond line");
        };
        assertEquals(new Result(70, "", "mmsim: internal error: java.lang.IllegalStateException: boom second line\n"),
                mmsim(broken, false, "run", f));
        BackendFactory worse = (a, k, c) -> {
            throw new AssertionError("bad");
        };
        assertEquals(new Result(70, "", "mmsim: internal error: java.lang.AssertionError: bad\n"), mmsim(worse, false, "run", f));
        Result debug = mmsim(broken, true, "run", f);
        assertEquals(70, debug.status());
        assertTrue(debug.err().contains("\tat "), "MMSIM_DEBUG=1 shows the stack trace");
    }

    private static List<String> fields(JsonNode n) {
        List<String> l = new ArrayList<>();
        n.fieldNames().forEachRemaining(l::add);
        return l;
    }
}
