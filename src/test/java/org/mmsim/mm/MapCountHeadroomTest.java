package org.mmsim.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mmsim.mm.Uapi.MADV_DONTFORK;
import static org.mmsim.mm.Uapi.MADV_DONTNEED;
import static org.mmsim.mm.Uapi.MAP_ANONYMOUS;
import static org.mmsim.mm.Uapi.MAP_FIXED;
import static org.mmsim.mm.Uapi.MAP_PRIVATE;
import static org.mmsim.mm.Uapi.MREMAP_DONTUNMAP;
import static org.mmsim.mm.Uapi.MREMAP_FIXED;
import static org.mmsim.mm.Uapi.MREMAP_MAYMOVE;
import static org.mmsim.mm.Uapi.PROT_READ;
import static org.mmsim.mm.Uapi.PROT_WRITE;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mmsim.arch.Arch;
import org.mmsim.workload.SimBackend;

/**
 * The vm.max_map_count table of docs/kernel-oracle.md, measured on the live 6.18 kernel, replayed on the model:
 * for k = max_map_count - map_count from -1 to 8 just before the call, every operation must give the kernel's
 * result and change map_count by the same amount.
 *
 * <p>The rules behind the rows: a new VMA fails only when map_count &gt; max (do_mmap); a split fails at
 * map_count &gt;= max (__split_vma / vms_gather_munmap_vmas), and mprotect (mprotect_fixup → vma_modify_flags) and
 * madvise (madvise_update_vma, ENOMEM reported as EAGAIN) keep the first split when the second one fails; mremap
 * in 6.18 refuses a move to a new address unless max - map_count &gt;= 6 (check_mremap_params:
 * {@code map_count + 2 >= max - 3}) and any move unless max - map_count &gt;= 4 (prep_move_vma:
 * {@code map_count >= max - 3}), while growing or shrinking in place never fails on the map count.
 */
class MapCountHeadroomTest {
    static final long R = 1L << 30;
    static final int RW = PROT_READ | PROT_WRITE;
    static final int PA = MAP_PRIVATE | MAP_ANONYMOUS;
    static final int MM = MREMAP_MAYMOVE;
    static final int MF = MREMAP_MAYMOVE | MREMAP_FIXED;
    static final int MD = MREMAP_MAYMOVE | MREMAP_DONTUNMAP;

    /** One row of the table: what to set up, the call, and the 10 cells for k = -1 .. 8 as the oracle printed them. */
    record Row(String name, boolean withW, boolean splitFirst, ToLongFunction<SimBackend> call, String cells) {
        @Override public String toString() { return name; }
    }

