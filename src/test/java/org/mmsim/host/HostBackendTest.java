package org.mmsim.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mmsim.mm.Uapi.MADV_DONTNEED;
import static org.mmsim.mm.Uapi.MADV_HWPOISON;
import static org.mmsim.mm.Uapi.MADV_PAGEOUT;
import static org.mmsim.mm.Uapi.MAP_ANONYMOUS;
import static org.mmsim.mm.Uapi.MAP_FIXED;
import static org.mmsim.mm.Uapi.MAP_FIXED_NOREPLACE;
import static org.mmsim.mm.Uapi.MAP_PRIVATE;
import static org.mmsim.mm.Uapi.MREMAP_FIXED;
import static org.mmsim.mm.Uapi.MREMAP_MAYMOVE;
import static org.mmsim.mm.Uapi.PROT_NONE;
import static org.mmsim.mm.Uapi.PROT_READ;
import static org.mmsim.mm.Uapi.PROT_WRITE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.mmsim.mm.Errno;
import org.mmsim.mm.FeatureSet;
import org.mmsim.workload.Backends;
import org.mmsim.workload.MemoryApi;
import org.mmsim.workload.Segfault;

/** The host backend against the live kernel, and against the sim backend where both must agree. */
class HostBackendTest {
    private static final int RW = PROT_READ | PROT_WRITE;
    private static final int ANON = MAP_PRIVATE | MAP_ANONYMOUS;
    private static final long G = 1L << 30;
    private static final long K4 = 4096;

    /** Runs the same calls on both backends. */
    private static void both(Consumer<MemoryApi> calls) {
        HostTestSupport.assumeHost();
        try (MemoryApi host = HostBackend.open(); MemoryApi sim = Backends.sim("x86_64", FeatureSet.parse("patched"), true)) {
            calls.accept(host);
            calls.accept(sim);
        }
    }

    @Test
    void windowIsOneGibAlignedAndTheHintLandsAtTheShiftedAddress() {
        HostTestSupport.assumeHost();
        try (HostBackend h = HostBackend.open()) {
            assertEquals(0, h.base() % G);
            assertEquals(G, h.mmap(G, 2 << 20, RW, ANON, -1, 0));
            assertTrue(h.mapped(G));
            assertEquals(RW, h.prot(G));
            assertEquals(1, h.vmas(G, 2 << 20));
            assertEquals(0, h.munmap(G, 2 << 20));
            assertFalse(h.mapped(G));
        }
    }

    @Test
    void patternAndChecksumAgreeWithTheSim() {
        long[] sums = new long[2];
        int[] i = {0};
        both(api -> {
            long p = api.mmap(G, 64 * K4, RW, ANON, -1, 0);
            api.pattern(p + 100, 40 * K4, 42);
            api.memset(p + 50 * K4, 0x5a, 3 * K4);
            api.poke(p + 7, 9);
            sums[i[0]++] = api.checksum(p, 64 * K4);
        });
        assertEquals(sums[1], sums[0], "host checksum == sim checksum");
    }

    @Test
    void anAccessStopsWhereTheSimStopsAfterTheBytesBefore() {
        long[][] seen = new long[2][];
        int[] i = {0};
        both(api -> {
            long p = api.mmap(G, 3 * K4, RW, ANON, -1, 0);
            assertEquals(0, api.mprotect(p + K4, K4, PROT_NONE));
            Segfault w = assertThrows(Segfault.class, () -> api.memset(p + 100, 7, 3 * K4));
            assertEquals(p + K4, w.addr());
            assertTrue(w.write());
            assertEquals(7, api.peek(p + K4 - 1), "bytes before the fault were written");
            Segfault r = assertThrows(Segfault.class, () -> api.checksum(p, 3 * K4));
            assertFalse(r.write());
            assertEquals(0, api.mprotect(p + K4, K4, PROT_READ));
            Segfault ro = assertThrows(Segfault.class, () -> api.poke(p + K4 + 1, 1));
            assertEquals(p + K4 + 1, ro.addr());
            assertEquals(0, api.mprotect(p + 2 * K4, K4, PROT_WRITE));
            assertEquals(0, api.peek(p + 2 * K4), "write-only memory is readable (x86-64)");
            assertThrows(Segfault.class, () -> api.peek(p + 5 * K4));
            assertEquals(0, api.munmap(p + K4, K4));
            Segfault hole = assertThrows(Segfault.class, () -> api.pattern(p, 3 * K4, 1));
            assertEquals(p + K4, hole.addr());
            seen[i[0]++] = api.layout(p, 3 * K4);
        });
        assertEquals(java.util.Arrays.toString(seen[1]), java.util.Arrays.toString(seen[0]));
    }

