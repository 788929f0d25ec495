package org.mmsim.jmh;

import java.util.concurrent.TimeUnit;

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
 * What this machine's Java takes for the bare per-page stores of two bulk paths, with none of the model around
 * them: the floor under the bench's "pageout: unmap step" and "munmap (zap)" rows. No mmsim class is used; the arrays
 * have the model's shapes (PTE tables of 512 longs, per-frame short flags and mapcounts and int refcounts as in
 * {@code PhysMem}, an int per swap slot as in {@code SwapDevice}) and the walk is the bench's: 1 GiB (262,144 pages)
 * of 64K folios (16 pages), one folio at a time, with the memory filled again before each call (untimed, as the bench's
 * memset). Scores are ns per page.
 *
 * <p>Swap-out of an exclusive folio mapped once, as try_to_unmap must leave it (the kernel does the same stores:
 * swap PTEs, swap_map counts, PageAnonExclusive cleared by folio_try_share_anon_rmap_ptes, _mapcount dropped by
 * folio_remove_rmap_ptes): check the PTE batch and write the swap entries, raise each slot's count, clear each page's
 * exclusivity, zero each page's mapcount. Three forms of the same work: one loop over all four arrays
 * ({@code swapOutFused}), a check pass and then one loop per array ({@code swapOutPasses}), and flags and mapcount
 * packed in one int per page ({@code swapOutPacked}: one array fewer). The zap, for comparison: clear the batch and
 * reset the three per-frame arrays of the freed folio ({@code zap}). Run: {@code ./jmh/run.sh FloorBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 100)
@Measurement(iterations = 100)
@Fork(1)
public class FloorBench {
    private static final int PAGES = 1 << 18;
    private static final int TABLE = 512;
    private static final int FIRST_PFN = 4096;
    private static final long PRESENT = 0x67L;      // present, RW, user, accessed, dirty (x86_64 bits)
    private static final int EXCLUSIVE = 1 << 8;    // PageAnonExclusive in PhysMem's flags
    private static final int IN_USE = 1 << 30;      // a slot allocated to the swap cache, as in SwapDevice
    private static final int COUNT_MASK = 0x3f;

    /** Pages per folio: 16 is the bench's 64K. */
    @Param({"16"})
    public int folio;

    private long[][] tables;
    private short[] flags;
    private short[] mapcount;
    private int[] refcount;
    private int[] packed;
    private int[] slots;

    @Setup(Level.Trial)
    public void allocate() {
        tables = new long[PAGES / TABLE][TABLE];
        flags = new short[FIRST_PFN + PAGES];
        mapcount = new short[FIRST_PFN + PAGES];
        refcount = new int[FIRST_PFN + PAGES];
        packed = new int[FIRST_PFN + PAGES];
        slots = new int[PAGES + 1];
    }

    /** Mapped, exclusive, mapcount 1, refcount 1 on each head; every slot allocated with count 0 (untimed). */
    @Setup(Level.Invocation)
    public void fill() {
        for (int t = 0; t < tables.length; t++) {
            long[] tb = tables[t];
            for (int i = 0; i < TABLE; i++) tb[i] = (long) (FIRST_PFN + t * TABLE + i) << 12 | PRESENT;
        }
        for (int p = FIRST_PFN; p < FIRST_PFN + PAGES; p++) {
            flags[p] = EXCLUSIVE;
            mapcount[p] = 1;
            refcount[p] = p % folio == 0 ? 1 : p % folio == 1 ? folio : 0;
            packed[p] = EXCLUSIVE | 1 << 16;
        }
        for (int s = 1; s <= PAGES; s++) slots[s] = IN_USE;
    }

    /** The page of table t, entry i, and its swap slot. */
    private static int pfn(int t, int i) { return FIRST_PFN + t * TABLE + i; }

    private static int slot(int t, int i) { return 1 + t * TABLE + i; }

    /** The work on one folio: the PTE table, the index of its first entry, its head pfn and first swap slot. */
    private interface FolioStep {
        int apply(long[] t, int i, int head, int off);
    }

    /** The bench's walk: every folio of every table, in address order; returns the pages done. */
    private long walk(FolioStep step) {
        long n = 0;
        for (int t = 0; t < tables.length; t++) {
            for (int i = 0; i < TABLE; i += folio) n += step.apply(tables[t], i, pfn(t, i), slot(t, i));
        }
        return n;
    }

    @Benchmark
    @OperationsPerInvocation(PAGES)
    public long swapOutFused() { return walk(this::fused); }

    @Benchmark
    @OperationsPerInvocation(PAGES)
    public long swapOutPasses() { return walk(this::passes); }

