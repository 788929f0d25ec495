package org.mmsim.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mmsim.mm.Uapi.MAP_ANONYMOUS;
import static org.mmsim.mm.Uapi.MAP_FIXED;
import static org.mmsim.mm.Uapi.MAP_PRIVATE;
import static org.mmsim.mm.Uapi.MREMAP_DONTUNMAP;
import static org.mmsim.mm.Uapi.MREMAP_FIXED;
import static org.mmsim.mm.Uapi.MREMAP_MAYMOVE;
import static org.mmsim.mm.Uapi.PROT_NONE;
import static org.mmsim.mm.Uapi.PROT_READ;
import static org.mmsim.mm.Uapi.PROT_WRITE;

import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mmsim.arch.Arch;
import org.mmsim.workload.SimBackend;

/**
 * The mremap rows of docs/kernel-oracle.md (probe tools/oracle/, live Linux 6.18 x86-64), replayed on the model:
 * same setup, same call, and the model must return the same value or errno and leave the same VMA layout in the
 * probe's region (offsets from R, permissions). Rows whose result is an address chosen by top-down placement
 * (relocation without FIXED, DONTUNMAP without a usable hint) depend on the rest of the address space and are
 * covered by MremapTest instead.
 */
class MremapOracleTest {
    static final long R = 1L << 30;
    static final long REGION = 0x40000;
    static final int RW = PROT_READ | PROT_WRITE;
    static final int PA = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED;
    static final int MM = MREMAP_MAYMOVE;
    static final int MF = MREMAP_MAYMOVE | MREMAP_FIXED;
    static final int MD = MREMAP_MAYMOVE | MREMAP_DONTUNMAP;
    static final long TASK_SIZE = Arch.X86_64.taskSize();

    record Row(String id, Consumer<SimBackend> setup, ToLongFunction<SimBackend> call, String ret, String layout) {
        @Override public String toString() { return id; }
    }

    /** The probe's region: R .. R+0x40000 PROT_NONE. */
    static void region(SimBackend b) { assertEquals(R, b.mmap(R, REGION, PROT_NONE, PA, -1, 0)); }

    static void map(SimBackend b, long off, long len, int prot, char tag) {
        assertEquals(R + off, b.mmap(R + off, len, prot, PA, -1, 0));
        if (tag != 0) b.memset(R + off, tag, len);
    }

    /** "source [0,0x4000) RW written". */
    static void v(SimBackend b) {
        region(b);
        map(b, 0, 0x4000, RW, 'a');
    }

    /** "A = [0,0x4000) RW 'a', hole [0x4000,0x8000), B = [0x8000,0xc000) RW 'b'" (the region resumes at 0x10000). */
    static void holes(SimBackend b) {
        region(b);
        map(b, 0, 0x4000, RW, 'a');
        map(b, 0x8000, 0x4000, RW, 'b');
        assertEquals(0, b.munmap(R + 0x4000, 0x4000));
        assertEquals(0, b.munmap(R + 0xc000, 0x4000));
    }

    static long mremap(SimBackend b, long off, long oldLen, long newLen, int flags, long newOff) {
        return b.mremap(R + off, oldLen, newLen, flags, newOff == -1 ? 0 : R + newOff);
    }

