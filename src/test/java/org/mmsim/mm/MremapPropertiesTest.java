package org.mmsim.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mmsim.mm.Uapi.MAP_ANONYMOUS;
import static org.mmsim.mm.Uapi.MAP_FIXED;
import static org.mmsim.mm.Uapi.MAP_PRIVATE;
import static org.mmsim.mm.Uapi.MREMAP_DONTUNMAP;
import static org.mmsim.mm.Uapi.MREMAP_FIXED;
import static org.mmsim.mm.Uapi.MREMAP_MAYMOVE;
import static org.mmsim.mm.Uapi.PROT_READ;
import static org.mmsim.mm.Uapi.PROT_WRITE;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.mmsim.arch.Arch;
import org.mmsim.workload.SimBackend;
import org.mmsim.workload.Segfault;

/**
 * Differential property of the three mremap features (move-pmd, mremap-pte-batch, mremap-batch-hint): random
 * mmap / mremap / munmap / memset / poke / peek sequences, with sizes and addresses at and around PMD and 64K
 * boundaries, 64K folios on and THP on or off, give identical observable results (return values, errno, VMA layout,
 * residency, contents) under all 8 subsets, on x86-64 and on arm64, with the invariant checker after every call.
 */
class MremapPropertiesTest {
    static final long K = 1024;
    static final long M = 1L << 20;
    /** The arena: 1 GiB - 2 MiB .. + 16 MiB, so that PMD boundaries fall inside. */
    static final long BASE = (1L << 30) - 2 * M;
    static final long[] OFFSETS = {0, 4 * K, 60 * K, 64 * K, M, 2 * M - 4 * K, 2 * M, 2 * M + 4 * K, 3 * M,
            4 * M, 6 * M, 6 * M + 64 * K, 8 * M, 8 * M + 4 * K, 10 * M, 12 * M};
    static final long[] LENGTHS = {4 * K, 8 * K, 64 * K, 68 * K, 512 * K, M, 2 * M - 4 * K, 2 * M, 2 * M + 4 * K, 4 * M};
    static final int[] MREMAP_FLAGS = {0, MREMAP_MAYMOVE, MREMAP_MAYMOVE | MREMAP_FIXED, MREMAP_MAYMOVE | MREMAP_DONTUNMAP,
            MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP, MREMAP_FIXED};
    static final Feature[] FEATURES = {Feature.MOVE_PMD, Feature.MREMAP_PTE_BATCH, Feature.MREMAP_BATCH_HINT};

    enum Kind { MMAP, MUNMAP, MEMSET, POKE, PEEK, MREMAP }

    record Op(Kind kind, long off, long len, long len2, int flags, long off2, int value) {
        @Override public String toString() {
            return switch (kind) {
                case MMAP -> "mmap(+" + hex(off) + ", " + hex(len) + ")";
                case MUNMAP -> "munmap(+" + hex(off) + ", " + hex(len) + ")";
                case MEMSET -> "memset(+" + hex(off) + ", " + value + ", " + hex(len) + ")";
                case POKE -> "poke(+" + hex(off) + ", " + value + ")";
                case PEEK -> "peek(+" + hex(off) + ")";
                case MREMAP -> "mremap(+" + hex(off) + ", " + hex(len) + ", " + hex(len2) + ", " + flags + ", +" + hex(off2) + ")";
            };
        }

        static String hex(long v) { return Long.toHexString(v); }
    }

