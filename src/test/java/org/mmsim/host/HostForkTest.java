package org.mmsim.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mmsim.mm.Uapi.MADV_DONTFORK;
import static org.mmsim.mm.Uapi.MAP_ANONYMOUS;
import static org.mmsim.mm.Uapi.MAP_PRIVATE;
import static org.mmsim.mm.Uapi.PROT_READ;
import static org.mmsim.mm.Uapi.PROT_WRITE;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.mmsim.mm.Errno;
import org.mmsim.workload.Segfault;

/** fork on the host backend: a real child process sharing the script's memory copy-on-write. */
class HostForkTest {
    private static final int RW = PROT_READ | PROT_WRITE;
    private static final int ANON = MAP_PRIVATE | MAP_ANONYMOUS;
    private static final long G = 1L << 30;
    private static final long K4 = 4096;

    @Test
    void aForkedChildSharesMemoryCopyOnWrite() throws Exception {
        HostTestSupport.assumeHost();
        org.junit.jupiter.api.Assumptions.assumeTrue(Child.supported(), "fork stub is x86-64 only");
        try (HostBackend h = HostBackend.open()) {
            long p = h.mmap(G, 64 * K4, RW, ANON, -1, 0);
            h.pattern(p, 64 * K4, 7);
            long old = h.checksum(p, 64 * K4);
            long c = h.fork();
            assertTrue(c > 0);
            int pid = Integer.parseInt(Path.of(h.procDir(c)).getFileName().toString());
            assertTrue(Files.readString(Path.of("/proc/" + pid + "/status")).contains("PPid:\t" + ProcessHandle.current().pid()),
                    "a real child of the JVM");
            assertEquals(0, h.switchTo(c));
            assertEquals(old, h.checksum(p, 64 * K4), "the child reads the data as it was at fork");
            assertTrue(h.present(p), "the child maps the shared pages");
            assertEquals(c, h.switchTo(0));
            h.memset(p, 0xff, 64 * K4);
            assertEquals(0xff, h.peek(p));
            h.switchTo(c);
            assertEquals(old, h.checksum(p, 64 * K4), "the parent's write did not reach the child");
            h.poke(p + 5, 3);
            h.pattern(p + K4, 200_000, 9);   // several FILL chunks
            assertEquals(3, h.peek(p + 5));
            long q = h.mmap(2 * G, K4, RW, ANON, -1, 0);
            assertEquals(2 * G, q);
            assertEquals(-1, h.munmap(p + 1, K4));
            assertEquals(Errno.EINVAL, h.errno(), "the child's errno comes back");
            h.switchTo(0);
            assertEquals(0xff, h.peek(p + 5), "the child's write did not reach the parent");
            assertFalse(h.mapped(2 * G), "the child's mapping is its own");
            assertEquals(0, h.exit(c));
            assertFalse(Files.exists(Path.of("/proc/" + pid)), "the child is gone and reaped");
            assertEquals(-1, h.exit(c));
            assertEquals(Errno.ESRCH, h.errno());
            assertEquals(-1, h.exit(0));
            assertEquals(Errno.EINVAL, h.errno());
            assertThrows(IllegalArgumentException.class, () -> h.switchTo(c));
        }
    }

    @Test
    void dontforkMemoryIsNotInTheChildAndFaultsThere() {
        HostTestSupport.assumeHost();
        org.junit.jupiter.api.Assumptions.assumeTrue(Child.supported(), "fork stub is x86-64 only");
        try (HostBackend h = HostBackend.open()) {
            long p = h.mmap(G, 4 * K4, RW, ANON, -1, 0);
            h.memset(p, 1, 4 * K4);
            assertEquals(0, h.madvise(p + 2 * K4, 2 * K4, MADV_DONTFORK));
            long c = h.fork();
            h.switchTo(c);
            assertTrue(h.mapped(p));
            assertFalse(h.mapped(p + 2 * K4));
            Segfault s = assertThrows(Segfault.class, () -> h.memset(p, 9, 4 * K4));
            assertEquals(p + 2 * K4, s.addr());
            assertEquals(9, h.peek(p + 2 * K4 - 1));
            assertThrows(HostRefusal.class, h::fork, "a child cannot fork on the host backend");
            h.switchTo(0);
            assertEquals(1, h.peek(p));
        }
    }
}