    static List<Row> rows() {
        List<Row> r = new ArrayList<>();
        String v0 = "[0x0-0x4000 rw-p]; [0x4000-0x40000 ---p]";
        // parameter validation (check_mremap_params, check_prep_vma)
        r.add(new Row("mremap-val-00", MremapOracleTest::v, b -> mremap(b, 0, 0x4000, 0x4000, 0x8, -1), "EINVAL", v0));
        r.add(new Row("mremap-val-01", MremapOracleTest::v, b -> mremap(b, 0, 0x4000, 0x4000, 0x10, -1), "EINVAL", v0));
        r.add(new Row("mremap-val-02", MremapOracleTest::v, b -> mremap(b, 0, 0x4000, 0x8000, MM | 0x100, -1), "EINVAL", v0));
        r.add(new Row("mremap-val-03", MremapOracleTest::v, b -> mremap(b, 0x10, 0x1000, 0x1000, MM, -1), "EINVAL", v0));
        r.add(new Row("mremap-val-04", MremapOracleTest::v, b -> mremap(b, 0, 0x4000, 0, MM, -1), "EINVAL", v0));
        r.add(new Row("mremap-val-05", MremapOracleTest::v, b -> mremap(b, 0, 0x4000, 1, 0, -1), "R+0x0",
                "[0x0-0x1000 rw-p]; [0x4000-0x40000 ---p]"));
        r.add(new Row("mremap-val-06", MremapOracleTest::v, b -> mremap(b, 0, 0, 0x4000, MM, -1), "EINVAL", v0));
        r.add(new Row("mremap-val-07", MremapOracleTest::v, b -> mremap(b, 0, 0, 0x4000, 0, -1), "EINVAL", v0));
        r.add(new Row("mremap-val-08", MremapOracleTest::v, b -> mremap(b, 0, 0x4000, 0x4000, MREMAP_FIXED, 0x20000), "EINVAL", v0));
        r.add(new Row("mremap-val-09", MremapOracleTest::v, b -> mremap(b, 0, 0x4000, 0x4000, MREMAP_DONTUNMAP, 0x20000), "EINVAL", v0));
        r.add(new Row("mremap-val-10", MremapOracleTest::v, b -> mremap(b, 0, 0x4000, 0x8000, MD, 0x20000), "EINVAL", v0));
        r.add(new Row("mremap-val-11", MremapOracleTest::v, b -> mremap(b, 0, 0x4000, 0x2000, MD, 0x20000), "EINVAL", v0));
        r.add(new Row("mremap-val-12", MremapOracleTest::v, b -> mremap(b, 0, 0x4000, 0x4000, MF, 0x2000), "EINVAL", v0));
        r.add(new Row("mremap-val-13", MremapOracleTest::v, b -> mremap(b, 0, 0x4000, 0x4000, MF, 0), "EINVAL", v0));
        r.add(new Row("mremap-val-14", MremapOracleTest::v, b -> mremap(b, 0, 0x4000, 0x8000, MF, 0x4000), "R+0x4000",
                "[0x4000-0xc000 rw-p]; [0xc000-0x40000 ---p]"));
        r.add(new Row("mremap-val-15", MremapOracleTest::v, b -> mremap(b, 0x4000, 0x4000, 0x4000, MF, 0), "R+0x0",
                "[0x0-0x4000 ---p]; [0x8000-0x40000 ---p]"));
        r.add(new Row("mremap-val-16", MremapOracleTest::v, b -> mremap(b, 0, 0x4000, 0x4000, MF, 0x20010), "EINVAL", v0));
        r.add(new Row("mremap-val-17", MremapOracleTest::v, b -> mremap(b, 0, 0x4000, 0x4000, MD, 0x20010), "EINVAL", v0));
        r.add(new Row("mremap-val-18", MremapOracleTest::v, b -> mremap(b, 0, 0x4000, TASK_SIZE + 0x1000, MM, -1), "EINVAL", v0));
        r.add(new Row("mremap-val-19", MremapOracleTest::v, b -> mremap(b, 0, 0x4000, 1L << 46, MM, -1), "ENOMEM", v0));
        r.add(new Row("mremap-val-20", MremapOracleTest::v,
                b -> b.mremap(R, 0x4000, 0x4000, MF, 0x7ffffffff000L), "EINVAL", v0));
        r.add(new Row("mremap-val-21", MremapOracleTest::v, b -> mremap(b, 0, 0x4000, 0xfffffffffffff000L, MM, -1), "EINVAL", v0));
        r.add(new Row("mremap-val-22", MremapOracleTest::v, b -> mremap(b, 0, 0xfffffffffffff000L, 0x4000, MM, -1), "EINVAL", v0));
        r.add(new Row("mremap-val-23", MremapOracleTest::v, b -> mremap(b, 0, 0xffffffffffffffffL, 0x4000, MM, -1), "EINVAL", v0));
        r.add(new Row("mremap-val-24", MremapOracleTest::v, b -> mremap(b, 0x40000, 0x1000, 0x1000, MM, -1), "EFAULT", v0));
        r.add(new Row("mremap-val-25", MremapOracleTest::v, b -> mremap(b, 0x40000, 0x1000, 0x2000, MM, -1), "EFAULT", v0));
        r.add(new Row("mremap-val-26", MremapOracleTest::v, b -> mremap(b, 0x40000, 0x1000, 0x1000, 0, -1), "EFAULT", v0));

        // source ranges that are not (fully) mapped
        String h0 = "[0x0-0x4000 rw-p]; [0x8000-0xc000 rw-p]; [0x10000-0x40000 ---p]";
        r.add(new Row("mremap-hole-00", MremapOracleTest::holes, b -> mremap(b, 0, 0xc000, 0x2000, 0, -1), "R+0x0",
                "[0x0-0x2000 rw-p]; [0x10000-0x40000 ---p]"));
        r.add(new Row("mremap-hole-01", MremapOracleTest::holes, b -> mremap(b, 0, 0xc000, 0x6000, 0, -1), "R+0x0",
                "[0x0-0x4000 rw-p]; [0x10000-0x40000 ---p]"));
        r.add(new Row("mremap-hole-02", MremapOracleTest::holes, b -> mremap(b, 0, 0xc000, 0xa000, 0, -1), "R+0x0",
                "[0x0-0x4000 rw-p]; [0x8000-0xa000 rw-p]; [0x10000-0x40000 ---p]"));
        r.add(new Row("mremap-hole-03", MremapOracleTest::holes, b -> mremap(b, 0, 0xc000, 0x10000, 0, -1), "EFAULT", h0));
        r.add(new Row("mremap-hole-04", MremapOracleTest::holes, b -> mremap(b, 0, 0xc000, 0x10000, MM, -1), "EFAULT", h0));
        r.add(new Row("mremap-hole-05", MremapOracleTest::holes, b -> mremap(b, 0, 0xc000, 0xc000, 0, -1), "R+0x0", h0));
        r.add(new Row("mremap-hole-06", MremapOracleTest::holes, b -> mremap(b, 0, 0xc000, 0xc000, MM, -1), "R+0x0", h0));
        r.add(new Row("mremap-hole-07", MremapOracleTest::holes, b -> mremap(b, 0, 0xc000, 0xc000, MF, 0x20000), "R+0x20000",
                "[0x10000-0x20000 ---p]; [0x20000-0x24000 rw-p]; [0x24000-0x28000 ---p]; [0x28000-0x2c000 rw-p]; [0x2c000-0x40000 ---p]"));
        r.add(new Row("mremap-hole-08", MremapOracleTest::holes, b -> mremap(b, 0, 0xc000, 0x2000, MF, 0x20000), "R+0x20000",
                "[0x10000-0x20000 ---p]; [0x20000-0x22000 rw-p]; [0x22000-0x40000 ---p]"));
        r.add(new Row("mremap-hole-09", MremapOracleTest::holes, b -> mremap(b, 0, 0xc000, 0x6000, MF, 0x20000), "EFAULT", h0));
        r.add(new Row("mremap-hole-10", MremapOracleTest::holes, b -> mremap(b, 0, 0xc000, 0x10000, MF, 0x20000), "EFAULT", h0));
        r.add(new Row("mremap-hole-11", MremapOracleTest::holes, b -> mremap(b, 0, 0xc000, 0xc000, MD, 0x20000), "EFAULT", h0));
        r.add(new Row("mremap-hole-12", MremapOracleTest::holes, b -> mremap(b, 0x4000, 0x8000, 0x8000, MF, 0x20000), "EFAULT", h0));
        r.add(new Row("mremap-hole-13", MremapOracleTest::holes, b -> mremap(b, 0x4000, 0x8000, 0x2000, 0, -1), "EFAULT", h0));
        r.add(new Row("mremap-hole-14", MremapOracleTest::holes, b -> mremap(b, 0x2000, 0x4000, 0x4000, MF, 0x20000), "R+0x20000",
                "[0x0-0x2000 rw-p]; [0x8000-0xc000 rw-p]; [0x10000-0x20000 ---p]; [0x20000-0x22000 rw-p]; [0x22000-0x40000 ---p]"));
        r.add(new Row("mremap-hole-15", MremapOracleTest::holes, b -> mremap(b, 0x2000, 0x4000, 0x2000, MF, 0x20000), "R+0x20000",
                "[0x0-0x2000 rw-p]; [0x8000-0xc000 rw-p]; [0x10000-0x20000 ---p]; [0x20000-0x22000 rw-p]; [0x22000-0x40000 ---p]"));
        r.add(new Row("mremap-multi-hole-into-empty", b -> {
            holes(b);
            assertEquals(0, b.munmap(R + 0x20000, 0x20000));
        }, b -> mremap(b, 0, 0xc000, 0xc000, MF, 0x20000), "R+0x20000",
                "[0x10000-0x20000 ---p]; [0x20000-0x24000 rw-p]; [0x28000-0x2c000 rw-p]"));
        r.add(new Row("mremap-multi-adjacent", b -> {
            region(b);
            map(b, 0, 0x4000, RW, 'a');
            map(b, 0x4000, 0x4000, PROT_READ, (char) 0);
        }, b -> mremap(b, 0, 0x8000, 0x8000, MF, 0x20000), "R+0x20000",
                "[0x8000-0x20000 ---p]; [0x20000-0x24000 rw-p]; [0x24000-0x28000 r--p]; [0x28000-0x40000 ---p]"));
        r.add(new Row("mremap-multi-partial-ends", MremapOracleTest::holes, b -> mremap(b, 0x2000, 0x8000, 0x8000, MF, 0x20000),
                "R+0x20000", "[0x0-0x2000 rw-p]; [0xa000-0xc000 rw-p]; [0x10000-0x20000 ---p]; [0x20000-0x22000 rw-p]; "
                        + "[0x22000-0x26000 ---p]; [0x26000-0x28000 rw-p]; [0x28000-0x40000 ---p]"));

        // in-place resize
        r.add(new Row("mremap-grow-blocked", MremapOracleTest::v, b -> mremap(b, 0, 0x4000, 0x8000, 0, -1), "ENOMEM", v0));
        r.add(new Row("mremap-grow-into-hole", b -> {
            v(b);
            assertEquals(0, b.munmap(R + 0x4000, 0x4000));
        }, b -> mremap(b, 0, 0x4000, 0x8000, 0, -1), "R+0x0", "[0x0-0x8000 rw-p]; [0x8000-0x40000 ---p]"));
        String[] adjacent = {"[0x0-0xc000 rw-p]; [0xc000-0x40000 ---p]", "[0x0-0xc000 rw-p]; [0xc000-0x40000 ---p]",
                "[0x0-0xc000 rw-p]; [0xc000-0x40000 ---p]", "[0x0-0x8000 rw-p]; [0x8000-0xc000 rw-p]; [0xc000-0x40000 ---p]"};
        for (int k = 0; k < 4; k++) {
            final boolean aWritten = (k & 1) != 0;
            final boolean bWritten = (k & 2) != 0;
            r.add(new Row("mremap-grow-to-adjacent-" + k, b -> {
                region(b);
                map(b, 0, 0x4000, RW, aWritten ? 'a' : 0);
                map(b, 0x8000, 0x4000, RW, bWritten ? 'b' : 0);
                assertEquals(0, b.munmap(R + 0x4000, 0x4000));
            }, b -> mremap(b, 0, 0x4000, 0x8000, 0, -1), "R+0x0", adjacent[k]));
        }
        r.add(new Row("mremap-grow-to-adjacent-diffprot", b -> {
            region(b);
            map(b, 0, 0x4000, RW, 'a');
            map(b, 0x8000, 0x4000, PROT_READ, (char) 0);
            assertEquals(0, b.munmap(R + 0x4000, 0x4000));
        }, b -> mremap(b, 0, 0x4000, 0x8000, 0, -1), "R+0x0",
                "[0x0-0x8000 rw-p]; [0x8000-0xc000 r--p]; [0xc000-0x40000 ---p]"));
        r.add(new Row("mremap-grow-partial-hole", b -> {
            v(b);
            assertEquals(0, b.munmap(R + 0x4000, 0x4000));
        }, b -> mremap(b, 0, 0x4000, 0x6000, 0, -1), "R+0x0", "[0x0-0x6000 rw-p]; [0x8000-0x40000 ---p]"));
        r.add(new Row("mremap-shrink", b -> {
            region(b);
            map(b, 0, 0x10000, RW, 'a');
        }, b -> mremap(b, 0, 0x10000, 0x4000, 0, -1), "R+0x0", "[0x0-0x4000 rw-p]; [0x10000-0x40000 ---p]"));
        r.add(new Row("mremap-shrink-prefix", b -> {
            region(b);
            map(b, 0, 0x10000, RW, 'a');
        }, b -> mremap(b, 0, 0x4000, 0x2000, 0, -1), "R+0x0",
                "[0x0-0x2000 rw-p]; [0x4000-0x10000 rw-p]; [0x10000-0x40000 ---p]"));
        r.add(new Row("mremap-grow-middle", b -> {
            region(b);
            map(b, 0, 0x10000, RW, 'a');
        }, b -> mremap(b, 0x4000, 0x4000, 0x8000, 0, -1), "ENOMEM", "[0x0-0x10000 rw-p]; [0x10000-0x40000 ---p]"));
        r.add(new Row("mremap-same-size", MremapOracleTest::v, b -> mremap(b, 0, 0x4000, 0x4000, 0, -1), "R+0x0", v0));
        r.add(new Row("mremap-maymove-same-size", MremapOracleTest::v, b -> mremap(b, 0, 0x4000, 0x4000, MM, -1), "R+0x0", v0));

        // moves
        r.add(new Row("mremap-move-fixed-over-protnone", MremapOracleTest::v, b -> mremap(b, 0, 0x4000, 0x4000, MF, 0x20000),
                "R+0x20000", "[0x4000-0x20000 ---p]; [0x20000-0x24000 rw-p]; [0x24000-0x40000 ---p]"));
        r.add(new Row("mremap-move-fixed-over-mapping", b -> {
            v(b);
            map(b, 0x20000, 0x8000, RW, 'z');
        }, b -> mremap(b, 0, 0x4000, 0x4000, MF, 0x22000), "R+0x22000",
                "[0x4000-0x20000 ---p]; [0x20000-0x22000 rw-p]; [0x22000-0x26000 rw-p]; [0x26000-0x28000 rw-p]; [0x28000-0x40000 ---p]"));
        r.add(new Row("mremap-move-fixed-grow", MremapOracleTest::v, b -> mremap(b, 0, 0x4000, 0x8000, MF, 0x20000),
                "R+0x20000", "[0x4000-0x20000 ---p]; [0x20000-0x28000 rw-p]; [0x28000-0x40000 ---p]"));
        r.add(new Row("mremap-dontunmap-hint-free", b -> {
            v(b);
            assertEquals(0, b.munmap(R + 0x20000, 0x8000));
        }, b -> mremap(b, 0, 0x4000, 0x4000, MD, 0x20000), "R+0x20000",
                "[0x0-0x4000 rw-p]; [0x4000-0x20000 ---p]; [0x20000-0x24000 rw-p]; [0x28000-0x40000 ---p]"));
        r.add(new Row("mremap-dontunmap-fixed-part", b -> {
            region(b);
            map(b, 0, 0x10000, RW, 'a');
        }, b -> mremap(b, 0x4000, 0x4000, 0x4000, MD | MREMAP_FIXED, 0x20000), "R+0x20000",
                "[0x0-0x10000 rw-p]; [0x10000-0x20000 ---p]; [0x20000-0x24000 rw-p]; [0x24000-0x40000 ---p]"));

        // pgoff and merging at the destination (D = [0x20000,0x24000) RW)
        String[] merged = {"[0x20000-0x28000 rw-p]; [0x28000-0x40000 ---p]",
                "[0x20000-0x24000 rw-p]; [0x24000-0x28000 rw-p]; [0x28000-0x40000 ---p]",
                "[0x20000-0x28000 rw-p]; [0x28000-0x40000 ---p]",
                "[0x20000-0x24000 rw-p]; [0x24000-0x28000 rw-p]; [0x28000-0x40000 ---p]"};
        for (int k = 0; k < 4; k++) {
            final boolean srcWritten = (k & 1) != 0;
            final boolean dWritten = (k & 2) != 0;
            r.add(new Row("mremap-merge-after-D-" + k, b -> {
                region(b);
                map(b, 0x20000, 0x4000, RW, dWritten ? 'd' : 0);
                map(b, 0, 0x4000, RW, srcWritten ? 'a' : 0);
                // the probe's layout has nothing between the source and D
                assertEquals(0, b.munmap(R + 0x4000, 0x1c000));
            }, b -> mremap(b, 0, 0x4000, 0x4000, MF, 0x24000), "R+0x24000", merged[k]));
        }
        for (int k = 0; k < 2; k++) {
            final boolean written = k == 1;
            Consumer<SimBackend> moved = b -> {
                region(b);
                map(b, 0, 0x4000, RW, written ? 'a' : 0);
                // the probe's layout has nothing in the region but the source
                assertEquals(0, b.munmap(R + 0x4000, 0x3c000));
                assertEquals(R + 0x24000, mremap(b, 0, 0x4000, 0x4000, MF, 0x24000));
            };
            r.add(new Row("mremap-fresh-after-moved-" + k, moved, b -> b.mmap(R + 0x28000, 0x4000, RW, PA, -1, 0),
                    "R+0x28000", written ? "[0x24000-0x28000 rw-p]; [0x28000-0x2c000 rw-p]" : "[0x24000-0x2c000 rw-p]"));
            r.add(new Row("mremap-fresh-before-moved-" + k, moved.andThen(b -> b.mmap(R + 0x28000, 0x4000, RW, PA, -1, 0)),
                    b -> b.mmap(R + 0x20000, 0x4000, RW, PA, -1, 0), "R+0x20000",
                    written ? "[0x20000-0x24000 rw-p]; [0x24000-0x28000 rw-p]; [0x28000-0x2c000 rw-p]" : "[0x20000-0x2c000 rw-p]"));
        }
        r.add(new Row("mremap-move-back", b -> {
            region(b);
            map(b, 0, 0x8000, RW, 'a');
            assertEquals(R + 0x20000, mremap(b, 0x4000, 0x4000, 0x4000, MF, 0x20000));
        }, b -> mremap(b, 0x20000, 0x4000, 0x4000, MF, 0x4000), "R+0x4000",
                "[0x0-0x8000 rw-p]; [0x8000-0x20000 ---p]; [0x24000-0x40000 ---p]"));
        return r;
    }

    static Stream<Row> cases() { return rows().stream(); }

    /** The VMAs intersecting the region as the probe printed them: [start-end perms], offsets from R. */
    static String layout(SimBackend b) {
        StringJoiner j = new StringJoiner("; ");
        for (Vma v : b.mm().intersecting(R, R + REGION)) {
            int prot = v.prot();
            String perms = ((prot & PROT_READ) != 0 ? "r" : "-") + ((prot & PROT_WRITE) != 0 ? "w" : "-")
                    + ((prot & Uapi.PROT_EXEC) != 0 ? "x" : "-") + (v.isShared() ? "s" : "p");
            j.add("[0x" + Long.toHexString(v.start() - R) + "-0x" + Long.toHexString(v.end() - R) + " " + perms + "]");
        }
        return j.toString();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theModelAnswersAsTheLiveKernel(Row row) {
        SimBackend b = new SimBackend(Arch.X86_64, FeatureSet.patched(), true);
        row.setup().accept(b);
        long r = row.call().applyAsLong(b);
        String got = r == -1 ? Errno.name(b.errno()) : "R+0x" + Long.toHexString(r - R);
        assertEquals(row.ret(), got, row.id() + " return value");
        assertEquals(row.layout(), layout(b), row.id() + " layout");
    }
}
