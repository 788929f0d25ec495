package org.mmsim.mm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mmsim.mm.Uapi.MAP_ANONYMOUS;
import static org.mmsim.mm.Uapi.MAP_FIXED;
import static org.mmsim.mm.Uapi.MAP_FIXED_NOREPLACE;
import static org.mmsim.mm.Uapi.MAP_PRIVATE;
import static org.mmsim.mm.Uapi.MAP_SHARED_VALIDATE;
import static org.mmsim.mm.Uapi.PROT_READ;
import static org.mmsim.mm.Uapi.PROT_WRITE;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mmsim.arch.Arch;
import org.mmsim.workload.SimBackend;

/** mmap and munmap argument checks, each with the kernel rule it mirrors (KERNEL_FACTS §8.3, §8.4). */
class MmapErrnoTest {
    static final int RW = PROT_READ | PROT_WRITE;
    static final int ANON = MAP_PRIVATE | MAP_ANONYMOUS;
    SimBackend b;

    @BeforeEach
    void setUp() {
        b = new SimBackend(Arch.X86_64, FeatureSet.patched(), true);
    }

    void assertErr(long ret, int errno) {
        assertEquals(-1, ret);
        assertEquals(errno, b.errno(), () -> "errno " + Errno.name(b.errno()) + ", expected " + Errno.name(errno));
    }

    @Test
    void mmapZeroLengthIsEinval() {
        // do_mmap: if (!len) return -EINVAL
        assertErr(b.mmap(0, 0, RW, ANON, -1, 0), Errno.EINVAL);
    }

    @Test
    void mmapLengthOverflowingPageAlignIsEnomem() {
        // do_mmap: len = PAGE_ALIGN(len); if (!len) return -ENOMEM
        assertErr(b.mmap(0, -4095L, RW, ANON, -1, 0), Errno.ENOMEM);
    }

    @Test
    void mmapLongerThanTaskSizeIsEnomem() {
        // __get_unmapped_area: if (len > TASK_SIZE) return -ENOMEM
        assertErr(b.mmap(0, 1L << 48, RW, ANON, -1, 0), Errno.ENOMEM);
    }

    @Test
    void mmapUnalignedOffsetIsEinval() {
        // sys_mmap (x86-64, arm64): if (off & ~PAGE_MASK) return -EINVAL
        assertErr(b.mmap(0, 4096, RW, ANON, -1, 100), Errno.EINVAL);
    }

    @Test
    void mmapWithoutAnonymousAndNoFileIsEbadf() {
        // ksys_mmap_pgoff: file = fget(fd); if (!file) return -EBADF
        assertErr(b.mmap(0, 4096, RW, MAP_PRIVATE, -1, 0), Errno.EBADF);
    }

    @Test
    void mmapWithNeitherSharedNorPrivateIsEinval() {
        // do_mmap: switch (flags & MAP_TYPE) ... default: return -EINVAL
        assertErr(b.mmap(0, 4096, RW, MAP_ANONYMOUS, -1, 0), Errno.EINVAL);
    }

    @Test
    void mmapFixedNoreplaceOverAMappingIsEexistEvenWithoutAMappingType() {
        // do_mmap: __get_unmapped_area and the MAP_FIXED_NOREPLACE intersection check (EEXIST) come before the
        // switch on MAP_TYPE that refuses a missing type (EINVAL); found by difftest against Linux 6.18.
        long p = b.mmap(1L << 30, 1 << 20, RW, ANON | MAP_FIXED, -1, 0);
        assertEquals(1L << 30, p);
        assertErr(b.mmap(p + 4096, 48 << 10, PROT_WRITE, MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0), Errno.EEXIST);
        assertErr(b.mmap(p + (2 << 20), 48 << 10, PROT_WRITE, MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0), Errno.EINVAL);
    }

    @Test
    void mmapSharedValidateOfAnonymousMemoryIsEinval() {
        // do_mmap, anonymous: switch (flags & MAP_TYPE) knows MAP_SHARED and MAP_PRIVATE only; the live 6.18 kernel
        // answers EINVAL for MAP_SHARED_VALIDATE|MAP_ANONYMOUS (docs/kernel-oracle.md)
        assertErr(b.mmap(0, 4096, RW, MAP_SHARED_VALIDATE | MAP_ANONYMOUS, -1, 0), Errno.EINVAL);
    }

    @Test
    void mmapIgnoresUnknownFlagAndProtBits() {
        // legacy mmap flags are not validated, and calc_vm_prot_bits ignores unknown prot bits (live kernel agrees)
        long p = b.mmap(1L << 30, 4096, RW | 0x100, ANON | 0x40000000, -1, 0);
        assertEquals(1L << 30, p);
        assertEquals(RW, b.prot(p));
    }

    @Test
    void mmapFixedUnalignedIsEinval() {
        // __get_unmapped_area: if (offset_in_page(addr)) return -EINVAL (MAP_FIXED takes addr as is)
        assertErr(b.mmap((1L << 30) + 1, 4096, RW, ANON | MAP_FIXED, -1, 0), Errno.EINVAL);
    }

