package org.mmsim.mm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mmsim.mm.Uapi.*;

import java.util.function.Consumer;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mmsim.arch.Arch;
import org.mmsim.arch.Counters;
import org.mmsim.pgtable.PageTables;
import org.mmsim.swap.SwapDevice;
import org.mmsim.workload.SimBackend;

/**
 * The bench-only MADV_PAGEOUT driver that times the unmap step alone ({@link Madvise#pageoutTimingUnmap}) against
 * madvise(MADV_PAGEOUT) itself: on identical machines the two leave the same events, page-table entries, swap
 * slots, mm counters and free memory (the next allocations get the same frames).
 */
class PageoutTimingTest {
    static final long A = 1L << 30;
    static final long P = 4096;
    static final long LEN = 4L << 20; // two PTE tables' worth and more: 1024 pages
    static final int RW = PROT_READ | PROT_WRITE;
    static final int PRIV = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED;

    static SimBackend sim(String arch, String kernel, String folio) {
        FeatureSet f = kernel.equals("patched") ? FeatureSet.patched() : FeatureSet.baseline();
        SimBackend b = new SimBackend(Arch.byName(arch), f, false);
        b.set("thp", "never");
        if (!folio.equals("4K")) b.set("mthp " + folio, "always");
        b.set("swap partition", "64M");
        return b;
    }

    /** Memory in several states before the pageout: zero-filled, data, swap-cache folios read back, shared after fork. */
    static void prepare(SimBackend b, String fill) {
        b.mmap(A, LEN, RW, PRIV, -1, 0);
        switch (fill) {
            case "zero" -> b.memset(A, 0, LEN);
            case "data", "partial" -> b.pattern(A, LEN, 11);
            case "cached" -> {
                // Written out, then read back: the folios are in the swap cache (clean); some are written again.
                b.pattern(A, LEN, 5);
                assertEquals(0, b.madvise(A, LEN, MADV_PAGEOUT));
                for (long a = A; a < A + LEN; a += 3 * P) b.peek(a);
                for (long a = A; a < A + LEN; a += 37 * P) b.poke(a, 9);
            }
            case "forked" -> {
                // fork and the child's exit: every page stops being PageAnonExclusive; writes make some exclusive again
                // (exclusivity then alternates within folios: several sub-batches).
                b.pattern(A, LEN, 3);
                SwapTestSupport.forkAndChildExit(b);
                for (long a = A; a < A + LEN; a += 5 * P) b.poke(a, 1);
            }
            default -> throw new IllegalArgumentException(fill);
        }
    }

    static long[] ptes(SimBackend b) {
        long[] out = new long[(int) (LEN / P)];
        for (int k = 0; k < out.length; k++) {
            long a = A + k * P;
            long[] t = b.mm().pageTables().pteTable(a, false);
            out[k] = t == null ? -1 : t[PageTables.pteIndex(a)];
        }
        return out;
    }

    static long[] slots(SimBackend b) {
        SwapDevice d = b.kernel().env().swap.device();
        long[] out = new long[(int) d.slots()];
        for (int s = 1; s < out.length; s++) {
            out[s] = d.count(s) | (d.hasCache(s) ? 1L << 40 : 0) | (d.zeroMarked(s) ? 1L << 41 : 0);
        }
        return out;
    }

    /** What a later allocation gets: the pfns of a fresh mapping's pages. */
    static long[] nextFrames(SimBackend b) {
        long at = A + (64L << 20);
        b.mmap(at, 1 << 20, RW, PRIV, -1, 0);
        b.memset(at, 1, 1 << 20);
        long[] out = new long[256];
        for (int k = 0; k < out.length; k++) out[k] = SwapTestSupport.pfnAt(b, at + k * P);
        return out;
    }

    static void same(SimBackend x, SimBackend y) {
        Counters cx = x.kernel().env().counters;
        Counters cy = y.kernel().env().counters;
        assertEquals(Counters.delta(new long[cx.snapshot().length], cx.snapshot()),
                Counters.delta(new long[cy.snapshot().length], cy.snapshot()), "events");
        assertArrayEquals(ptes(x), ptes(y), "page-table entries");
        assertArrayEquals(slots(x), slots(y), "swap slots");
        assertEquals(x.mm().anonRss(), y.mm().anonRss());
        assertEquals(x.mm().swapEnts(), y.mm().swapEnts());
        assertEquals(x.kernel().env().phys.allocatedFrames(), y.kernel().env().phys.allocatedFrames());
        assertEquals(x.kernel().env().swap.folios().size(), y.kernel().env().swap.folios().size());
    }

