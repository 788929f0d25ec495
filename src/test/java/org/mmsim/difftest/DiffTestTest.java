package org.mmsim.difftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.mmsim.host.HostBackend;
import org.mmsim.host.HostTestSupport;
import org.mmsim.mm.FeatureSet;
import org.mmsim.mm.Uapi;
import org.mmsim.workload.Backends;
import org.mmsim.workload.MemoryApi;
import org.mmsim.workload.script.Interpreter;
import org.mmsim.workload.script.Language;
import org.mmsim.workload.script.Script;

/**
 * The differential test itself: the model's feature sets and architectures agree on a bounded run; an injected
 * model bug is found, shrunk, and written as a script that holds on the reference and fails on the buggy side; and,
 * where the host allows it, a bounded run against the live kernel finds no divergence.
 */
class DiffTestTest {
    static Supplier<MemoryApi> sim(String arch, String kernel, boolean check) {
        return () -> Backends.sim(arch, FeatureSet.parse(kernel), check);
    }

    @Test
    void seedFeaturesAndArchitecturesDoNotChangeWhatAProgramSees() {
        var cfg = DiffTest.Config.of(11, 1200);
        DiffTest.Report r = new DiffTest(sim("x86_64", "baseline", false), "baseline", sim("arm64", "patched", true),
                "arm64 patched", cfg, null).run();
        assertEquals(List.of(), r.divergences().stream().map(DiffTest.Found::script).toList());
        assertEquals(1200, r.opsRun());
        // the generator reaches success, failure and fault paths of every call
        Tally t = r.tally();
        for (String call : List.of("mmap", "munmap", "mremap", "mprotect", "madvise", "memset", "peek", "checksum"))
            assertTrue(t.count(call, "ok") > 5, () -> call + " rarely succeeds:\n" + t.describe());
        assertTrue(t.count("mmap", "outside") > 0 && t.count("mremap", "outside") > 0, t::describe);
        assertTrue(t.count("mremap", "EINVAL") > 0 && t.count("mmap", "EEXIST") > 0, t::describe);
        assertTrue(t.count("memset", "SIGSEGV") > 0 && t.count("madvise", "ENOMEM") > 0, t::describe);
    }

    /** A model that forgets MADV_DONTNEED on ranges longer than one page. */
    static final class ForgetfulDontneed extends Delegate {
        ForgetfulDontneed(MemoryApi api) { super(api); }

        @Override public int madvise(long addr, long len, int advice) {
            if (advice == Uapi.MADV_DONTNEED && len > 4096) {
                int r = api.madvise(addr, len, Uapi.MADV_NORMAL);
                return r;
            }
            return api.madvise(addr, len, advice);
        }
    }

    @Test
    void anInjectedBugIsFoundShrunkAndReproducedByItsScript() {
        var cfg = new DiffTest.Config(5, 600, 200, 25, 64L << 20, 200, false, false);
        Supplier<MemoryApi> good = sim("x86_64", "patched", false);
        Supplier<MemoryApi> bad = () -> new ForgetfulDontneed(Backends.sim("x86_64", FeatureSet.patched(), false));
        DiffTest.Report r = new DiffTest(good, "model", bad, "forgetful", cfg, null).run();
        assertFalse(r.divergences().isEmpty(), "the injected bug was not found");
        DiffTest.Found f = r.divergences().getFirst();
        assertTrue(f.shrunkLength() <= 6, () -> "not shrunk: " + f.shrunkLength() + " calls\n" + f.script());
        assertTrue(f.script().contains("MADV_DONTNEED"), f.script());
        assertTrue(runScript(f.script(), good.get()), () -> "the script fails on the reference:\n" + f.script());
        assertFalse(runScript(f.script(), bad.get()), () -> "the script holds on the buggy side:\n" + f.script());
    }

    @Test
    void boundedRunAgainstTheLiveKernelFindsNoDivergence() {
        HostTestSupport.assumeHostSettings();
        var cfg = DiffTest.Config.of(7, 300);
        Supplier<MemoryApi> host = HostBackend::open;
        DiffTest.Report r = new DiffTest(host, "host", sim("x86_64", "patched", true), "sim", cfg, null).run();
        assertEquals(300, r.opsRun());
        assertEquals("", String.join("\n", r.divergences().stream().map(DiffTest.Found::script).toList()));
    }

    @Test
    void hostPassesTheDontunmapHintToTheKernel() {
        // check_mremap_params: with MREMAP_DONTUNMAP new_addr is checked (alignment: EINVAL) before the VMA is
        // looked up (EFAULT). The host backend used to drop new_addr unless MREMAP_FIXED was set.
        HostTestSupport.assumeHost();
        int flags = Uapi.MREMAP_MAYMOVE | Uapi.MREMAP_DONTUNMAP;
        for (MemoryApi api : List.of(HostBackend.open(), Backends.sim("x86_64", FeatureSet.patched(), false))) {
            try (api) {
                assertEquals(-1, api.mremap(1L << 30, 4096, 4096, flags, (1L << 30) + (8 << 20) + 0x45), api.backend());
                assertEquals(org.mmsim.mm.Errno.EINVAL, api.errno(), api.backend());
                assertEquals(-1, api.mremap(1L << 30, 4096, 4096, flags, (1L << 30) + (8 << 20)), api.backend());
                assertEquals(org.mmsim.mm.Errno.EFAULT, api.errno(), api.backend());
            }
        }
    }

    static boolean runScript(String text, MemoryApi api) {
        try (api) {
            StringWriter sink = new StringWriter();
            Script s = Script.parse("repro.mms", text, Language.standard());
            return new Interpreter(s, api, new PrintWriter(sink), new PrintWriter(sink)).run().ok();
        }
    }
}
