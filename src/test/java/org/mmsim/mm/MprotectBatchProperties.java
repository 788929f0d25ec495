package org.mmsim.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.mmsim.check.Checker;
import org.mmsim.arch.Arch;
import org.mmsim.workload.Segfault;
import org.mmsim.workload.SimBackend;

/**
 * Differential property (DESIGN.md "Testing"): random sequences of mmap/munmap/mprotect/madvise/NUMA hinting and
 * user accesses give the same observable results with {@code mprotect-pte-batch} on and off, on both
 * architectures, with the invariant checker on after every call. Only the counters may differ.
 */
class MprotectBatchProperties {
    static final long BASE = 1L << 30;
    static final int PAGES = 1024; // a 4 MiB window: two PMD THPs
    static final int[] PROTS = {Uapi.PROT_NONE, Uapi.PROT_READ, Uapi.PROT_READ | Uapi.PROT_WRITE,
        Uapi.PROT_READ | Uapi.PROT_EXEC, Uapi.PROT_WRITE};
    static final int[] ADVICE = {Uapi.MADV_DONTNEED, Uapi.MADV_DONTFORK, Uapi.MADV_DOFORK, Uapi.MADV_NOHUGEPAGE,
        Uapi.MADV_HUGEPAGE, Uapi.MADV_FREE, Uapi.MADV_PAGEOUT, Uapi.MADV_POPULATE_READ, Uapi.MADV_POPULATE_WRITE,
        Uapi.MADV_RANDOM, Uapi.MADV_NORMAL, Uapi.MADV_COLD};

    /** op kind, first page, page count, argument. */
    record Op(int kind, int page, int count, int arg) {}

    @Provide
    Arbitrary<Op> ops() {
        Arbitrary<Integer> kind = Arbitraries.frequency(
                net.jqwik.api.Tuple.of(2, 0), net.jqwik.api.Tuple.of(1, 1), net.jqwik.api.Tuple.of(5, 2),
                net.jqwik.api.Tuple.of(4, 3), net.jqwik.api.Tuple.of(4, 4), net.jqwik.api.Tuple.of(2, 5),
                net.jqwik.api.Tuple.of(2, 6), net.jqwik.api.Tuple.of(1, 7));
        Arbitrary<Integer> page = Arbitraries.oneOf(Arbitraries.integers().between(0, PAGES - 1),
                Arbitraries.of(0, 15, 16, 511, 512, 513, 1008));
        Arbitrary<Integer> count = Arbitraries.oneOf(Arbitraries.integers().between(1, 40),
                Arbitraries.of(16, 512, 1024));
        return Combinators.combine(kind, page, count, Arbitraries.integers().between(0, 255)).as(Op::new);
    }

    @Property(tries = 30)
    void batchOnAndOffAreObservablyIdentical(@ForAll @Size(max = 30) List<@From("ops") Op> ops, @ForAll boolean thp) {
        for (String arch : new String[] {"x86_64", "arm64"}) {
            List<String> off = run(arch, FeatureSet.patched().with(Feature.MPROTECT_PTE_BATCH, false), thp, ops);
            List<String> on = run(arch, FeatureSet.patched(), thp, ops);
            assertEquals(off, on, arch);
        }
    }

    static List<String> run(String arch, FeatureSet fs, boolean thp, List<Op> ops) {
        SimBackend b = new SimBackend(Arch.byName(arch), fs, Checker.Mode.CROSS);
        b.set("thp", thp ? "always" : "never");
        b.set("mthp 64K", "always");
        b.set("mthp 16K", "always");
        List<String> log = new ArrayList<>();
        log.add("mmap " + b.mmap(BASE, PAGES * 4096L, Uapi.PROT_READ | Uapi.PROT_WRITE,
                Uapi.MAP_PRIVATE | Uapi.MAP_ANONYMOUS | Uapi.MAP_FIXED, -1, 0));
        for (Op op : ops) {
            long a = BASE + op.page() * 4096L;
            long len = Math.min(op.count(), PAGES - op.page()) * 4096L;
            String r;
            try {
                r = switch (op.kind()) {
                    case 0 -> "mmap " + b.mmap(a, len, PROTS[op.arg() % PROTS.length],
                            Uapi.MAP_PRIVATE | Uapi.MAP_ANONYMOUS | Uapi.MAP_FIXED, -1, 0) + " " + b.errno();
                    case 1 -> "munmap " + b.munmap(a, len) + " " + b.errno();
                    case 2 -> "mprotect " + b.mprotect(a, len, PROTS[op.arg() % PROTS.length]) + " " + b.errno();
                    case 3 -> "madvise " + b.madvise(a, len, ADVICE[op.arg() % ADVICE.length]) + " " + b.errno();
                    case 4 -> { b.memset(a, op.arg(), len); yield "memset"; }
                    case 5 -> "peek " + b.peek(a + op.arg());
                    case 6 -> { b.poke(a + op.arg(), op.arg()); yield "poke"; }
                    default -> { int n = NumaHint.numaHint(b.mm(), a, len); b.checkNow(); yield "numa " + n; }
                };
            } catch (Segfault s) {
                r = "SIGSEGV " + s.getMessage();
            }
            log.add(r);
            log.add(state(b));
        }
        return log;
    }

    /** VMA layout, protection, residency (with write bits), and the contents of readable pages. */
    static String state(SimBackend b) {
        StringBuilder sb = new StringBuilder();
        sb.append(b.vmas(BASE, PAGES * 4096L)).append(':');
        for (int i = 0; i < PAGES; i++) {
            long a = BASE + i * 4096L;
            int prot = b.prot(a);
            // residency with the write bit and the zero page, as MremapPropertiesTest.page shows it: a batched
            // write upgrade must make exactly the same entries writable as the per-PTE one
            sb.append(prot).append(MremapPropertiesTest.page(b, a));
            if (b.present(a) && prot >= 0 && (prot & Uapi.PROT_READ) != 0) sb.append(b.checksum(a, 4096));
            sb.append(',');
        }
        return sb.toString();
    }
}
