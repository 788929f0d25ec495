package org.mmsim.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.mmsim.check.Checker;
import org.mmsim.arch.Arch;
import org.mmsim.workload.Patterns;
import org.mmsim.workload.Segfault;
import org.mmsim.workload.SimBackend;

/**
 * Random sequences of mmap/munmap/memset/poke/peek/checksum/queries inside a 16 MiB window (8 PMDs), with the
 * invariant checker after every call, compared against a plain shadow of what each page should hold and allow.
 */
class CoreProperties {
    static final long BASE = 1L << 30;
    static final int PAGES = 4096;
    static final long PAGE = 4096;

    sealed interface Op permits Map, Unmap, Set, Poke, Peek, Sum {}
    record Map(int page, int pages, int prot) implements Op {}
    record Unmap(int page, int pages) implements Op {}
    record Set(int page, int offset, int len, int value) implements Op {}
    record Poke(int page, int offset, int value) implements Op {}
    record Peek(int page, int offset) implements Op {}
    record Sum(int page, int len) implements Op {}

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Integer> page = Arbitraries.oneOf(Arbitraries.integers().between(0, PAGES - 1),
                Arbitraries.of(0, 16, 512, 511, 1024, 1023, 2048, 3584));
        Arbitrary<Integer> pages = Arbitraries.oneOf(Arbitraries.integers().between(1, 40), Arbitraries.of(16, 512, 1024, 600));
        Arbitrary<Integer> prot = Arbitraries.of(Uapi.PROT_READ | Uapi.PROT_WRITE, Uapi.PROT_READ | Uapi.PROT_WRITE,
                Uapi.PROT_READ, Uapi.PROT_NONE, Uapi.PROT_WRITE);
        Arbitrary<Op> map = Combinators.combine(page, pages, prot).as(Map::new);
        Arbitrary<Op> unmap = Combinators.combine(page, pages).as(Unmap::new);
        Arbitrary<Op> set = Combinators.combine(page, Arbitraries.integers().between(0, 4095),
                Arbitraries.integers().between(1, 300_000), Arbitraries.integers().between(0, 255)).as(Set::new);
        Arbitrary<Op> poke = Combinators.combine(page, Arbitraries.integers().between(0, 4095), Arbitraries.integers().between(0, 255)).as(Poke::new);
        Arbitrary<Op> peek = Combinators.combine(page, Arbitraries.integers().between(0, 4095)).as(Peek::new);
        Arbitrary<Op> sum = Combinators.combine(page, Arbitraries.integers().between(1, 100_000)).as(Sum::new);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, map), net.jqwik.api.Tuple.of(2, unmap), net.jqwik.api.Tuple.of(3, set),
                net.jqwik.api.Tuple.of(2, poke), net.jqwik.api.Tuple.of(2, peek), net.jqwik.api.Tuple.of(1, sum))
                .list().ofMinSize(5).ofMaxSize(30);
    }

    @Property(tries = 120)
    void randomSequencesKeepInvariantsAndContents(@ForAll("ops") List<Op> ops, @ForAll boolean arm,
            @ForAll @IntRange(min = 0, max = 3) int thpMode) {
        SimBackend b = new SimBackend(arm ? Arch.ARM64 : Arch.X86_64, FeatureSet.patched(), Checker.Mode.CROSS);
        if (thpMode == 1) b.set("thp", "always");
        if (thpMode == 2) b.set("mthp 64K", "always");
        if (thpMode == 3) {
            b.set("mthp 16K", "always");
            b.set("mthp 1M", "always");
        }
        Shadow s = new Shadow();
        for (Op op : ops) apply(b, s, op);
    }

    /** What each page of the window allows and holds. */
    static final class Shadow {
        final int[] prot = new int[PAGES];
        final HashMap<Integer, byte[]> bytes = new HashMap<>();

        Shadow() { java.util.Arrays.fill(prot, -1); }

        int get(long off) {
            byte[] a = bytes.get((int) (off / PAGE));
            return a == null ? 0 : a[(int) (off % PAGE)] & 0xff;
        }

        void put(long off, int v) { bytes.computeIfAbsent((int) (off / PAGE), k -> new byte[(int) PAGE])[(int) (off % PAGE)] = (byte) v; }

        boolean canRead(long off) { int p = prot[(int) (off / PAGE)]; return p > 0; }

        boolean canWrite(long off) { return (prot[(int) (off / PAGE)] & Uapi.PROT_WRITE) != 0 && prot[(int) (off / PAGE)] > 0; }
    }

    static void apply(SimBackend b, Shadow s, Op op) {
        switch (op) {
            case Map m -> {
                int n = Math.min(m.pages(), PAGES - m.page());
                long r = b.mmap(BASE + m.page() * PAGE, n * PAGE, m.prot(), Uapi.MAP_PRIVATE | Uapi.MAP_ANONYMOUS | Uapi.MAP_FIXED, -1, 0);
                assertEquals(BASE + m.page() * PAGE, r);
                for (int i = m.page(); i < m.page() + n; i++) {
                    s.prot[i] = m.prot();
                    s.bytes.remove(i);
                }
            }
            case Unmap u -> {
                int n = Math.min(u.pages(), PAGES - u.page());
                assertEquals(0, b.munmap(BASE + u.page() * PAGE, n * PAGE));
                for (int i = u.page(); i < u.page() + n; i++) {
                    s.prot[i] = -1;
                    s.bytes.remove(i);
                }
            }
            case Set st -> {
                long off = st.page() * PAGE + st.offset();
                long len = Math.min(st.len(), PAGES * PAGE - off);
                long stop = off;
                while (stop < off + len && s.canWrite(stop)) stop = Math.min(off + len, (stop / PAGE + 1) * PAGE);
                if (stop < off + len) {
                    Segfault f = assertThrows(Segfault.class, () -> b.memset(BASE + off, st.value(), len));
                    assertEquals(BASE + stop, f.addr());
                } else {
                    b.memset(BASE + off, st.value(), len);
                }
                for (long o = off; o < stop; o++) s.put(o, st.value());
            }
            case Poke p -> {
                long off = p.page() * PAGE + p.offset();
                if (s.canWrite(off)) {
                    b.poke(BASE + off, p.value());
                    s.put(off, p.value());
                } else {
                    assertThrows(Segfault.class, () -> b.poke(BASE + off, p.value()));
                }
            }
            case Peek p -> {
                long off = p.page() * PAGE + p.offset();
                if (s.canRead(off)) assertEquals(s.get(off), b.peek(BASE + off));
                else assertThrows(Segfault.class, () -> b.peek(BASE + off));
                assertEquals(s.prot[p.page()] >= 0, b.mapped(BASE + off));
                assertEquals(s.prot[p.page()], b.prot(BASE + off));
            }
            case Sum c -> {
                long off = c.page() * PAGE;
                long len = Math.min(c.len(), PAGES * PAGE - off);
                boolean ok = true;
                for (long o = off; o < off + len; o += PAGE) ok &= s.canRead(o);
                if (ok) {
                    long want = 0;
                    for (long o = 0; o < len; o++) want += Patterns.term(s.get(off + o), o);
                    assertEquals(want, b.checksum(BASE + off, len));
                } else {
                    assertThrows(Segfault.class, () -> b.checksum(BASE + off, len));
                }
            }
        }
    }
}
