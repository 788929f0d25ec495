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
 * The order-0 (4 KiB folio) anonymous fault path, thp=never and no mTHP size enabled, patched kernel; per page
 * (one fault each). {@code firstTouch} memsets 2 MiB of fresh memory at the next address and never unmaps it, so
 * memory touched grows through the iteration as in {@code mmsim bench --only scaling --folio 4K} (a new machine per
 * iteration, with 1 TiB of simulated memory so it never runs out); {@code reuse} mmaps, memsets and munmaps 2 MiB
 * beside 1 GiB already resident, so the frames freed by one call serve the next. One JVM per architecture.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FaultBench {
    @Param({"x86_64", "arm64"})
    public String arch;

    private static final int RW = Uapi.PROT_READ | Uapi.PROT_WRITE;
    private static final int ANON = Uapi.MAP_PRIVATE | Uapi.MAP_ANONYMOUS | Uapi.MAP_FIXED_NOREPLACE;
    private static final long BASE = 1L << 40;
    private static final long CHUNK = 2L << 20;

    private SimBackend fresh;
    private long next;
    private SimBackend resident;

    @Setup(Level.Iteration)
    public void freshMachine() {
        fresh = machine(1L << 40);
        next = BASE;
    }

    @Setup(Level.Trial)
    public void residentMachine() {
        resident = machine(4L << 30);
        long p = resident.mmap(BASE + (1L << 39), 1L << 30, RW, ANON, -1, 0);
        resident.memset(p, 1, 1L << 30);
    }

    private SimBackend machine(long memory) {
        SimBackend api = new SimBackend(Arch.byName(arch), FeatureSet.patched(), false);
        api.set("memory", Long.toString(memory));
        api.set("thp", "never");
        return api;
    }

    /** mmap 2 MiB at the next free address and memset it: 512 order-0 faults on ever more memory. Per page. */
    @Benchmark
    @OperationsPerInvocation(512)
    public long firstTouch() {
        long p = fresh.mmap(next, CHUNK, RW, ANON, -1, 0);
        fresh.memset(p, 1, CHUNK);
        next += CHUNK;
        return p;
    }

    /** mmap 2 MiB, memset it (512 order-0 faults), munmap, beside 1 GiB resident. Per page. */
    @Benchmark
    @OperationsPerInvocation(512)
    public int reuse() {
        long p = resident.mmap(BASE, CHUNK, RW, ANON, -1, 0);
        resident.memset(p, 1, CHUNK);
        return resident.munmap(p, CHUNK);
    }
}