    @Benchmark
    @OperationsPerInvocation(PAGES)
    public long swapOutPacked() { return walk(this::packed); }

    @Benchmark
    @OperationsPerInvocation(PAGES)
    public long zap() { return walk((t, i, head, off) -> zap(t, i, head)); }

    /** The rmap walk's check that the first entry maps the folio. */
    private static void checkMaps(long first, int head) {
        if ((first & 1) == 0 || first >>> 12 != head) throw new IllegalStateException("entry does not map the folio");
    }

    /** The walk's check, then the swap entry of the folio's first slot. */
    private static long swapEntry(long first, int head, int off, boolean exclusive) {
        checkMaps(first, head);
        return (long) off << 12 | (exclusive ? 4 : 0);
    }

    /** Negative if a slot's state is not in use, or its count is at the maximum: SwapDevice.dup's one test. */
    private static int badSlot(int st) { return (st & IN_USE) - 1 | COUNT_MASK - 1 - (st & COUNT_MASK); }

    private int fused(long[] t, int i, int head, int off) {
        short[] f = flags;
        short[] m = mapcount;
        int[] s = slots;
        long first = t[i];
        int excl = f[head] & EXCLUSIVE;
        long swp = swapEntry(first, head, off, excl != 0);
        int bad = 0;
        int sum = 0;
        int nr = 0;
        for (; nr < folio; nr++) {
            long step = (long) nr << 12;
            if (t[i + nr] != first + step) break;
            t[i + nr] = swp + step;
            int fl = f[head + nr];
            sum += fl & EXCLUSIVE;
            f[head + nr] = (short) (fl & ~EXCLUSIVE);
            m[head + nr] = 0;
            int st = s[off + nr];
            bad |= badSlot(st);
            s[off + nr] = st + 1;
        }
        if (bad < 0 || sum != excl * nr) throw new IllegalStateException("bad slot or mixed exclusivity");
        refcount[head + 1] = 0;
        return nr;
    }

    private int passes(long[] t, int i, int head, int off) {
        short[] f = flags;
        short[] m = mapcount;
        int[] s = slots;
        int n = folio;
        long first = t[i];
        int excl = f[head] & EXCLUSIVE;
        long swp = swapEntry(first, head, off, excl != 0);
        long diff = 0;
        for (int k = 0; k < n; k++) diff |= t[i + k] - ((long) k << 12) ^ first;
        if (diff != 0) throw new IllegalStateException("the batch ends inside the folio");
        for (int k = 0; k < n; k++) t[i + k] = swp + ((long) k << 12);
        int sum = 0;
        for (int k = head; k < head + n; k++) sum += f[k] & EXCLUSIVE;
        int bad = 0;
        for (int k = off; k < off + n; k++) {
            int st = s[k];
            bad |= badSlot(st);
            s[k] = st + 1;
        }
        if (bad < 0 || sum != excl * n) throw new IllegalStateException("bad slot or mixed exclusivity");
        for (int k = head; k < head + n; k++) {
            f[k] &= (short) ~EXCLUSIVE;
            m[k] = 0;
        }
        refcount[head + 1] = 0;
        return n;
    }

    private int packed(long[] t, int i, int head, int off) {
        int[] p = packed;
        int[] s = slots;
        long first = t[i];
        int excl = p[head] & EXCLUSIVE;
        long swp = swapEntry(first, head, off, excl != 0);
        int bad = 0;
        int sum = 0;
        int nr = 0;
        for (; nr < folio; nr++) {
            long step = (long) nr << 12;
            if (t[i + nr] != first + step) break;
            t[i + nr] = swp + step;
            int v = p[head + nr];
            sum += v & EXCLUSIVE;
            bad |= -(v >>> 16 ^ 1); // mapcount 1
            p[head + nr] = v & 0xffff & ~EXCLUSIVE;
            int st = s[off + nr];
            bad |= badSlot(st);
            s[off + nr] = st + 1;
        }
        if (bad < 0 || sum != excl * nr) throw new IllegalStateException("bad slot, count or mixed exclusivity");
        refcount[head + 1] = 0;
        return nr;
    }

    private int zap(long[] t, int i, int head) {
        long first = t[i];
        checkMaps(first, head);
        int nr = 0;
        for (; nr < folio; nr++) {
            if (t[i + nr] != first + ((long) nr << 12)) break;
            t[i + nr] = 0;
        }
        if (nr != folio) throw new IllegalStateException("the batch ends inside the folio");
        for (int k = head; k < head + nr; k++) {
            flags[k] = 0;
            mapcount[k] = 0;
            refcount[k] = 0;
        }
        return nr;
    }
}
