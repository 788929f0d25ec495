package org.mmsim.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.mmsim.check.Checker;
import org.mmsim.arch.Arch;
import org.mmsim.workload.SimBackend;

/**
 * Random programs over a 16 MiB window mixing writes, MADV_PAGEOUT, swap-in reads, mremap of swapped ranges,
 * mprotect, munmap, fork, switching between processes, exit, and injected failures of the swap-out path
 * (swap-slot allocation, swap-count raise, arch_unmap_one, a pinned folio). The invariant checker (machine-wide)
 * runs after every call and every read is compared with the shadow of the process: no byte may be lost. Runs with {@code anon-unmap-batch}
 * on and off, on both architectures. The planted v3 bug of seed 001 (only the failing sub-batch restored) must make
 * some of these programs fail.
 */
class SwapProperties {
    static final long BASE = CoreProperties.BASE;
    static final int PAGES = CoreProperties.PAGES;
    static final long PAGE = CoreProperties.PAGE;
    static final String[] KINDS = {"swap_alloc_fail", "swap_dup_fail", "arch_unmap_fail", "folio_pinned"};

    record Pageout(int page, int pages) implements Step {}
    record Mremap(int page, int pages, int dst) implements Step {}
    record Mprotect(int page, int pages, int prot) implements Step {}
    record ForkExit() implements Step {}
    record Fork() implements Step {}
    record Switch(int which) implements Step {}
    record Exit(int which) implements Step {}
    record Inject(String kind, int n) implements Step {}
    record Core(CoreProperties.Op op) implements Step {}

    sealed interface Step permits Pageout, Mremap, Mprotect, ForkExit, Fork, Switch, Exit, Inject, Core {}

    /** A random program; pages and lengths favour 64K (16-page) alignment so that large folios are common. */
    static List<Step> program(long seed, int len) {
        Random r = new Random(seed);
        List<Step> out = new ArrayList<>();
        for (int k = 0; k < len; k++) {
            // Half of the operations hit a hot 1 MiB so that they meet the same folios.
            int span = r.nextBoolean() ? 256 : PAGES;
            int page = r.nextInt(4) == 0 ? r.nextInt(span) : 16 * r.nextInt(span / 16);
            int pages = r.nextInt(3) == 0 ? 1 + r.nextInt(40) : 16 * (1 + r.nextInt(8));
            pages = Math.min(pages, PAGES - page);
            int w = r.nextInt(22);
            if (r.nextInt(8) == 0) {
                // A motif: fork + child exit over part of a 64K folio (mixed exclusivity inside it), the folio made
                // read-only (one batch of equal write bits), an injected failure, and a pageout of the folio.
                int f = page & ~15;
                out.add(new ForkExit());
                int from = 1 + r.nextInt(14);
                for (int p = from; p < from + 1 + r.nextInt(16 - from); p++) out.add(new Core(new CoreProperties.Poke(f + p, 0, r.nextInt(256))));
                out.add(new Mprotect(f, 16, Uapi.PROT_READ));
                String kind = KINDS[1 + r.nextInt(KINDS.length - 1)];
                out.add(new Inject(kind, 1 + r.nextInt(kind.equals("swap_dup_fail") ? 16 : 2)));
                out.add(new Pageout(f, 16));
                continue;
            }
            Step s;
            if (w < 3) s = new Core(new CoreProperties.Map(page, pages, r.nextInt(6) == 0 ? Uapi.PROT_READ : Uapi.PROT_READ | Uapi.PROT_WRITE));
            else if (w < 4) s = new Core(new CoreProperties.Unmap(page, pages));
            else if (w < 7) s = new Core(new CoreProperties.Set(page, r.nextInt(4096), 1 + r.nextInt(200_000), r.nextInt(256)));
            else if (w < 9) s = new Core(new CoreProperties.Poke(page, r.nextInt(4096), r.nextInt(256)));
            else if (w < 11) s = new Core(new CoreProperties.Peek(page, r.nextInt(4096)));
            else if (w < 12) s = new Core(new CoreProperties.Sum(page, 1 + r.nextInt(300_000)));
            else if (w < 15) s = new Pageout(page, pages);
            else if (w < 16) s = new Mremap(page, pages, 16 * r.nextInt(PAGES / 16));
            else if (w < 18) s = new Mprotect(page, pages, r.nextBoolean() ? Uapi.PROT_READ : Uapi.PROT_READ | Uapi.PROT_WRITE);
            else if (w < 20) s = switch (r.nextInt(4)) {
                case 0 -> new ForkExit();
                case 1 -> new Fork();
                case 2 -> new Switch(r.nextInt(4));
                default -> new Exit(r.nextInt(4));
            };
            else {
                String kind = KINDS[r.nextInt(KINDS.length)];
                s = new Inject(kind, 1 + r.nextInt(kind.equals("swap_dup_fail") ? 24 : 3));
            }
            out.add(s);
        }
        return out;
    }

