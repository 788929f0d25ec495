package org.mmsim.jmh;

import java.util.concurrent.TimeUnit;

import org.mmsim.arch.Arch;
import org.mmsim.mm.FeatureSet;
import org.mmsim.mm.Mm;
import org.mmsim.mm.Uapi;
import org.mmsim.workload.SimBackend;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * Paths of the model through its public calls: the anonymous fault path (mmap 2 MiB, memset it so each folio
 * faults in, munmap; per 4 KiB page), a batched mprotect of 2 MiB (per PTE), and the VMA look-up in an
 * address space of 10,000 VMAs (per look-up).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ModelBench {
    @Param({"x86_64", "arm64"})
    public String arch;

    @Param({"4K", "64K"})
    public String folio;

    private static final int RW = Uapi.PROT_READ | Uapi.PROT_WRITE;
    private static final int ANON = Uapi.MAP_PRIVATE | Uapi.MAP_ANONYMOUS;
    private static final long BASE = 1L << 40;

    private SimBackend api;
    private SimBackend many;
    private long[] probes;
    private int next;

    @Setup
    public void setup() {
        api = new SimBackend(Arch.byName(arch), FeatureSet.patched(), false);
        api.set("thp", "never");
        if (folio.equals("64K")) api.set("mthp 64K", "always");
        long p = api.mmap(BASE + (1L << 30), 2L << 20, RW, ANON | Uapi.MAP_FIXED_NOREPLACE, -1, 0);
        api.memset(p, 1, 2L << 20);
        many = new SimBackend(Arch.byName(arch), FeatureSet.patched(), false);
        for (int i = 0; i < 10_000; i++) {
            // alternate protections so that neighbours cannot merge
            many.mmap(BASE + i * 8192L, 4096, i % 2 == 0 ? Uapi.PROT_READ : RW, ANON | Uapi.MAP_FIXED_NOREPLACE, -1, 0);
        }
        probes = new long[4096];
        java.util.Random r = new java.util.Random(42);
        for (int i = 0; i < probes.length; i++) probes[i] = BASE + r.nextInt(10_000) * 8192L + r.nextInt(4096);
    }

    /** mmap 2 MiB, memset it (each folio faults in; contents stay one fill byte per page), munmap. Per page. */
    @Benchmark
    @OperationsPerInvocation(512)
    public int faultIn() {
        long p = api.mmap(BASE, 2L << 20, RW, ANON | Uapi.MAP_FIXED_NOREPLACE, -1, 0);
        api.memset(p, 1, 2L << 20);
        return api.munmap(p, 2L << 20);
    }

    /** mprotect 2 MiB read-only and back. Per PTE per call. */
    @Benchmark
    @OperationsPerInvocation(1024)
    public int mprotect() {
        long p = BASE + (1L << 30);
        return api.mprotect(p, 2L << 20, Uapi.PROT_READ) + api.mprotect(p, 2L << 20, RW);
    }

    /** find_vma in 10,000 VMAs. Per look-up. */
    @Benchmark
    public Object vmaLookup() {
        Mm mm = many.mm();
        return mm.vmaLookup(probes[next++ & (probes.length - 1)]);
    }
}
