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
 * The mremap and munmap bulk paths of {@code mmsim bench --only bulk} on 256 MiB of 64K folios, patched kernel:
 * mremap moves the range back and forth between a PMD-aligned address and one 1 MiB past a PMD boundary (PTE moves,
 * no table moves, a new set of PTE tables each time); munmap zaps a freshly touched range (the mmap and memset
 * are per-invocation setup, not timed). Scores are ns per PTE. One JVM per architecture (JMH forks per parameter).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BulkBench {
    @Param({"x86_64", "arm64"})
    public String arch;

    private static final int RW = Uapi.PROT_READ | Uapi.PROT_WRITE;
    private static final int ANON = Uapi.MAP_PRIVATE | Uapi.MAP_ANONYMOUS;
    private static final long BASE = 1L << 40;
    private static final long SIZE = 256L << 20;
    private static final int PTES = (int) (SIZE >>> 12);
    /** A destination 64K-aligned but not PMD-aligned, so that every PTE moves. */
    private static final long FAR = BASE + 2 * SIZE + (1L << 20);

    private SimBackend api;
    private long at;
    private boolean mapped;

    @Setup(Level.Trial)
    public void setup() {
        api = new SimBackend(Arch.byName(arch), FeatureSet.patched(), false);
        api.set("memory", Long.toString(4 * SIZE));
        api.set("thp", "never");
        api.set("mthp 64K", "always");
    }

    /** Touches the range again for munmap when the last invocation unmapped it. */
    @Setup(Level.Invocation)
    public void touch() {
        if (mapped) return;
        at = api.mmap(BASE, SIZE, RW, ANON | Uapi.MAP_FIXED_NOREPLACE, -1, 0);
        if (at != BASE) throw new IllegalStateException("mmap failed: errno " + api.errno());
        api.memset(at, 0x5A, SIZE);
        mapped = true;
    }

    /** move_ptes of every PTE of the range to the other address (and munmap of the emptied source). Per PTE. */
    @Benchmark
    @OperationsPerInvocation(PTES)
    public long mremap() {
        long to = at == BASE ? FAR : BASE;
        long r = api.mremap(at, SIZE, SIZE, Uapi.MREMAP_MAYMOVE | Uapi.MREMAP_FIXED, to);
        if (r != to) throw new IllegalStateException("mremap failed: errno " + api.errno());
        at = to;
        return r;
    }

    /** zap_pte_range over the whole range, freeing every folio, then free_pgtables. Per PTE. */
    @Benchmark
    @OperationsPerInvocation(PTES)
    public int munmap() {
        mapped = false;
        return api.munmap(at, SIZE);
    }
}
