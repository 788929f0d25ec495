package org.mmsim.bench;

import java.lang.management.ManagementFactory;

import org.mmsim.arch.Arch;
import org.mmsim.mm.FeatureSet;
import org.mmsim.mm.Uapi;
import org.mmsim.workload.SimBackend;

/**
 * A simulated machine set up for a micro-measurement: one process, anonymous memory of a chosen folio size, and
 * helpers to time one call in nanoseconds and to measure the heap. Measurements call the model through
 * {@link SimBackend}, exactly as a script does, so nothing here takes a shortcut the user's runs do not take.
 */
final class Machine {
    static final int RW = Uapi.PROT_READ | Uapi.PROT_WRITE;
    static final int ANON = Uapi.MAP_PRIVATE | Uapi.MAP_ANONYMOUS;
    static final long PAGE = 4096;

    final SimBackend api;
    /** Whether {@link #touch} maps shared anonymous memory (shmem) instead of private anonymous memory. */
    private final boolean shared;

    /**
     * A machine of {@code arch} with {@code features}, physical memory of at least {@code memory} bytes, and
     * anonymous faults allocating folios of {@code folio} bytes (4K, 16K..1M as mTHP, 2M as PMD THP).
     */
    Machine(String arch, FeatureSet features, long memory, long folio) { this(arch, features, memory, folio, false); }

    /** As above; with {@code shared} the memory {@link #touch} maps is MAP_SHARED|MAP_ANONYMOUS, its folios shmem's. */
    Machine(String arch, FeatureSet features, long memory, long folio, boolean shared) {
        api = new SimBackend(Arch.byName(arch), features, false);
        this.shared = shared;
        if (memory > api.kernel().env().phys.bytes()) api.set("memory", Long.toString(memory));
        folio(api::set, folio);
        if (shared) shmemFolio(api::set, folio);
    }

    /** Sets the THP/mTHP tunables so that anonymous faults allocate folios of {@code folio} bytes. */
    static void folio(java.util.function.BiConsumer<String, String> set, long folio) {
        if (folio == 2L << 20) {
            set.accept("thp", "always");
            return;
        }
        set.accept("thp", "never");
        if (folio == 4096) return;
        set.accept("mthp " + mthpSize(folio), "always");
    }

    /** The same for the folios of anonymous shmem (shmem_enabled, per-size shmem_enabled). */
    private static void shmemFolio(java.util.function.BiConsumer<String, String> set, long folio) {
        if (folio == 2L << 20) {
            set.accept("shmem_thp", "always");
            return;
        }
        set.accept("shmem_thp", "never");
        if (folio != 4096) set.accept("shmem_mthp " + mthpSize(folio), "always");
    }

    private static String mthpSize(long folio) {
        if (Long.bitCount(folio) != 1 || folio < 8192 || folio > (1L << 20)) {
            throw new IllegalArgumentException("folio size must be 4K, a power of two from 8K to 1M, or 2M; got " + folio);
        }
        return (folio >> 10) + "K";
    }

    /**
     * mmap of anonymous read-write memory at {@code addr} (MAP_FIXED_NOREPLACE; shared if the machine is), written with
     * one fill byte.
     */
    long touch(long addr, long len) {
        return touch(addr, len, 0x5A);
    }

    /** {@link #touch(long, long)} with the fill byte {@code fill}. */
    long touch(long addr, long len, int fill) {
        int flags = (shared ? Uapi.MAP_SHARED | Uapi.MAP_ANONYMOUS : ANON) | Uapi.MAP_FIXED_NOREPLACE;
        long p = api.mmap(addr, len, RW, flags, -1, 0);
        if (p != addr) throw new IllegalStateException("mmap at 0x" + Long.toHexString(addr) + " failed: errno " + api.errno());
        api.memset(p, fill, len);
        return p;
    }

    /** Fails loudly if a call the measurement relies on failed. */
    static void ok(long r, String what) {
        if (r == -1) throw new IllegalStateException(what + " failed");
    }

    /** Wall nanoseconds of {@code r}. */
    static long time(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return System.nanoTime() - t0;
    }

    /** CPU nanoseconds this thread spent in {@code r} (excludes time other processes took the CPU). */
    static long cpuTime(Runnable r) {
        var mx = ManagementFactory.getThreadMXBean();
        long t0 = mx.getCurrentThreadCpuTime();
        r.run();
        return mx.getCurrentThreadCpuTime() - t0;
    }

    /** Heap bytes in use after a full collection (what live objects cost, not garbage). */
    static long heapUsed() {
        for (int i = 0; i < 3; i++) System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** The heap limit (-Xmx). */
    static long heapMax() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax();
    }
}
