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
import org.mmsim.check.Checker;
import org.mmsim.arch.Arch;
import org.mmsim.workload.SimBackend;
import org.mmsim.workload.Segfault;

/**
 * Differential property of the four mremap features (move-pmd, move-pud, mremap-pte-batch, mremap-batch-hint):
 * random mmap / mremap / munmap / memset / poke / peek sequences, with sizes and addresses at and around PMD and 64K
 * boundaries, 64K folios on and THP on or off, give identical observable results (return values, errno, VMA layout,
 * residency, contents) under all 16 subsets, on x86-64 and on arm64, with the invariant checker after every call.
 * A second property does the same at PUD scale (GiB-aligned arenas, 1 GiB lengths, sparse contents), where
 * move-pud and the realigned first PMD come into play.
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
    /** Every feature that changes how mremap moves page tables; all 16 subsets are compared. */
    static final Feature[] FEATURES = {Feature.MOVE_PMD, Feature.MOVE_PUD, Feature.MREMAP_PTE_BATCH,
            Feature.MREMAP_BATCH_HINT};
    static final int SUBSETS = 1 << FEATURES.length;

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
            for (int mask = 0; mask < SUBSETS; mask++) {
                EnumSet<Feature> on = EnumSet.noneOf(Feature.class);
                for (int f = 0; f < FEATURES.length; f++) if ((mask & (1 << f)) != 0) on.add(FEATURES[f]);
                List<String> log = run(arch, FeatureSet.of(on), thp, ops);
                if (reference == null) {
                    reference = log;
                    net.jqwik.api.statistics.Statistics.label("successful mremaps (" + arch + ")")
                            .collect(log.stream().filter(l -> l.startsWith("mremap") && !l.contains("-> -E")).count() > 0);
                }
                else if (!sameObservable(reference, log)) {
                    assertEquals(reference, log, arch + " " + on + " differs from baseline; ops " + ops);
                }
            }
        }
    }

    /**
     * The two logs agree on everything, except that inside a PMD-sized block where one of them holds a PMD-order
     * folio (PMD-mapped, or PTE-mapped after a split of its PMD mapping) the other may map base pages or smaller
     * folios (or nothing yet) there. That difference is the kernel's own: move_normal_pmd takes the source's PTE
     * table along while move_ptes leaves it behind empty, and a later fault can only install a PMD THP where no
     * table is left (do_huge_pmd_anonymous_page needs pmd_none). The emptied table stays where a VMA still covers
     * its block (MREMAP_DONTUNMAP keeps the source VMA; a neighbour may share the block). RSS then differs with it.
     * Contents are still compared byte for byte through the checksums; a block that is populated on one side only
     * must hold zeros there (its checksum is that of zero bytes). Both scales use it: at PUD scale seeds
     * 4842842564390773442 (a PMD THP where baseline faulted 64K folios into the tables move_ptes had emptied) and
     * 2095864709494417422 (the same THP, its PMD mapping then split by a one-page munmap) found it.
     */
    static boolean sameObservable(List<String> a, List<String> b) {
        java.util.Map<Long, Long> sumsA = new java.util.HashMap<>();
        java.util.Map<Long, Long> sumsB = new java.util.HashMap<>();
        List<String> restA = withoutChecksums(a, sumsA);
        List<String> restB = withoutChecksums(b, sumsB);
        if (restA.size() != restB.size()) return false;
        java.util.Map<Long, Integer> pagesA = new java.util.HashMap<>();
        java.util.Map<Long, Integer> pagesB = new java.util.HashMap<>();
        boolean pmdDifference = false;
        for (int i = 0; i < restA.size(); i++) {
            String x = restA.get(i);
            String y = restB.get(i);
            Residency rx = Residency.parse(x);
            Residency ry = Residency.parse(y);
            if (rx != null && ry != null) {
                for (int k = 0; k < rx.starts.size(); k++) pagesA.put(rx.starts.get(k), rx.pages.get(k).length());
                for (int k = 0; k < ry.starts.size(); k++) pagesB.put(ry.starts.get(k), ry.pages.get(k).length());
            }
            if (x.equals(y)) continue;
            if (rx == null || ry == null || !rx.header.equals(ry.header)) {
                if (x.startsWith("rss ") && y.startsWith("rss ") && pmdDifference) continue;
                return false;
            }
            // the letters of every PMD block either side shows, '.' where a side shows nothing
            java.util.TreeMap<Long, char[]> blocksA = rx.byBlock();
            java.util.TreeMap<Long, char[]> blocksB = ry.byBlock();
            java.util.TreeSet<Long> blocks = new java.util.TreeSet<>(blocksA.keySet());
            blocks.addAll(blocksB.keySet());
            for (long block : blocks) {
                char[] pa = blocksA.getOrDefault(block, Residency.EMPTY);
                char[] pb = blocksB.getOrDefault(block, Residency.EMPTY);
                if (java.util.Arrays.equals(pa, pb)) continue;
                if (!pmdOrderIn(pa) && !pmdOrderIn(pb)) return false;
                pmdDifference = true;
            }
        }
        for (long lo : union(sumsA.keySet(), sumsB.keySet())) {
            Long x = sumsA.get(lo);
            Long y = sumsB.get(lo);
            if (x != null && y != null) {
                if (!x.equals(y)) return false;
            } else if (x != null) {
                if (x != zeros(pagesA.get(lo))) return false;
            } else if (y != zeros(pagesB.get(lo))) {
                return false;
            }
        }
        return true;
    }

    /** The allowance is only for blocks holding a PMD-order folio on one side, and zero contents where one side has none. */
    @org.junit.jupiter.api.Test
    void theComparisonAllowsOnlyThePmdFolioDifference() {
        String w16 = "w".repeat(16);
        String t16 = "T".repeat(16);
        long z = org.mmsim.workload.Patterns.fillTerms(0, 0, 16 * 4 * K);
        List<String> base = List.of("280000000-280010000 prot 3 pgoff 1", "rss 0");
        // a PTE-mapped THP on one side, nothing on the other, zero contents: the kernel's own difference
        org.junit.jupiter.api.Assertions.assertTrue(sameObservable(base,
                List.of("280000000-280010000 prot 3 pgoff 1 [280000000 " + t16 + "]", "checksum 280000000 " + z, "rss 16")));
        // the same with non-zero contents: a real difference
        org.junit.jupiter.api.Assertions.assertFalse(sameObservable(base,
                List.of("280000000-280010000 prot 3 pgoff 1 [280000000 " + t16 + "]", "checksum 280000000 " + (z + 1), "rss 16")));
        // base pages where the other side has nothing: no PMD-order folio, so a real difference
        org.junit.jupiter.api.Assertions.assertFalse(sameObservable(base,
                List.of("280000000-280010000 prot 3 pgoff 1 [280000000 " + w16 + "]", "checksum 280000000 " + z, "rss 16")));
        // different layout is never allowed
        org.junit.jupiter.api.Assertions.assertFalse(sameObservable(base, List.of("280000000-280020000 prot 3 pgoff 1", "rss 0")));
    }

    private static List<String> withoutChecksums(List<String> log, java.util.Map<Long, Long> sums) {
        List<String> rest = new ArrayList<>();
        for (String l : log) {
            if (l.startsWith("checksum ")) {
                String[] f = l.split(" ");
                sums.put(Long.parseLong(f[1], 16), Long.parseLong(f[2]));
            } else {
                rest.add(l);
            }
        }
        return rest;
    }

    private static java.util.Set<Long> union(java.util.Set<Long> a, java.util.Set<Long> b) {
        java.util.Set<Long> u = new java.util.TreeSet<>(a);
        u.addAll(b);
        return u;
    }

    /** The checksum of {@code pages} pages of zero bytes, as {@code checksum} computes it. */
    private static long zeros(Integer pages) {
        return pages == null ? Long.MIN_VALUE : org.mmsim.workload.Patterns.fillTerms(0, 0, pages * 4 * K);
    }

    /** A PMD-order folio shows in the block: PMD-mapped ('W', 'R') or PTE-mapped ('T', 't'). */
    private static boolean pmdOrderIn(char[] block) {
        for (char c : block) if (c == 'W' || c == 'R' || c == 'T' || c == 't') return true;
        return false;
    }

    /**
     * A VMA line of a log: its header (range, prot, pgoff) and its page letters, either all of them after
     * {@code " pages "} or, at PUD scale, one {@code [start letters]} group per populated PMD block.
     */
    private record Residency(String header, List<Long> starts, List<String> pages) {
        static final char[] EMPTY = new char[512];
        static {
            java.util.Arrays.fill(EMPTY, '.');
        }

        /** The page letters per PMD-sized block, 512 per block, '.' for pages outside this line's groups. */
        java.util.TreeMap<Long, char[]> byBlock() {
            java.util.TreeMap<Long, char[]> m = new java.util.TreeMap<>();
            for (int k = 0; k < starts.size(); k++) {
                String p = pages.get(k);
                for (int i = 0; i < p.length(); i++) {
                    long a = starts.get(k) + i * 4 * K;
                    char[] block = m.computeIfAbsent(a & -(2 * M), x -> EMPTY.clone());
                    block[(int) ((a & (2 * M - 1)) / (4 * K))] = p.charAt(i);
                }
            }
            return m;
        }

        static Residency parse(String line) {
            int p = line.indexOf(" pages ");
            if (p >= 0) {
                return new Residency(line.substring(0, p), List.of(Long.parseLong(line.substring(0, line.indexOf('-')), 16)),
                        List.of(line.substring(p + 7)));
            }
            int g = line.indexOf(" [");
            if (g < 0) {
                // a VMA with no populated block at PUD scale
                return line.matches("[0-9a-f]+-[0-9a-f]+ prot \\d+ pgoff [0-9a-f]+") ? new Residency(line, List.of(), List.of()) : null;
            }
            if (!line.endsWith("]")) return null;
            List<Long> starts = new ArrayList<>();
            List<String> pages = new ArrayList<>();
            for (String group : line.substring(g + 2, line.length() - 1).split("\\] \\[")) {
                int sp = group.indexOf(' ');
                starts.add(Long.parseLong(group.substring(0, sp), 16));
                pages.add(group.substring(sp + 1));
            }
            return new Residency(line.substring(0, g), starts, pages);
        }
    }

    static List<String> run(Arch arch, FeatureSet fs, boolean thp, List<Op> ops) {
        SimBackend b = new SimBackend(arch, fs, Checker.Mode.CROSS);
        b.set("mthp 64K", "always");
        b.set("thp", thp ? "always" : "never");
        List<String> log = new ArrayList<>();
        for (Op op : ops) log.add(op + " -> " + apply(b, op));
        // final state: layout, residency (before anything faults), contents
        for (Vma v : new ArrayList<>(b.mm().vmas())) {
            StringBuilder sb = new StringBuilder(Long.toHexString(v.start()) + "-" + Long.toHexString(v.end())
                    + " prot " + v.prot() + " pgoff " + Long.toHexString(v.pgoff()) + " pages ");
            for (long a = v.start(); a < v.end(); a += 4 * K) sb.append(page(b, a));
            log.add(sb.toString());
        }
        for (Vma v : new ArrayList<>(b.mm().vmas())) {
            log.add("checksum " + Long.toHexString(v.start()) + " " + b.checksum(v.start(), v.end() - v.start()));
        }
        log.add("rss " + b.mm().anonRss());
        return log;
    }

    static String apply(SimBackend b, Op op) { return apply(b, op, BASE); }

    static String apply(SimBackend b, Op op, long base) {
        int rw = PROT_READ | PROT_WRITE;
        try {
            return switch (op.kind) {
                case MMAP -> res(b, b.mmap(base + op.off, op.len, rw, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
                case MUNMAP -> res(b, b.munmap(base + op.off, op.len));
                case MEMSET -> {
                    b.memset(base + op.off, op.value, op.len);
                    yield "ok";
                }
                case POKE -> {
                    b.poke(base + op.off + 100, op.value);
                    yield "ok";
                }
                case PEEK -> Integer.toString(b.peek(base + op.off + 100));
                case MREMAP -> {
                    // Half of the mremaps are snapped onto an existing VMA (its start; its whole length or a prefix),
                    // so that most of them move something rather than fail the argument checks.
                    long addr = base + op.off;
                    long oldLen = op.len;
                    long newLen = op.len2;
                    Vma v = (op.value & 1) != 0 ? b.mm().findVma(base + op.off) : null;
                    if (v != null) {
                        addr = v.start();
                        oldLen = (op.value & 2) != 0 ? v.end() - v.start() : Math.min(op.len, v.end() - v.start());
                        if ((op.value & 4) != 0) newLen = oldLen;
                    }
                    yield res(b, b.mremap(addr, oldLen, newLen, op.flags, base + op.off2));
                }
            };
        } catch (Segfault s) {
            return "SIGSEGV";
        }
    }

    /**
     * What pagemap would show for one page, plus the write bit: '.' nothing, 'S' a swap entry, 'z'/'Z' the zero
     * page (read-only/writable, the latter never legal), 'h' the huge zero page, 'r'/'w' a read-only/writable page,
     * upper case 'R'/'W' when it is mapped by a PMD. Soft-dirty is deliberately left out: move_normal_pmd/pud move
     * whole tables without marking entries soft-dirty while move_ptes marks each one (KERNEL_FACTS §2.6), so it
     * differs between feature subsets in the kernel too.
     */
    static char page(SimBackend b, long a) {
        Arch arch = b.kernel().env().arch;
        long pmd = b.mm().pageTables().pmdEntry(a);
        if (arch.entryIsLeaf(pmd)) {
            long pte = arch.hugePmdToPte(pmd);
            if (arch.ptePfn(pte) == org.mmsim.phys.PhysMem.HUGE_ZERO_PFN) return 'h';
            return arch.pteWrite(pte) ? 'W' : 'R';
        }
        long[] t = b.mm().pageTables().pteTable(a, false);
        long pte = t == null ? 0 : t[org.mmsim.pgtable.PageTables.pteIndex(a)];
        if (pte == 0) return '.';
        if (!arch.ptePresent(pte)) return 'S';
        long pfn = arch.ptePfn(pte);
        if (pfn == org.mmsim.phys.PhysMem.ZERO_PFN) return arch.pteWrite(pte) ? 'Z' : 'z';
        if (pfn >= org.mmsim.phys.PhysMem.HUGE_ZERO_PFN && pfn < org.mmsim.phys.PhysMem.HUGE_ZERO_PFN + 512) return 'h';
        // a page of a PMD-order folio mapped by a PTE (its PMD mapping was split)
        if (b.kernel().env().phys.folioOrder(pfn) >= 9) return arch.pteWrite(pte) ? 'T' : 't';
        return arch.pteWrite(pte) ? 'w' : 'r';
    }

    static String res(SimBackend b, long r) {
        return r == -1 ? "-" + Errno.name(b.errno()) : Long.toHexString(r);
    }

    // ---- PUD scale ------------------------------------------------------------------------------------------

    static final long G = 1L << 30;
    /** A 1 GiB-aligned arena of 8 GiB, so that whole PUD entries can move. */
    static final long GBASE = 4 * G;
    static final long[] BIG_OFFSETS = {0, G, 2 * G, 3 * G, 4 * G, 5 * G, G + 2 * M, 2 * G - 2 * M, 3 * G + 4 * K,
            2 * M, 6 * G, 6 * G + 64 * K};
    static final long[] BIG_LENGTHS = {4 * K, 64 * K, 2 * M, 4 * M, G, G + 2 * M, 2 * G, G - 2 * M};

    /** Mostly MAYMOVE|FIXED: only a move to a chosen GiB-aligned address can move whole PUD entries. */
    static final int[] BIG_MREMAP_FLAGS = {MREMAP_MAYMOVE | MREMAP_FIXED, MREMAP_MAYMOVE | MREMAP_FIXED,
            MREMAP_MAYMOVE | MREMAP_FIXED, 0, MREMAP_MAYMOVE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP,
            MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP};

    @Provide Arbitrary<Op> bigOps() {
        Arbitrary<Long> off = Arbitraries.integers().between(0, BIG_OFFSETS.length - 1).map(i -> BIG_OFFSETS[i]);
        Arbitrary<Long> len = Arbitraries.integers().between(0, BIG_LENGTHS.length - 1).map(i -> BIG_LENGTHS[i]);
        Arbitrary<Integer> flags = Arbitraries.integers().between(0, BIG_MREMAP_FLAGS.length - 1)
                .map(i -> BIG_MREMAP_FLAGS[i]);
        Arbitrary<Kind> kind = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.just(Kind.MMAP)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(Kind.MUNMAP)),
                net.jqwik.api.Tuple.of(3, Arbitraries.just(Kind.MEMSET)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(Kind.POKE)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(Kind.PEEK)),
                net.jqwik.api.Tuple.of(8, Arbitraries.just(Kind.MREMAP)));
        return Combinators.combine(kind, off, len, len, flags, off, Arbitraries.integers().between(1, 255))
                .as(Op::new);
    }

    @Provide Arbitrary<Op> bigMaps() {
        Arbitrary<Long> off = Arbitraries.integers().between(0, BIG_OFFSETS.length - 1).map(i -> BIG_OFFSETS[i]);
        Arbitrary<Long> len = Arbitraries.of(G, 2 * G, G + 2 * M, 4 * M);
        return Combinators.combine(off, len, Arbitraries.integers().between(1, 255))
                .as((o, l, v) -> new Op(Kind.MMAP, o, l, 0, 0, 0, v));
    }

    @Property(tries = 40)
    void everyMremapFeatureSubsetAgreesAtPudScale(
            @ForAll @Size(min = 1, max = 2) List<@From("bigMaps") Op> maps,
            @ForAll @Size(min = 3, max = 12) List<@From("bigOps") Op> random, @ForAll boolean thp) {
        List<Op> ops = new ArrayList<>();
        for (Op m : maps) {
            ops.add(m);
            ops.add(new Op(Kind.MEMSET, m.off, m.len, 0, 0, 0, m.value));
        }
        // one whole-VMA MAYMOVE|FIXED move of the first mapping to a GiB-aligned address, so that every sequence
        // has a chance of PUD-sized extents (value 7: snap to the whole VMA, same length)
        Op first = maps.get(0);
        ops.add(new Op(Kind.MREMAP, first.off, first.len, first.len, MREMAP_MAYMOVE | MREMAP_FIXED,
                first.off >= 5 * G ? 0 : 6 * G, 7));
        ops.addAll(random);
        for (Arch arch : new Arch[] {Arch.X86_64, Arch.ARM64}) {
            List<String> reference = null;
            for (int mask = 0; mask < SUBSETS; mask++) {
                EnumSet<Feature> on = EnumSet.noneOf(Feature.class);
                for (int f = 0; f < FEATURES.length; f++) if ((mask & (1 << f)) != 0) on.add(FEATURES[f]);
                SimBackend b = new SimBackend(arch, FeatureSet.of(on), Checker.Mode.CROSS);
                List<String> log = runBig(b, thp, ops);
                if (reference == null) {
                    reference = log;
                } else {
                    if (!sameObservable(reference, log)) {
                        assertEquals(reference, log, arch + " " + on + " differs from baseline; ops " + ops);
                    }
                    if (on.contains(Feature.MOVE_PUD)) {
                        net.jqwik.api.statistics.Statistics.label("runs with move-pud that moved a PUD (" + arch + ")")
                                .collect(b.kernel().env().counters.get(org.mmsim.arch.Event.PUD_MOVE) > 0);
                    }
                }
            }
        }
    }

    static List<String> runBig(SimBackend b, boolean thp, List<Op> ops) {
        b.set("mthp 64K", "always");
        b.set("thp", thp ? "always" : "never");
        List<String> log = new ArrayList<>();
        for (Op op : ops) {
            // contents stay sparse: a memset writes 64 KiB at the start, the middle and the end of its range
            if (op.kind == Kind.MEMSET) {
                StringBuilder r = new StringBuilder();
                for (long at : new long[] {0, op.len / 2, op.len - 64 * K}) {
                    if (at < 0) continue;
                    Op part = new Op(Kind.MEMSET, op.off + at, Math.min(64 * K, op.len), 0, 0, 0, op.value);
                    r.append(apply(b, part, GBASE)).append(' ');
                }
                log.add(op + " -> " + r);
            } else {
                log.add(op + " -> " + apply(b, op, GBASE));
            }
        }
        // final state: layout; residency per PMD with something present (an absent PMD entry maps nothing)
        List<long[]> populated = new ArrayList<>();
        for (Vma v : new ArrayList<>(b.mm().vmas())) {
            StringBuilder sb = new StringBuilder(Long.toHexString(v.start()) + "-" + Long.toHexString(v.end())
                    + " prot " + v.prot() + " pgoff " + Long.toHexString(v.pgoff()));
            for (long pmd = v.start() & -(2 * M); pmd < v.end(); pmd += 2 * M) {
                long[] m = b.mm().pageTables().pmdTable(pmd, false);
                if (m == null || m[org.mmsim.pgtable.PageTables.pmdIndex(pmd)] == 0) continue;
                long lo = Math.max(pmd, v.start());
                long hi = Math.min(pmd + 2 * M, v.end());
                StringBuilder bits = new StringBuilder();
                for (long a = lo; a < hi; a += 4 * K) bits.append(page(b, a));
                // an empty page table left behind is not observable (pagemap shows nothing either way)
                if (bits.toString().chars().allMatch(ch -> ch == '.')) continue;
                sb.append(" [").append(Long.toHexString(lo)).append(' ').append(bits).append(']');
                populated.add(new long[] {lo, hi});
            }
            log.add(sb.toString());
        }
        for (long[] r : populated) log.add("checksum " + Long.toHexString(r[0]) + " " + b.checksum(r[0], r[1] - r[0]));
        log.add("rss " + b.mm().anonRss());
        return log;
    }
}