    @Test
    void errorsAreTheKernelsErrno() {
        both(api -> {
            assertEquals(-1, api.munmap(G + 1, K4));
            assertEquals(Errno.EINVAL, api.errno());
            assertEquals(-1, api.mmap(0, 0, RW, ANON, -1, 0));
            assertEquals(Errno.EINVAL, api.errno());
            long p = api.mmap(G, 2 * K4, RW, ANON, -1, 0);
            assertEquals(-1, api.mmap(p, K4, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0));
            assertEquals(Errno.EEXIST, api.errno());
            assertEquals(p, api.mremap(p, 2 * K4, 4 * K4, 0, 0), "grows in place: nothing after it");
            assertEquals(-1, api.mremap(p, 4 * K4, 4 * K4, MREMAP_FIXED, 2 * G));
            assertEquals(Errno.EINVAL, api.errno(), "MREMAP_FIXED without MREMAP_MAYMOVE");
            assertEquals(-1, api.mmap(0, K4, RW, ANON | MAP_FIXED, -1, 0));
            assertEquals(Errno.EPERM, api.errno(), "below vm.mmap_min_addr");
        });
    }

    @Test
    void mremapMovesContentsAndOwnershipFollows() {
        both(api -> {
            long p = api.mmap(G, 4 * K4, RW, ANON, -1, 0);
            api.pattern(p, 4 * K4, 3);
            long sum = api.checksum(p, 4 * K4);
            long q = api.mremap(p, 4 * K4, 4 * K4, MREMAP_MAYMOVE | MREMAP_FIXED, 2 * G);
            assertEquals(2 * G, q);
            assertFalse(api.mapped(p));
            assertEquals(sum, api.checksum(q, 4 * K4));
            long r = api.mremap(q, 4 * K4, 1024 * K4, MREMAP_MAYMOVE, 0);
            assertTrue(r != -1);
            assertEquals(sum, api.checksum(r, 4 * K4));
            api.memset(r + 1000 * K4, 1, K4);
            assertEquals(0, api.munmap(r, 1024 * K4));
        });
    }

    @Test
    void kernelChosenMemoryBelongsToTheScriptWhereverItLies() {
        HostTestSupport.assumeHost();
        try (HostBackend h = HostBackend.open()) {
            long p = h.mmap(0, 16 * K4, RW, ANON, -1, 0);
            assertTrue(Long.compareUnsigned(p, HostBackend.WINDOW) >= 0, "the kernel placed it outside the window");
            h.memset(p, 3, 16 * K4);
            assertEquals(3, h.peek(p + 16 * K4 - 1));
            assertEquals(0, h.mprotect(p, K4, PROT_READ));
            assertEquals(0, h.munmap(p, 16 * K4));
            assertThrows(HostRefusal.class, () -> h.peek(p), "once unmapped it is no longer the script's");
        }
    }

    @Test
    void theJvmsMemoryIsNeverTouched() {
        HostTestSupport.assumeHost();
        try (HostBackend h = HostBackend.open(); Arena arena = Arena.ofConfined()) {
            MemorySegment jvm = arena.allocate(64 * K4, K4);
            jvm.fill((byte) 0x11);
            long a = jvm.address() - h.base();            // the script address of JVM memory
            long page = a & -K4;
            HostRefusal r = assertThrows(HostRefusal.class, () -> h.poke(a, 1));
            assertTrue(r.getMessage().contains("outside the host window"), r.getMessage());
            assertFalse(r.environment());
            assertThrows(HostRefusal.class, () -> h.memset(a, 0, K4));
            assertThrows(HostRefusal.class, () -> h.munmap(page, K4));
            assertThrows(HostRefusal.class, () -> h.mprotect(page, K4, PROT_NONE));
            assertThrows(HostRefusal.class, () -> h.madvise(page, K4, MADV_DONTNEED));
            assertThrows(HostRefusal.class, () -> h.mmap(page, K4, RW, ANON | MAP_FIXED, -1, 0));
            long q = h.mmap(G, K4, RW, ANON, -1, 0);
            assertThrows(HostRefusal.class, () -> h.mremap(q, K4, K4, MREMAP_MAYMOVE | MREMAP_FIXED, page));
            assertThrows(HostRefusal.class, () -> h.madvise(q, K4, MADV_HWPOISON));
            for (long off = 0; off < 64 * K4; off++) assertEquals(0x11, jvm.get(ValueLayout.JAVA_BYTE, off));
        }
    }

