package org.mmsim.jmh;

import java.util.concurrent.TimeUnit;

import org.mmsim.arch.Arch;
import org.mmsim.mm.FeatureSet;
import org.mmsim.mm.Uapi;
import org.mmsim.workload.SimBackend;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The batched mprotect of {@code mmsim bench --only bulk}: 1 GiB of 64K folios (262,144 PTEs) read-only and back,
 * per PTE per call. {@link PageoutBench} has the swap-out path on the same machine.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MprotectBench {
    @Param({"x86_64", "arm64"})
    public String arch;

    @Param({"patched", "baseline"})
    public String kernel;

    static final int RW = Uapi.PROT_READ | Uapi.PROT_WRITE;
    static final int ANON = Uapi.MAP_PRIVATE | Uapi.MAP_ANONYMOUS | Uapi.MAP_FIXED_NOREPLACE;
    static final long SIZE = 1L << 30;
    static final int PTES = (int) (SIZE >> 12);
    private static final long PROTECTED = 1L << 40;

    private SimBackend api;

    @Setup(Level.Trial)
    public void setup() {
        api = machine(arch, kernel);
        check(api.mmap(PROTECTED, SIZE, RW, ANON, -1, 0) == PROTECTED, "mmap");
        api.memset(PROTECTED, 0x5A, SIZE);
    }

    /** A machine of {@code arch} with 4 GiB of memory, a 2 GiB swap partition and 64K mTHP for anonymous faults. */
    static SimBackend machine(String arch, String kernel) {
        SimBackend api = new SimBackend(Arch.byName(arch), kernel.equals("patched") ? FeatureSet.patched() : FeatureSet.baseline(), false);
        api.set("memory", Long.toString(4 * SIZE));
        api.set("swap partition", Long.toString(2 * SIZE));
        api.set("thp", "never");
        api.set("mthp 64K", "always");
        return api;
    }

    /** mprotect 1 GiB read-only and back: per PTE per call. */
    @Benchmark
    @OperationsPerInvocation(2 * PTES)
    public int mprotect() {
        return api.mprotect(PROTECTED, SIZE, Uapi.PROT_READ) + api.mprotect(PROTECTED, SIZE, RW);
    }

    static void check(boolean ok, String what) {
        if (!ok) throw new IllegalStateException(what + " failed");
    }
}
