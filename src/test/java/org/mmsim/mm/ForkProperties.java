package org.mmsim.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import org.mmsim.arch.Arch;
import org.mmsim.check.Checker;
import org.mmsim.workload.Segfault;
import org.mmsim.workload.SimBackend;

/**
 * Random sequences of fork, exit and switching the current process (what {@code in child { }} does) mixed with
 * private and shared mmap, munmap, mprotect, mremap moves, DONTFORK/WIPEONFORK/DONTNEED/REMOVE, writes and reads,
 * in a 4 MiB window (2 PMDs),
 * on both architectures and several THP settings. The invariant checker runs after every call (mapcount = the
 * PTE/PMD mappings across all processes, refcounts, anon-exclusive only on pages mapped once, rmap reachability,
 * no leaked folio or page table), and every read is compared with a per-process shadow in which private pages
 * are copies and shared pages belong to one object seen by every process that maps it.
 */
class ForkProperties {
    static final long BASE = 1L << 30;
    static final int PAGES = 1024;
    static final long PAGE = 4096;
    static final int RW = Uapi.PROT_READ | Uapi.PROT_WRITE;

    sealed interface Op permits Map, Unmap, Protect, Advise, Poke, Set, Peek, Fork, Exit, Switch, Move {}
    record Move(int page, int pages, int dst) implements Op {}
    record Map(int page, int pages, int prot, boolean shared) implements Op {}
    record Unmap(int page, int pages) implements Op {}
    record Protect(int page, int pages, int prot) implements Op {}
    record Advise(int page, int pages, int advice) implements Op {}
    record Poke(int page, int offset, int value) implements Op {}
    record Set(int page, int len, int value) implements Op {}
    record Peek(int page, int offset) implements Op {}
    record Fork() implements Op {}
    record Exit(int which) implements Op {}
    record Switch(int which) implements Op {}

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Integer> page = Arbitraries.oneOf(Arbitraries.integers().between(0, PAGES - 1),
                Arbitraries.of(0, 16, 512, 511, 520, 1008));
        Arbitrary<Integer> pages = Arbitraries.oneOf(Arbitraries.integers().between(1, 40), Arbitraries.of(16, 32, 512, 600));
        Arbitrary<Integer> prot = Arbitraries.of(RW, RW, Uapi.PROT_READ, Uapi.PROT_NONE);
        Arbitrary<Op> map = Combinators.combine(page, pages, prot, Arbitraries.of(false, false, true)).as(Map::new);
        Arbitrary<Op> unmap = Combinators.combine(page, pages).as(Unmap::new);
        Arbitrary<Op> protect = Combinators.combine(page, pages, prot).as(Protect::new);
        Arbitrary<Op> advise = Combinators.combine(page, pages, Arbitraries.of(Uapi.MADV_DONTFORK, Uapi.MADV_DOFORK,
                Uapi.MADV_WIPEONFORK, Uapi.MADV_DONTNEED, Uapi.MADV_REMOVE)).as(Advise::new);
        Arbitrary<Op> poke = Combinators.combine(page, Arbitraries.integers().between(0, 4095),
                Arbitraries.integers().between(0, 255)).as(Poke::new);
        Arbitrary<Op> set = Combinators.combine(page, Arbitraries.integers().between(1, 600_000),
                Arbitraries.integers().between(0, 255)).as(Set::new);
        Arbitrary<Op> peek = Combinators.combine(page, Arbitraries.integers().between(0, 4095)).as(Peek::new);
        Arbitrary<Op> fork = Arbitraries.just(new Fork());
        Arbitrary<Op> exit = Arbitraries.integers().between(0, 7).map(Exit::new);
        Arbitrary<Op> sw = Arbitraries.integers().between(0, 7).map(Switch::new);
        Arbitrary<Op> move = Combinators.combine(page, pages, page).as(Move::new);
        return Arbitraries.frequencyOf(Tuple.of(4, map), Tuple.of(1, unmap), Tuple.of(2, protect), Tuple.of(2, advise),
                Tuple.of(3, poke), Tuple.of(3, set), Tuple.of(3, peek), Tuple.of(3, fork), Tuple.of(1, exit),
                Tuple.of(3, sw), Tuple.of(2, move)).list().ofMinSize(5).ofMaxSize(35);
    }

    @Property(tries = 200)
    void forkExitAndChildBlocksKeepEveryInvariant(@ForAll("ops") List<Op> ops, @ForAll boolean arm,
            @ForAll @IntRange(min = 0, max = 3) int thpMode) {
        SimBackend b = new SimBackend(arm ? Arch.ARM64 : Arch.X86_64, FeatureSet.patched(), Checker.Mode.CROSS);
        if (thpMode == 1) {
            b.set("thp", "always");
            b.set("shmem_thp", "always");
        }
        if (thpMode == 2) {
            b.set("mthp 64K", "always");
            b.set("shmem_mthp 64K", "always");
        }
        if (thpMode == 3) {
            b.set("mthp 16K", "always");
            b.set("mthp 1M", "always");
            b.set("shmem_mthp 32K", "always");
        }
        World w = new World();
        for (Op op : ops) w.apply(b, op);
        // Every child goes; then the original maps nothing: nothing may be left behind.
        for (long h : new ArrayList<>(w.procs.keySet())) if (h != 0) assertEquals(0, b.exit(h));
        b.switchTo(0);
        assertEquals(0, b.munmap(BASE, PAGES * PAGE));
        Checker.check(b.kernel());
        assertEquals(0, b.kernel().env().phys.allocatedFrames(), "every folio was freed");
    }

    /** What one process's window allows and holds. */
    static final class Proc {
        final int[] prot = new int[PAGES];
        final boolean[] dontfork = new boolean[PAGES];
        final boolean[] wipe = new boolean[PAGES];
        /** Shared object id per page (0 = private). */
        final int[] obj = new int[PAGES];
        /** Index of the page in its shared object. */
        final int[] idx = new int[PAGES];
        final HashMap<Integer, byte[]> bytes = new HashMap<>();

        Proc() { Arrays.fill(prot, -1); }

        boolean mapped(int p) { return prot[p] >= 0; }

        boolean canRead(int p) { return prot[p] > 0; }

        boolean canWrite(int p) { return prot[p] > 0 && (prot[p] & Uapi.PROT_WRITE) != 0; }

        void clear(int p) {
            prot[p] = -1;
            dontfork[p] = false;
            wipe[p] = false;
            obj[p] = 0;
            bytes.remove(p);
        }
    }

    static final class World {
        final java.util.LinkedHashMap<Long, Proc> procs = new java.util.LinkedHashMap<>();
        final HashMap<Integer, HashMap<Integer, byte[]>> objects = new HashMap<>();
        long current;
        int nextObj = 1;

        World() { procs.put(0L, new Proc()); }

        Proc cur() { return procs.get(current); }

        byte[] page(Proc pr, int p, boolean create) {
            if (pr.obj[p] != 0) {
                HashMap<Integer, byte[]> o = objects.get(pr.obj[p]);
                return create ? o.computeIfAbsent(pr.idx[p], k -> new byte[(int) PAGE]) : o.get(pr.idx[p]);
            }
            return create ? pr.bytes.computeIfAbsent(p, k -> new byte[(int) PAGE]) : pr.bytes.get(p);
        }

        int get(Proc pr, long off) {
            byte[] a = page(pr, (int) (off / PAGE), false);
            return a == null ? 0 : a[(int) (off % PAGE)] & 0xff;
        }

        boolean allMapped(Proc pr, int from, int to) {
            for (int p = from; p < to; p++) if (!pr.mapped(p)) return false;
            return true;
        }

        void apply(SimBackend b, Op op) {
            Proc pr = cur();
            switch (op) {
                case Map m -> {
                    int n = Math.min(m.pages(), PAGES - m.page());
                    int flags = (m.shared() ? Uapi.MAP_SHARED : Uapi.MAP_PRIVATE) | Uapi.MAP_ANONYMOUS | Uapi.MAP_FIXED;
                    assertEquals(BASE + m.page() * PAGE, b.mmap(BASE + m.page() * PAGE, n * PAGE, m.prot(), flags, -1, 0));
                    int o = m.shared() ? nextObj++ : 0;
                    if (o != 0) objects.put(o, new HashMap<>());
                    for (int p = m.page(); p < m.page() + n; p++) {
                        pr.clear(p);
                        pr.prot[p] = m.prot();
                        pr.obj[p] = o;
                        pr.idx[p] = p - m.page();
                    }
                }
                case Unmap u -> {
                    int n = Math.min(u.pages(), PAGES - u.page());
                    assertEquals(0, b.munmap(BASE + u.page() * PAGE, n * PAGE));
                    for (int p = u.page(); p < u.page() + n; p++) pr.clear(p);
                }
                case Protect x -> {
                    int n = Math.min(x.pages(), PAGES - x.page());
                    if (!allMapped(pr, x.page(), x.page() + n)) return;
                    assertEquals(0, b.mprotect(BASE + x.page() * PAGE, n * PAGE, x.prot()));
                    for (int p = x.page(); p < x.page() + n; p++) pr.prot[p] = x.prot();
                }
                case Advise a -> {
                    int n = Math.min(a.pages(), PAGES - a.page());
                    if (!allMapped(pr, a.page(), a.page() + n)) return;
                    boolean anyShared = false;
                    for (int p = a.page(); p < a.page() + n; p++) anyShared |= pr.obj[p] != 0;
                    boolean anyPrivate = false;
                    for (int p = a.page(); p < a.page() + n; p++) anyPrivate |= pr.obj[p] == 0;
                    boolean typed = a.advice() == Uapi.MADV_WIPEONFORK || a.advice() == Uapi.MADV_REMOVE;
                    // A mixed range fails part-way (madvise_walk_vmas stops at the first refusing VMA): not modelled here.
                    if (typed && anyShared && anyPrivate) return;
                    if (a.advice() == Uapi.MADV_WIPEONFORK && anyShared || a.advice() == Uapi.MADV_REMOVE && anyPrivate) {
                        assertEquals(-1, b.madvise(BASE + a.page() * PAGE, n * PAGE, a.advice()));
                        return;
                    }
                    assertEquals(0, b.madvise(BASE + a.page() * PAGE, n * PAGE, a.advice()));
                    for (int p = a.page(); p < a.page() + n; p++) {
                        if (a.advice() == Uapi.MADV_DONTFORK) pr.dontfork[p] = true;
                        if (a.advice() == Uapi.MADV_DOFORK) pr.dontfork[p] = false;
                        if (a.advice() == Uapi.MADV_WIPEONFORK) pr.wipe[p] = true;
                        if (a.advice() == Uapi.MADV_DONTNEED && pr.obj[p] == 0) pr.bytes.remove(p);
                        if (a.advice() == Uapi.MADV_REMOVE) objects.get(pr.obj[p]).remove(pr.idx[p]);
                    }
                }
                case Poke k -> {
                    long off = k.page() * PAGE + k.offset();
                    if (pr.canWrite(k.page())) {
                        b.poke(BASE + off, k.value());
                        page(pr, k.page(), true)[k.offset()] = (byte) k.value();
                    } else {
                        assertThrows(Segfault.class, () -> b.poke(BASE + off, k.value()));
                    }
                }
                case Set s -> {
                    long off = s.page() * PAGE;
                    long len = Math.min(s.len(), PAGES * PAGE - off);
                    int stop = s.page();
                    while (stop * PAGE < off + len && pr.canWrite(stop)) stop++;
                    long end = Math.min(off + len, stop * PAGE);
                    if (end < off + len) {
                        Segfault f = assertThrows(Segfault.class, () -> b.memset(BASE + off, s.value(), len));
                        assertEquals(BASE + end, f.addr());
                    } else {
                        b.memset(BASE + off, s.value(), len);
                    }
                    for (long o = off; o < end; o++) page(pr, (int) (o / PAGE), true)[(int) (o % PAGE)] = (byte) s.value();
                }
                case Peek k -> {
                    long off = k.page() * PAGE + k.offset();
                    if (pr.canRead(k.page())) assertEquals(get(pr, off), b.peek(BASE + off), "byte at page " + k.page());
                    else assertThrows(Segfault.class, () -> b.peek(BASE + off));
                }
                case Fork f -> {
                    long h = b.fork();
                    Proc c = new Proc();
                    for (int p = 0; p < PAGES; p++) {
                        if (!pr.mapped(p) || pr.dontfork[p]) continue;
                        c.prot[p] = pr.prot[p];
                        c.wipe[p] = pr.wipe[p];
                        c.obj[p] = pr.obj[p];
                        c.idx[p] = pr.idx[p];
                        byte[] a = pr.bytes.get(p);
                        if (pr.obj[p] == 0 && a != null && !pr.wipe[p]) c.bytes.put(p, a.clone());
                    }
                    procs.put(h, c);
                }
                case Exit x -> {
                    List<Long> children = procs.keySet().stream().filter(h -> h != 0).toList();
                    if (children.isEmpty()) {
                        assertEquals(-1, b.exit(0));
                        return;
                    }
                    long h = children.get(x.which() % children.size());
                    assertEquals(0, b.exit(h));
                    procs.remove(h);
                    if (current == h) current = 0;
                }
                case Move mv -> {
                    // mremap(MAYMOVE|FIXED) of a range inside one VMA to a destination that does not overlap it
                    int n = Math.min(mv.pages(), Math.min(PAGES - mv.page(), PAGES - mv.dst()));
                    long src = BASE + mv.page() * PAGE;
                    long dst = BASE + mv.dst() * PAGE;
                    if (mv.page() < mv.dst() + n && mv.dst() < mv.page() + n) return;
                    if (!allMapped(pr, mv.page(), mv.page() + n) || b.vmas(src, n * PAGE) != 1) return;
                    assertEquals(dst, b.mremap(src, n * PAGE, n * PAGE, Uapi.MREMAP_MAYMOVE | Uapi.MREMAP_FIXED, dst));
                    Proc moved = new Proc();
                    for (int i = 0; i < n; i++) {
                        int p = mv.page() + i;
                        moved.prot[i] = pr.prot[p];
                        moved.dontfork[i] = pr.dontfork[p];
                        moved.wipe[i] = pr.wipe[p];
                        moved.obj[i] = pr.obj[p];
                        moved.idx[i] = pr.idx[p];
                        if (pr.bytes.containsKey(p)) moved.bytes.put(i, pr.bytes.get(p));
                        pr.clear(p);
                    }
                    for (int i = 0; i < n; i++) {
                        int p = mv.dst() + i;
                        pr.clear(p);
                        pr.prot[p] = moved.prot[i];
                        pr.dontfork[p] = moved.dontfork[i];
                        pr.wipe[p] = moved.wipe[i];
                        pr.obj[p] = moved.obj[i];
                        pr.idx[p] = moved.idx[i];
                        if (moved.bytes.containsKey(i)) pr.bytes.put(p, moved.bytes.get(i));
                    }
                }
                case Switch s -> {
                    List<Long> all = new ArrayList<>(procs.keySet());
                    long h = all.get(s.which() % all.size());
                    b.switchTo(h);
                    current = h;
                }
            }
        }
    }
}