    @Test
    void mmapFixedBeyondTaskSizeIsEnomem() {
        // __get_unmapped_area: if (addr > TASK_SIZE - len) return -ENOMEM
        assertErr(b.mmap(Arch.X86_64.taskSize() - 4096, 8192, RW, ANON | MAP_FIXED, -1, 0), Errno.ENOMEM);
    }

    @Test
    void mmapFixedNoreplaceOverAMappingIsEexist() {
        // do_mmap: MAP_FIXED_NOREPLACE and find_vma_intersection() -> -EEXIST, nothing unmapped
        long p = b.mmap(1L << 30, 8192, RW, ANON | MAP_FIXED, -1, 0);
        b.poke(p, 7);
        assertErr(b.mmap(p + 4096, 8192, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0), Errno.EEXIST);
        assertEquals(7, b.peek(p));
        assertEquals(1, b.vmas(p, 1L << 20));
    }

    @Test
    void mmapFixedReplacesWhatItCovers() {
        // mmap_region: MAP_FIXED unmaps [addr, addr+len) first, splitting partly covered VMAs
        long p = b.mmap(1L << 30, 3 * 4096, RW, ANON | MAP_FIXED, -1, 0);
        b.memset(p, 1, 3 * 4096);
        long q = b.mmap(p + 4096, 4096, PROT_READ, ANON | MAP_FIXED, -1, 0);
        assertEquals(p + 4096, q);
        assertEquals(3, b.vmas(p, 3 * 4096));
        assertEquals(0, b.peek(q));
        assertEquals(1, b.peek(p));
    }

    @Test
    void mmapBeyondMaxMapCountIsEnomem() {
        // do_mmap: if (mm->map_count > sysctl_max_map_count) return -ENOMEM (strictly greater)
        b.set("max_map_count", "3");
        long base = 1L << 30;
        for (int i = 0; i < 4; i++) {
            int prot = i % 2 == 0 ? PROT_READ : RW;
            assertEquals(base + i * 8192L, b.mmap(base + i * 8192L, 4096, prot, ANON | MAP_FIXED, -1, 0));
        }
        assertErr(b.mmap(base + 5 * 8192L, 4096, PROT_READ, ANON | MAP_FIXED, -1, 0), Errno.ENOMEM);
    }

    @Test
    void adjacentCompatibleMappingsMerge() {
        // vma_merge_new_range: same flags, no anon_vma conflict, pgoff continuous -> one VMA
        long p = b.mmap(1L << 30, 4096, RW, ANON | MAP_FIXED, -1, 0);
        b.mmap(p + 4096, 4096, RW, ANON | MAP_FIXED, -1, 0);
        b.mmap(p - 4096, 4096, RW, ANON | MAP_FIXED, -1, 0);
        assertEquals(1, b.vmas(p - 4096, 3 * 4096));
        b.mmap(p + 8192, 4096, PROT_READ, ANON | MAP_FIXED, -1, 0);
        assertEquals(2, b.vmas(p - 4096, 4 * 4096));
    }

    @Test
    void nullHintPlacesPmdMultiplesOnPmdBoundaries() {
        // __get_unmapped_area: anonymous, no hint, len multiple of PMD_SIZE -> thp_get_unmapped_area alignment
        long p = b.mmap(0, 4L << 20, RW, ANON, -1, 0);
        assertEquals(0, p & ((2L << 20) - 1));
        long q = b.mmap(0, 4096, RW, ANON, -1, 0);
        assertEquals(0, q & 4095);
    }

    @Test
    void unusableHintIsIgnored() {
        // generic_get_unmapped_area_topdown: the hint is used only if the range is free
        long p = b.mmap(1L << 30, 8192, RW, ANON, -1, 0);
        assertEquals(1L << 30, p);
        long q = b.mmap(1L << 30, 8192, RW, ANON, -1, 0);
        assertEquals(false, q == p);
    }

    @Test
    void munmapUnalignedIsEinval() {
        // do_vmi_munmap: if (offset_in_page(start) || ...) return -EINVAL
        assertErr(b.munmap((1L << 30) + 12, 4096), Errno.EINVAL);
    }

    @Test
    void munmapZeroLengthIsEinval() {
        // do_vmi_munmap: end = start + PAGE_ALIGN(len); if (end == start) return -EINVAL
        assertErr(b.munmap(1L << 30, 0), Errno.EINVAL);
    }

    @Test
    void munmapOverflowingLengthIsEinval() {
        // do_vmi_munmap: len > TASK_SIZE - start -> -EINVAL
        assertErr(b.munmap(1L << 30, -4096L), Errno.EINVAL);
    }

    @Test
    void munmapOfNothingSucceeds() {
        // do_vmi_munmap: no VMA overlaps the range -> 0
        assertEquals(0, b.munmap(1L << 30, 4096));
    }

