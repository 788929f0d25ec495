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

    /**
     * A machine of {@code arch} with {@code features}, physical memory of at least {@code memory} bytes, and
     * anonymous faults allocating folios of {@code folio} bytes (4K, 16K..1M as mTHP, 2M as PMD THP).
     */
    Machine(String arch, FeatureSet features, long memory, long folio) {
        api = new SimBackend(Arch.byName(arch), features, false);
        if (memory > api.kernel().env().phys.bytes()) api.set("memory", Long.toString(memory));
        folio(api::set, folio);
    }

    /** Sets the THP/mTHP tunables so that anonymous faults allocate folios of {@code folio} bytes. */
    static void folio(java.util.function.BiConsumer<String, String> set, long folio) {
        if (folio == 2L << 20) {
            set.accept("thp", "always");
            return;
        }
        set.accept("thp", "never");
        if (folio == 4096) return;
        if (Long.bitCount(folio) != 1 || folio < 8192 || folio > (1L << 20)) {
            throw new IllegalArgumentException("folio size must be 4K, a power of two from 8K to 1M, or 2M; got " + folio);
        }
        set.accept("mthp " + (folio >> 10) + "K", "always");
    }

    /** mmap of anonymous read-write memory at {@code addr} (MAP_FIXED_NOREPLACE), written with one fill byte. */
    long touch(long addr, long len) {
        return touch(addr, len, 0x5A);
    }

    /** {@link #touch(long, long)} with the fill byte {@code fill}. */
    long touch(long addr, long len, int fill) {
        long p = api.mmap(addr, len, RW, ANON | Uapi.MAP_FIXED_NOREPLACE, -1, 0);
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