    /** Runs a program on a fresh machine; throws on an invariant violation or a byte that differs. */
    static SimBackend run(long seed, boolean arm, boolean batch, boolean planted) {
        Random r = new Random(seed ^ 0x5eed);
        FeatureSet fs = batch ? FeatureSet.patched() : FeatureSet.patched().with(Feature.ANON_UNMAP_BATCH, false);
        // planted: the incremental check alone (no full check at intervals) must catch the bug
        SimBackend b = new SimBackend(arm ? Arch.ARM64 : Arch.X86_64, fs, planted ? Checker.Mode.CHANGES : Checker.Mode.CROSS);
        b.set("thp", r.nextInt(5) == 0 ? "always" : "never");
        b.set("mthp 64K", "always");
        if (r.nextBoolean()) b.set("mthp 16K", "always");
        String[] kinds = {"swap", "swap partition", "swap zram"};
        b.set(kinds[r.nextInt(kinds.length)], r.nextInt(4) == 0 ? "256K" : "32M");
        if (planted) SwapTestSupport.plantSubBatchRestoreBug(b);
        Procs ps = new Procs();
        for (Step step : program(seed, 50)) apply(b, ps, step);
        // Everything swapped out comes back intact, in every process.
        for (long h : ps.live) {
            b.switchTo(h);
            CoreProperties.Shadow s = ps.shadows.get(h);
            for (int p = 0; p < PAGES; p++) {
                if (s.canRead(p * PAGE)) CoreProperties.apply(b, s, new CoreProperties.Sum(p, (int) PAGE));
            }
        }
        return b;
    }

    /** The live processes (handle 0 first), the current one, and a shadow of each one's memory. */
    static final class Procs {
        final List<Long> live = new ArrayList<>(List.of(0L));
        final java.util.Map<Long, CoreProperties.Shadow> shadows = new java.util.HashMap<>(java.util.Map.of(0L, new CoreProperties.Shadow()));
        long current;

        CoreProperties.Shadow shadow() { return shadows.get(current); }

        static CoreProperties.Shadow copy(CoreProperties.Shadow s) {
            CoreProperties.Shadow c = new CoreProperties.Shadow();
            System.arraycopy(s.prot, 0, c.prot, 0, s.prot.length);
            s.bytes.forEach((k, v) -> c.bytes.put(k, v.clone()));
            return c;
        }
    }

    static void apply(SimBackend b, Procs ps, Step step) {
        CoreProperties.Shadow s = ps.shadow();
        switch (step) {
            case Core c -> CoreProperties.apply(b, s, c.op());
            case Pageout p -> {
                int ret = b.madvise(BASE + p.page() * PAGE, p.pages() * PAGE, Uapi.MADV_PAGEOUT);
                boolean hole = false;
                for (int i = p.page(); i < p.page() + p.pages(); i++) hole |= s.prot[i] < 0;
                assertEquals(hole ? -1 : 0, ret);
            }
            case Mremap m -> {
                Vma v = b.mm().vmaLookup(BASE + m.page() * PAGE);
                long len = m.pages() * PAGE;
                long src = BASE + m.page() * PAGE;
                long dst = BASE + m.dst() * PAGE;
                if (v == null || v.end() < src + len || m.dst() + m.pages() > PAGES) return;
                if (dst < src + len && src < dst + len) return;
                assertEquals(dst, b.mremap(src, len, len, Uapi.MREMAP_MAYMOVE | Uapi.MREMAP_FIXED, dst));
                int[] prot = new int[m.pages()];
                List<byte[]> bytes = new ArrayList<>();
                for (int i = 0; i < m.pages(); i++) {
                    prot[i] = s.prot[m.page() + i];
                    bytes.add(s.bytes.remove(m.page() + i));
                    s.prot[m.page() + i] = -1;
                }
                for (int i = 0; i < m.pages(); i++) {
                    s.prot[m.dst() + i] = prot[i];
                    if (bytes.get(i) != null) s.bytes.put(m.dst() + i, bytes.get(i)); else s.bytes.remove(m.dst() + i);
                }
            }
            case Mprotect m -> {
                for (int i = m.page(); i < m.page() + m.pages(); i++) if (s.prot[i] < 0) return;
                assertEquals(0, b.mprotect(BASE + m.page() * PAGE, m.pages() * PAGE, m.prot()));
                for (int i = m.page(); i < m.page() + m.pages(); i++) s.prot[i] = m.prot();
            }
            case ForkExit f -> SwapTestSupport.forkAndChildExit(b);
            case Fork f -> {
                if (ps.live.size() >= 4) return;
                long h = b.fork();
                assertTrue(h > 0);
                ps.live.add(h);
                ps.shadows.put(h, Procs.copy(s));
            }
            case Switch w -> {
                long h = ps.live.get(w.which() % ps.live.size());
                b.switchTo(h);
                ps.current = h;
            }
            case Exit e -> {
                if (ps.live.size() < 2) return;
                long h = ps.live.get(1 + e.which() % (ps.live.size() - 1));
                if (h == ps.current) {
                    b.switchTo(0);
                    ps.current = 0;
                }
                assertEquals(0, b.exit(h));
                ps.live.remove(h);
                ps.shadows.remove(h);
            }
            case Inject i -> b.inject(i.kind(), i.n());
        }
    }

    @Property(tries = 100)
    void randomProgramsKeepInvariantsAndLoseNoByte(@ForAll long seed, @ForAll boolean arm, @ForAll boolean batch) {
        run(seed, arm, batch, false);
    }

    /** The same programs with the v3 restore bug planted: some must fail (invariant violation or lost data). */
    @Test
    void thePlantedSubBatchRestoreBugIsCaught() {
        int caught = 0;
        int tried = 0;
        for (long seed = 1; seed <= 400 && caught < 3; seed++, tried++) {
            try {
                run(seed, seed % 2 == 0, true, true);
            } catch (AssertionError | RuntimeException e) {
                caught++;
            }
        }
        assertTrue(caught >= 3, "the planted bug was caught in " + caught + " of " + tried + " programs");
        // The same programs without the bug pass.
        for (long seed = 1; seed <= tried; seed++) run(seed, seed % 2 == 0, true, false);
    }
}