    @Test
    void aReadFaultedPageIsPresentInPagemapAsInTheModel() {
        both(api -> {
            long p = api.mmap(G, 4 * K4, RW, ANON, -1, 0);
            assertFalse(api.present(p));
            assertEquals(0, api.peek(p));                  // maps the shared zero page
            assertTrue(api.present(p), api.backend() + ": the zero page counts as present");
            api.poke(p + K4, 1);
            assertTrue(api.present(p + K4));
            assertFalse(api.swapped(p + K4));
            assertEquals(0, api.madvise(p, 4 * K4, MADV_DONTNEED));
            assertFalse(api.present(p + K4));
        });
    }

    @Test
    void pageoutWithATemporarySwapfileSwapsAndTheSwapfileGoesAway() throws Exception {
        HostTestSupport.assumeSwap();
        String mine = "mmsim-swap-" + ProcessHandle.current().pid() + "-";
        try (HostBackend h = HostBackend.open()) {
            h.set("swap", "64M");
            assertTrue(Files.readString(Path.of("/proc/swaps")).contains("mmsim-swap-"));
            long p = h.mmap(G, 64 * K4, RW, ANON, -1, 0);
            h.set("thp", "never");
            h.pattern(p, 64 * K4, 5);
            long sum = h.checksum(p, 64 * K4);
            assertEquals(0, h.madvise(p, 64 * K4, MADV_PAGEOUT));
            assertTrue(h.swapped(p), "MADV_PAGEOUT with swap swaps the page out");
            assertFalse(h.present(p));
            assertEquals(sum, h.checksum(p, 64 * K4), "swapped back in intact");
        }
        assertFalse(Files.readString(Path.of("/proc/swaps")).contains(mine), "the swapfile is off at close");
        try (var files = Files.list(Path.of("/var/tmp"))) {
            assertFalse(files.anyMatch(f -> f.getFileName().toString().startsWith(mine)), "and removed");
        }
    }

    @Test
    void settingsAreAppliedAndRestoredAtClose() throws Exception {
        HostTestSupport.assumeHostSettings();
        // hold the machine-wide lock ourselves (the backend takes a private one) so that no other mmsim run
        // changes the settings between the snapshots
        Process lock = HostTestSupport.holdSettingsLock();
        Path privateLock = Files.createTempFile("mmsim-lock", "");
        System.setProperty("mmsim.host.lock", privateLock.toString());
        try {
            appliedAndRestored();
        } finally {
            System.clearProperty("mmsim.host.lock");
            Files.delete(privateLock);
            HostTestSupport.release(lock);
        }
    }

    private static void appliedAndRestored() throws Exception {
        Path thp = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
        Path m64 = Path.of("/sys/kernel/mm/transparent_hugepage/hugepages-64kB/enabled");
        String thpBefore;
        String m64Before;
        String shmemBefore;
        try (HostBackend h = HostBackend.open()) {
            thpBefore = Files.readString(thp);
            m64Before = Files.readString(m64);
            shmemBefore = Files.readString(thp.resolveSibling("shmem_enabled"));
            String other = HostSettings.current(thp).equals("never") ? "always" : "never";
            h.set("thp", other);
            h.set("mthp 64K", "always");
            assertEquals(other, HostSettings.current(thp));
            assertEquals("always", HostSettings.current(m64));
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> h.set("thp", "sometimes"));
            assertTrue(bad.getMessage().contains("always|madvise|never"), bad.getMessage());
            h.set("shmem_thp", "advise");
            assertEquals("advise", HostSettings.current(thp.resolveSibling("shmem_enabled")));
            assertThrows(IllegalArgumentException.class, () -> h.set("shmem_thp", "sometimes"));
            assertThrows(HostRefusal.class, () -> h.set("memory", "64M"));
            HostRefusal global = assertThrows(HostRefusal.class, () -> h.set("max_map_count", "100"));
            assertTrue(global.environment());
            assertTrue(global.getMessage().contains("max_map_count"), global.getMessage());
        }
        assertEquals(thpBefore, Files.readString(thp));
        assertEquals(m64Before, Files.readString(m64));
        assertEquals(shmemBefore, Files.readString(thp.resolveSibling("shmem_enabled")));
    }

    @Test
    void aSettingTheHostLacksIsRefusedByName() throws Exception {
        Path fake = Files.createTempDirectory("mmsim-nosysfs");
        HostSettings s = new HostSettings(fake.resolve("transparent_hugepage"), fake);
        HostRefusal r = assertThrows(HostRefusal.class, () -> s.set("thp", "always"));
        assertTrue(r.getMessage().contains("set thp = always"), r.getMessage());
        assertTrue(r.environment());
        assertFalse(s.changed());
        s.restore();
        Files.delete(fake);
    }
}
