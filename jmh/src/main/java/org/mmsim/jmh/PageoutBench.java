package org.mmsim.jmh;

import java.util.concurrent.TimeUnit;

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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The swap-out unmap of {@code mmsim bench --only bulk}, per PTE: MADV_PAGEOUT of 1 GiB of zero-filled 64K folios to
 * a swap partition, as seed 001 does. The mmap and memset before each call and the munmap after it are untimed
 * (Level.Invocation fixtures; each call takes tens of milliseconds, so their own overhead does not matter).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PageoutBench {
    @Param({"x86_64", "arm64"})
    public String arch;

    @Param({"patched", "baseline"})
    public String kernel;

    private static final long PAGED = 1L << 41;

    private SimBackend api;

    @Setup(Level.Trial)
    public void setup() { api = MprotectBench.machine(arch, kernel); }

    @Setup(Level.Invocation)
    public void touch() {
        MprotectBench.check(api.mmap(PAGED, MprotectBench.SIZE, MprotectBench.RW, MprotectBench.ANON, -1, 0) == PAGED, "mmap");
        api.memset(PAGED, 0, MprotectBench.SIZE);
    }

    @TearDown(Level.Invocation)
    public void unmap() { MprotectBench.check(api.munmap(PAGED, MprotectBench.SIZE) == 0, "munmap"); }

    /** MADV_PAGEOUT of the whole GiB: per PTE. */
    @Benchmark
    @OperationsPerInvocation(MprotectBench.PTES)
    public boolean pageout() {
        MprotectBench.check(api.madvise(PAGED, MprotectBench.SIZE, Uapi.MADV_PAGEOUT) == 0, "madvise (errno " + api.errno() + ")");
        return api.swapped(PAGED + MprotectBench.SIZE - 4096);
    }
}