    @Test
    void munmapOfAMiddlePieceAtMaxMapCountIsEnomem() {
        // vms_gather_munmap_vmas: splitting a VMA in two when map_count >= max_map_count -> -ENOMEM
        long p = b.mmap(1L << 30, 3 * 4096, RW, ANON | MAP_FIXED, -1, 0);
        b.set("max_map_count", "1");
        assertErr(b.munmap(p + 4096, 4096), Errno.ENOMEM);
        assertEquals(0, b.munmap(p, 4096));
        assertEquals(1, b.vmas(p, 3 * 4096));
    }

    @Test
    void munmapOfAPieceSplitsTheVma() {
        long p = b.mmap(1L << 30, 3 * 4096, RW, ANON | MAP_FIXED, -1, 0);
        b.memset(p, 9, 3 * 4096);
        assertEquals(0, b.munmap(p + 4096, 4096));
        assertEquals(2, b.vmas(p, 3 * 4096));
        assertEquals(false, b.mapped(p + 4096));
        assertEquals(9, b.peek(p + 8192));
    }

    // ---- mmap_min_addr (docs/kernel-oracle.md, rows mmap-fixed-0 .. mmap-hint-low-unpriv) ----

    @Test
    void fixedBelowMmapMinAddrSucceedsWithCapSysRawio() {
        // security_mmap_addr -> cap_mmap_addr: below vm.mmap_min_addr needs CAP_SYS_RAWIO, which root has
        // (the default: the host backend runs as root). The live kernel mapped address 0 and 0x1000 as root.
        assertEquals(0, b.mmap(0, 4096, RW, ANON | MAP_FIXED, -1, 0));
        assertEquals(0x1000, b.mmap(0x1000, 4096, RW, ANON | MAP_FIXED, -1, 0));
        b.poke(0, 5);
        assertEquals(5, b.peek(0));
        assertEquals(0, b.munmap(0, 0x2000));
    }

    @Test
    void fixedBelowMmapMinAddrWithoutCapSysRawioIsEperm() {
        // cap_mmap_addr: addr < dac_mmap_min_addr (the sysctl, 4096) and no CAP_SYS_RAWIO -> -EPERM (oracle: uid
        // 65534 at 0). Only the sysctl is enforced: 0x1000 .. 0xf000 succeed below CONFIG_LSM_MMAP_MIN_ADDR.
        b.set("cap_sys_rawio", "0");
        assertErr(b.mmap(0, 4096, RW, ANON | MAP_FIXED, -1, 0), Errno.EPERM);
        assertErr(b.mmap(0, 4096, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0), Errno.EPERM);
        assertEquals(0x1000, b.mmap(0x1000, 4096, RW, ANON | MAP_FIXED, -1, 0));
        assertEquals(0xf000, b.mmap(0xf000, 4096, RW, ANON | MAP_FIXED, -1, 0));
        b.set("mmap_min_addr", "65536");
        assertErr(b.mmap(0x8000, 4096, RW, ANON | MAP_FIXED, -1, 0), Errno.EPERM);
    }

    @Test
    void lowHintIsRaisedToTheEffectiveMmapMinAddr() {
        // round_hint_to_min: the hint is masked to a page, then raised to mmap_min_addr = max(sysctl 4096,
        // CONFIG_LSM_MMAP_MIN_ADDR 65536): hints 0x1000 and 0x2000 land at 0x10000 on the live kernel, for root too.
        assertEquals(0x10000, b.mmap(0x1000, 4096, RW, ANON, -1, 0));
        assertEquals(0, b.munmap(0x10000, 4096));
        assertEquals(0x10000, b.mmap(0x2000, 4096, RW, ANON, -1, 0));
        // a hint below 4096 masks to 0: no hint, normal top-down placement
        long p = b.mmap(0x800, 4096, RW, ANON, -1, 0);
        assertEquals(true, p > 1L << 40, () -> Long.toHexString(p));
        // with the LSM minimum at 0, the sysctl alone decides
        assertEquals(0, b.munmap(0x10000, 4096));
        b.set("lsm_mmap_min_addr", "0");
        assertEquals(0x1000, b.mmap(0x1000, 4096, RW, ANON, -1, 0));
    }

    @Test
    void mremapFixedBelowMmapMinAddrFollowsTheSameRule() {
        // mremap's vrm_set_new_addr goes through get_unmapped_area, so security_mmap_addr applies to it too.
        long p = b.mmap(1L << 30, 4096, RW, ANON | MAP_FIXED, -1, 0);
        b.set("cap_sys_rawio", "0");
        assertEquals(-1, b.mremap(p, 4096, 4096, Uapi.MREMAP_MAYMOVE | Uapi.MREMAP_FIXED, 0));
        assertEquals(Errno.EPERM, b.errno());
        b.set("cap_sys_rawio", "1");
        assertEquals(0, b.mremap(p, 4096, 4096, Uapi.MREMAP_MAYMOVE | Uapi.MREMAP_FIXED, 0));
    }

    @Test
    void badMinAddrTunablesAreRefused() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> b.set("cap_sys_rawio", "2"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> b.set("mmap_min_addr", "-1"));
    }
}