    @ParameterizedTest
    @CsvSource({
        "x86_64, patched, 64K, zero", "arm64, patched, 64K, zero",
        "x86_64, patched, 64K, data", "arm64, patched, 64K, data",
        "x86_64, patched, 64K, cached", "arm64, patched, 64K, cached",
        "x86_64, patched, 64K, forked", "arm64, patched, 64K, forked",
        "x86_64, baseline, 64K, zero", "arm64, baseline, 64K, forked",
        "x86_64, patched, 16K, data", "x86_64, patched, 64K, partial", "arm64, patched, 64K, partial",
        "arm64, patched, 4K, zero", "arm64, patched, 4K, forked",
    })
    void theTimedDriverDoesWhatMadvisePageoutDoes(String arch, String kernel, String folio, String fill) {
        SimBackend call = sim(arch, kernel, folio);
        SimBackend timed = sim(arch, kernel, folio);
        Consumer<SimBackend> before = b -> prepare(b, fill);
        before.accept(call);
        before.accept(timed);
        same(call, timed);
        // "partial": the range starts inside a folio, which the walk splits first
        long from = fill.equals("partial") ? A + 8 * P : A;
        assertEquals(0, call.madvise(from, A + LEN - from, MADV_PAGEOUT));
        long[] clock = {0};
        long t = Madvise.pageoutTimingUnmap(timed.mm(), from, A + LEN - from, () -> clock[0] += 1000);
        assertEquals(LEN / (2 << 20) * 1000, t, "one clock read before and one after the unmaps of each PTE table");
        for (long a = from; a < A + LEN; a += 64 * P) assertTrue(timed.swapped(a), "swapped at 0x" + Long.toHexString(a));
        same(call, timed);
        org.mmsim.check.Checker.check(timed.kernel()); // the invariant checker, in full
        assertArrayEquals(nextFrames(call), nextFrames(timed), "the frames the next allocations get");
        same(call, timed);
        assertEquals(0, call.munmap(A, LEN));
        assertEquals(0, timed.munmap(A, LEN));
        same(call, timed);
    }

    /**
     * The one-pass swap-out of a batch (TryToUnmap.swapOutOneRun, taken only when no failure is armed) against the
     * step-by-step path, forced by a failure armed for an occurrence that never comes: the same events, entries, swap
     * slots, counts and frames, for every kind of memory of {@link #prepare} (mixed exclusivity takes the steps in
     * both).
     */
    @ParameterizedTest
    @CsvSource({
        "x86_64, 64K, zero", "arm64, 64K, zero", "x86_64, 64K, data", "arm64, 64K, data",
        "x86_64, 64K, cached", "arm64, 64K, cached", "x86_64, 64K, forked", "arm64, 64K, forked",
        "x86_64, 16K, partial", "arm64, 64K, partial",
    })
    void theOnePassSwapOutDoesWhatTheStepsDo(String arch, String folio, String fill) {
        SimBackend quiet = sim(arch, "patched", folio);
        SimBackend steps = sim(arch, "patched", folio);
        prepare(quiet, fill);
        prepare(steps, fill);
        steps.kernel().env().inject.arm(FaultInjection.Kind.SWAP_DUP_FAIL, 1L << 40);
        long from = fill.equals("partial") ? A + 8 * P : A;
        assertEquals(0, quiet.madvise(from, A + LEN - from, MADV_PAGEOUT));
        assertEquals(0, steps.madvise(from, A + LEN - from, MADV_PAGEOUT));
        same(quiet, steps);
        org.mmsim.check.Checker.check(quiet.kernel());
        assertEquals(0, quiet.munmap(A, LEN));
        assertEquals(0, steps.munmap(A, LEN));
        same(quiet, steps);
    }

    @ParameterizedTest
    @CsvSource({"x86_64", "arm64"})
    void rangesItCannotTakeAreRefused(String arch) {
        SimBackend b = sim(arch, "patched", "64K");
        b.mmap(A, LEN, RW, PRIV, -1, 0);
        b.memset(A, 0, LEN);
        assertThrows(IllegalArgumentException.class, () -> Madvise.pageoutTimingUnmap(b.mm(), A + 1, P, () -> 0));
        assertThrows(IllegalArgumentException.class, () -> Madvise.pageoutTimingUnmap(b.mm(), A, LEN + P, () -> 0));
        b.set("swap partition", "0");
        assertThrows(IllegalStateException.class, () -> Madvise.pageoutTimingUnmap(b.mm(), A, LEN, () -> 0));
    }
}
