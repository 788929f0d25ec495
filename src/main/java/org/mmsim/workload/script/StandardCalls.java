package org.mmsim.workload.script;

import org.mmsim.workload.script.Builtin.Arity;

/**
 * The C calls and queries every script has (README.md, "Builtin functions"). Each returns what the C call
 * returns: -1 with errno set on failure. {@code int} parameters take the low 32 bits of the value, as a C
 * conversion does.
 */
final class StandardCalls {
    private StandardCalls() { }

    static void addTo(Language l) {
        l.addFunction("mmap", Arity.oneOf(4, 6),
                "void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset)",
                "the mapped address, or -1 (MAP_FAILED) with errno; the 4-argument form passes fd = -1, offset = 0",
                (in, a) -> in.api().mmap(a[0], a[1], (int) a[2], (int) a[3], a.length == 6 ? (int) a[4] : -1,
                        a.length == 6 ? a[5] : 0));
        l.addFunction("munmap", Arity.exactly(2), "int munmap(void *addr, size_t length)",
                "0, or -1 with errno", (in, a) -> in.api().munmap(a[0], a[1]));
        l.addFunction("mremap", Arity.between(4, 5),
                "void *mremap(void *old_address, size_t old_size, size_t new_size, int flags, void *new_address)",
                "the new address, or -1 (MAP_FAILED) with errno; the 4-argument form passes new_address = 0",
                (in, a) -> in.api().mremap(a[0], a[1], a[2], (int) a[3], a.length == 5 ? a[4] : 0));
        l.addFunction("mprotect", Arity.exactly(3), "int mprotect(void *addr, size_t len, int prot)",
                "0, or -1 with errno", (in, a) -> in.api().mprotect(a[0], a[1], (int) a[2]));
        l.addFunction("madvise", Arity.exactly(3), "int madvise(void *addr, size_t length, int advice)",
                "0, or -1 with errno", (in, a) -> in.api().madvise(a[0], a[1], (int) a[2]));
        l.addFunction("numa_hint", Arity.exactly(2), "long numa_hint(void *addr, size_t len)",
                "the number of entries made PROT_NONE for NUMA hinting (change_prot_numa), or -1 with errno; "
                        + "model-level, not a system call: the script stops on a backend without it",
                (in, a) -> in.api().numaHint(a[0], a[1]));

        l.addFunction("memset", Arity.exactly(3), "void memset(void *s, int c, size_t n)",
                "0; writes n bytes as the program would, faulting (SIGSEGV stops the script)", (in, a) -> {
                    in.api().memset(a[0], (int) a[1], a[2]);
                    return 0;
                });
        l.addFunction("poke", Arity.exactly(2), "void poke(void *addr, int value)",
                "0; writes one byte, *(volatile char *)addr = value", (in, a) -> {
                    in.api().poke(a[0], (int) a[1]);
                    return 0;
                });
        l.addFunction("peek", Arity.exactly(1), "int peek(const void *addr)",
                "the byte at addr (0..255), read as the program would", (in, a) -> in.api().peek(a[0]));
        l.addFunction("pattern", Arity.exactly(3), "void pattern(void *addr, size_t len, long seed)",
                "0; fills the range with a pseudo-random byte pattern derived from seed", (in, a) -> {
                    in.api().pattern(a[0], a[1], a[2]);
                    return 0;
                });
        l.addFunction("checksum", Arity.exactly(2), "long checksum(const void *addr, size_t len)",
                "a checksum of the bytes, read as the program would", (in, a) -> in.api().checksum(a[0], a[1]));

        l.addFunction("mapped", Arity.exactly(1), "bool mapped(void *addr)",
                "1 if a VMA covers addr, else 0", (in, a) -> bit(in.api().mapped(a[0])));
        l.addFunction("prot", Arity.exactly(1), "int prot(void *addr)",
                "the PROT_* bits of the VMA covering addr, or -1 if none", (in, a) -> in.api().prot(a[0]));
        l.addFunction("vmas", Arity.exactly(2), "int vmas(void *addr, size_t len)",
                "the number of VMAs intersecting [addr, addr + len)", (in, a) -> in.api().vmas(a[0], a[1]));
        l.addFunction("present", Arity.exactly(1), "bool present(void *addr)",
                "1 if the page at addr is resident (the zero page included), else 0",
                (in, a) -> bit(in.api().present(a[0])));
        l.addFunction("swapped", Arity.exactly(1), "bool swapped(void *addr)",
                "1 if the page at addr is swapped out, else 0", (in, a) -> bit(in.api().swapped(a[0])));
    }

    private static long bit(boolean b) { return b ? 1 : 0; }
}