    static List<Row> rows() {
        List<Row> r = new ArrayList<>();
        r.add(new Row("mmap isolated", false, false, b -> b.mmap(R + 0x40000, 0x1000, RW, PA | MAP_FIXED, -1, 0),
                "ENOMEM +0|ok +1|ok +1|ok +1|ok +1|ok +1|ok +1|ok +1|ok +1|ok +1"));
        r.add(new Row("mmap adjacent to V, merges", false, false, b -> b.mmap(R + 0x10000, 0x1000, RW, PA | MAP_FIXED, -1, 0),
                "ENOMEM +0|ok +0|ok +0|ok +0|ok +0|ok +0|ok +0|ok +0|ok +0|ok +0"));
        r.add(new Row("mmap READ inside V", false, false, b -> b.mmap(R + 0x4000, 0x1000, PROT_READ, PA | MAP_FIXED, -1, 0),
                "ENOMEM +0|ENOMEM +0|ok +2|ok +2|ok +2|ok +2|ok +2|ok +2|ok +2|ok +2"));
        r.add(new Row("mmap RW inside V", false, false, b -> b.mmap(R + 0x4000, 0x1000, RW, PA | MAP_FIXED, -1, 0),
                "ENOMEM +0|ENOMEM +0|ok +0|ok +0|ok +0|ok +0|ok +0|ok +0|ok +0|ok +0"));
        r.add(new Row("munmap middle of V", false, false, b -> b.munmap(R + 0x4000, 0x1000),
                "ENOMEM +0|ENOMEM +0|ok +1|ok +1|ok +1|ok +1|ok +1|ok +1|ok +1|ok +1"));
        r.add(new Row("munmap head of V", false, false, b -> b.munmap(R, 0x1000),
                "ok +0|ok +0|ok +0|ok +0|ok +0|ok +0|ok +0|ok +0|ok +0|ok +0"));
        r.add(new Row("munmap whole V", false, false, b -> b.munmap(R, 0x10000),
                "ok -1|ok -1|ok -1|ok -1|ok -1|ok -1|ok -1|ok -1|ok -1|ok -1"));
        r.add(new Row("munmap tail of V + head of W", true, false, b -> b.munmap(R + 0x8000, 0x10000),
                "ok +0|ok +0|ok +0|ok +0|ok +0|ok +0|ok +0|ok +0|ok +0|ok +0"));
        r.add(new Row("mprotect middle of V", false, false, b -> b.mprotect(R + 0x4000, 0x1000, PROT_READ),
                "ENOMEM +0|ENOMEM +0|ENOMEM +1|ok +2|ok +2|ok +2|ok +2|ok +2|ok +2|ok +2"));
        r.add(new Row("mprotect head of V", false, false, b -> b.mprotect(R, 0x1000, PROT_READ),
                "ENOMEM +0|ENOMEM +0|ok +1|ok +1|ok +1|ok +1|ok +1|ok +1|ok +1|ok +1"));
        r.add(new Row("mprotect whole V", false, false, b -> b.mprotect(R, 0x10000, PROT_READ),
                "ok +0|ok +0|ok +0|ok +0|ok +0|ok +0|ok +0|ok +0|ok +0|ok +0"));
        r.add(new Row("mprotect merges a split V back", false, true, b -> b.mprotect(R + 0x4000, 0x1000, RW),
                "ok -2|ok -2|ok -2|ok -2|ok -2|ok -2|ok -2|ok -2|ok -2|ok -2"));
        r.add(new Row("madvise DONTFORK middle of V", false, false, b -> b.madvise(R + 0x4000, 0x1000, MADV_DONTFORK),
                "EAGAIN +0|EAGAIN +0|EAGAIN +1|ok +2|ok +2|ok +2|ok +2|ok +2|ok +2|ok +2"));
        r.add(new Row("madvise DONTFORK head of V", false, false, b -> b.madvise(R, 0x1000, MADV_DONTFORK),
                "EAGAIN +0|EAGAIN +0|ok +1|ok +1|ok +1|ok +1|ok +1|ok +1|ok +1|ok +1"));
        r.add(new Row("madvise DONTNEED middle of V", false, false, b -> b.madvise(R + 0x4000, 0x1000, MADV_DONTNEED),
                "ok +0|ok +0|ok +0|ok +0|ok +0|ok +0|ok +0|ok +0|ok +0|ok +0"));
        r.add(new Row("mremap MM|MF whole V", false, false, b -> b.mremap(R, 0x10000, 0x10000, MF, R + 0x40000),
                "ENOMEM +0|ENOMEM +0|ENOMEM +0|ENOMEM +0|ENOMEM +0|ENOMEM +0|ENOMEM +0|ok +0|ok +0|ok +0"));
        r.add(new Row("mremap MM|MF middle of V", false, false, b -> b.mremap(R + 0x4000, 0x1000, 0x1000, MF, R + 0x40000),
                "ENOMEM +0|ENOMEM +0|ENOMEM +0|ENOMEM +0|ENOMEM +0|ENOMEM +0|ENOMEM +0|ok +2|ok +2|ok +2"));
        r.add(new Row("mremap MM|MF head of V", false, false, b -> b.mremap(R, 0x1000, 0x1000, MF, R + 0x40000),
                "ENOMEM +0|ENOMEM +0|ENOMEM +0|ENOMEM +0|ENOMEM +0|ENOMEM +0|ENOMEM +0|ok +1|ok +1|ok +1"));
        r.add(new Row("mremap grow V in place", false, false, b -> b.mremap(R, 0x10000, 0x14000, 0, 0),
                "ok +0|ok +0|ok +0|ok +0|ok +0|ok +0|ok +0|ok +0|ok +0|ok +0"));
        r.add(new Row("mremap shrink V", false, false, b -> b.mremap(R, 0x10000, 0x8000, 0, 0),
                "ok +0|ok +0|ok +0|ok +0|ok +0|ok +0|ok +0|ok +0|ok +0|ok +0"));
        r.add(new Row("mremap MM relocation past a blocker", true, false, b -> b.mremap(R, 0x10000, 0x14000, MM, 0),
                "ENOMEM +0|ENOMEM +0|ENOMEM +0|ENOMEM +0|ENOMEM +0|ok +0|ok +0|ok +0|ok +0|ok +0"));
        r.add(new Row("mremap MM|MD whole V", false, false, b -> b.mremap(R, 0x10000, 0x10000, MD, R + 0x40000),
                "ENOMEM +0|ENOMEM +0|ENOMEM +0|ENOMEM +0|ENOMEM +0|ENOMEM +0|ENOMEM +0|ok +1|ok +1|ok +1"));
        return r;
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Row row : rows()) {
            String[] cells = row.cells().split("\\|");
            for (int k = -1; k <= 8; k++) out.add(Arguments.of(row, k, cells[k + 1]));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}, k={1}: {2}")
    @MethodSource("cases")
    void theModelAnswersAsTheLiveKernel(Row row, int k, String expected) {
        // A failure that leaves a split behind leaves two adjacent VMAs with equal flags: the kernel does not merge
        // them back (the oracle's layout below), and neither does the model.
        SimBackend b = new SimBackend(Arch.X86_64, FeatureSet.patched(), true);
        assertEquals(R, b.mmap(R, 0x10000, RW, PA | MAP_FIXED, -1, 0));
        b.memset(R, 'v', 0x10000);
        if (row.withW()) assertEquals(R + 0x10000, b.mmap(R + 0x10000, 0x10000, PROT_READ, PA | MAP_FIXED, -1, 0));
        if (row.splitFirst()) assertEquals(0, b.mprotect(R + 0x4000, 0x1000, PROT_READ));
        int before = b.mm().mapCount();
        b.set("max_map_count", Integer.toString(before + k));
        long r = row.call().applyAsLong(b);
        int delta = b.mm().mapCount() - before;
        String got = (r == -1 ? Errno.name(b.errno()) : "ok") + " " + (delta >= 0 ? "+" : "") + delta;
        assertEquals(expected, got);
        if (!expected.startsWith("ok") && !expected.endsWith("+0")) {
            // oracle, k = 1: "2 VMAs: [0x0-0x4000 rw-p]; [0x4000-0x10000 rw-p]", flags unchanged
            assertEquals(2, b.vmas(R, 0x10000));
            assertEquals(R + 0x4000, b.mm().vmaLookup(R).end());
            assertEquals(RW, b.prot(R + 0x4000));
        }
    }
}
