package org.mmsim.jmh;

import java.util.concurrent.TimeUnit;

import org.mmsim.arch.Arch;
import org.mmsim.arch.Counters;
import org.mmsim.pgtable.PteOps;
import org.mmsim.phys.PhysMem;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * The batched PTE primitives on one full table of 512 entries mapping 64K folios (32 folios of 16 pages): the
 * set_ptes / get_and_clear_full_ptes pass of a batched mremap, the folio_pte_batch scan, and a single-entry write
 * that unfolds and refolds an arm64 contpte block. Scores are ns per PTE (per block for the fold benchmark).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PteBench {
    @Param({"x86_64", "arm64"})
    public String arch;

    private Arch a;
    private PteOps ops;
    private PhysMem phys;
    private long[] table;
    private long[] other;
    private long[] heads;
    private long firstPte;

    @Setup
    public void setup() {
        a = Arch.byName(arch);
        Counters c = new Counters();
        phys = new PhysMem(1L << 30, c);
        ops = new PteOps(a, c, phys);
        table = new long[512];
        other = new long[512];
        heads = new long[32];
        for (int f = 0; f < 32; f++) {
            heads[f] = phys.allocFolio(4);
            long pte = a.pteMkdirty(a.pteMkyoung(a.mkPte(heads[f], 3, false, 0)));
            ops.setPtes(table, f * 16, f * 16L << 12, pte, 16);
        }
        firstPte = table[0];
    }

    /** The move pass of a batched mremap: per folio, get_and_clear_full_ptes then set_ptes into another table. */
    @Benchmark
    @OperationsPerInvocation(512)
    public long moveTable() {
        long[] src = table;
        long[] dst = other;
        long sum = 0;
        for (int f = 0; f < 32; f++) {
            long pte = ops.getAndClearFullPtes(src, f * 16, f * 16L << 12, 16);
            ops.setPtes(dst, f * 16, f * 16L << 12, pte, 16);
            sum += pte;
        }
        table = dst;
        other = src;
        return sum;
    }

    /** folio_pte_batch over each folio of the table (the scan every batched path starts with). */
    @Benchmark
    @OperationsPerInvocation(512)
    public int folioPteBatch() {
        int n = 0;
        for (int f = 0; f < 32; f++) n += ops.folioPteBatch(heads[f], table, f * 16, ops.ptepGet(table, f * 16), 16, 0);
        return n;
    }

    /**
     * A single-entry set_ptes on the last entry of a block: on arm64 the block is unfolded (contpte_try_unfold)
     * and folded again (contpte_try_fold); on x86 a plain write. Per block.
     */
    @Benchmark
    @OperationsPerInvocation(32)
    public long unfoldFold() {
        long[] t = table;
        for (int f = 0; f < 32; f++) {
            int i = f * 16 + 15;
            ops.setPtes(t, i, (long) i << 12, a.pteWithPfn(firstPte, heads[f] + 15), 1);
        }
        return t[15];
    }
}