    @Provide Arbitrary<Op> ops() {
        Arbitrary<Long> off = Arbitraries.integers().between(0, OFFSETS.length - 1).map(i -> OFFSETS[i]);
        Arbitrary<Long> len = Arbitraries.integers().between(0, LENGTHS.length - 1).map(i -> LENGTHS[i]);
        Arbitrary<Integer> flags = Arbitraries.integers().between(0, MREMAP_FLAGS.length - 1).map(i -> MREMAP_FLAGS[i]);
        Arbitrary<Kind> kind = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, Arbitraries.just(Kind.MMAP)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(Kind.MUNMAP)),
                net.jqwik.api.Tuple.of(3, Arbitraries.just(Kind.MEMSET)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(Kind.POKE)),
                net.jqwik.api.Tuple.of(2, Arbitraries.just(Kind.PEEK)),
                net.jqwik.api.Tuple.of(8, Arbitraries.just(Kind.MREMAP)));
        return Combinators.combine(kind, off, len, len, flags, off, Arbitraries.integers().between(1, 255))
                .as(Op::new);
    }

    /** A mapping filled with a byte, to start a sequence with something to move. */
    @Provide Arbitrary<Op> filledMaps() {
        Arbitrary<Long> off = Arbitraries.integers().between(0, OFFSETS.length - 1).map(i -> OFFSETS[i]);
        Arbitrary<Long> len = Arbitraries.integers().between(0, LENGTHS.length - 1).map(i -> LENGTHS[i]);
        return Combinators.combine(off, len, Arbitraries.integers().between(1, 255))
                .as((o, l, v) -> new Op(Kind.MMAP, o, l, 0, 0, 0, v));
    }

    @Property(tries = 120)
    void everyMremapFeatureSubsetGivesTheSameObservableResults(
            @ForAll @Size(min = 1, max = 3) List<@From("filledMaps") Op> maps,
            @ForAll @Size(min = 4, max = 20) List<@From("ops") Op> random, @ForAll boolean thp) {
        List<Op> ops = new ArrayList<>();
        for (Op m : maps) {
            ops.add(m);
            ops.add(new Op(Kind.MEMSET, m.off, m.len, 0, 0, 0, m.value));
        }
        ops.addAll(random);
        for (Arch arch : new Arch[] {Arch.X86_64, Arch.ARM64}) {
            List<String> reference = null;
            for (int mask = 0; mask < 8; mask++) {
                EnumSet<Feature> on = EnumSet.noneOf(Feature.class);
                for (int f = 0; f < 3; f++) if ((mask & (1 << f)) != 0) on.add(FEATURES[f]);
                List<String> log = run(arch, FeatureSet.of(on), thp, ops);
                if (reference == null) {
                    reference = log;
                    net.jqwik.api.statistics.Statistics.label("successful mremaps (" + arch + ")")
                            .collect(log.stream().filter(l -> l.startsWith("mremap") && !l.contains("-> -E")).count() > 0);
                }
                else assertEquals(reference, log, arch + " " + on + " differs from baseline; ops " + ops);
            }
        }
    }

    static List<String> run(Arch arch, FeatureSet fs, boolean thp, List<Op> ops) {
        SimBackend b = new SimBackend(arch, fs, true);
        b.set("mthp 64K", "always");
        b.set("thp", thp ? "always" : "never");
        List<String> log = new ArrayList<>();
        for (Op op : ops) log.add(op + " -> " + apply(b, op));
        // final state: layout, residency (before anything faults), contents
        for (Vma v : new ArrayList<>(b.mm().vmas())) {
            StringBuilder sb = new StringBuilder(Long.toHexString(v.start()) + "-" + Long.toHexString(v.end())
                    + " prot " + v.prot() + " pgoff " + Long.toHexString(v.pgoff()) + " present ");
            for (long a = v.start(); a < v.end(); a += 4 * K) sb.append(b.present(a) ? '1' : '0');
            log.add(sb.toString());
        }
        for (Vma v : new ArrayList<>(b.mm().vmas())) {
            log.add("checksum " + Long.toHexString(v.start()) + " " + b.checksum(v.start(), v.end() - v.start()));
        }
        log.add("rss " + b.mm().anonRss());
        return log;
    }

    static String apply(SimBackend b, Op op) {
        int rw = PROT_READ | PROT_WRITE;
        try {
            return switch (op.kind) {
                case MMAP -> res(b, b.mmap(BASE + op.off, op.len, rw, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
                case MUNMAP -> res(b, b.munmap(BASE + op.off, op.len));
                case MEMSET -> {
                    b.memset(BASE + op.off, op.value, op.len);
                    yield "ok";
                }
                case POKE -> {
                    b.poke(BASE + op.off + 100, op.value);
                    yield "ok";
                }
                case PEEK -> Integer.toString(b.peek(BASE + op.off + 100));
                case MREMAP -> {
                    // Half of the mremaps are snapped onto an existing VMA (its start; its whole length or a prefix),
                    // so that most of them move something rather than fail the argument checks.
                    long addr = BASE + op.off;
                    long oldLen = op.len;
                    long newLen = op.len2;
                    Vma v = (op.value & 1) != 0 ? b.mm().findVma(BASE + op.off) : null;
                    if (v != null) {
                        addr = v.start();
                        oldLen = (op.value & 2) != 0 ? v.end() - v.start() : Math.min(op.len, v.end() - v.start());
                        if ((op.value & 4) != 0) newLen = oldLen;
                    }
                    yield res(b, b.mremap(addr, oldLen, newLen, op.flags, BASE + op.off2));
                }
            };
        } catch (Segfault s) {
            return "SIGSEGV";
        }
    }

    static String res(SimBackend b, long r) {
        return r == -1 ? "-" + Errno.name(b.errno()) : Long.toHexString(r);
    }
}
