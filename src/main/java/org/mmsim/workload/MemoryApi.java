package org.mmsim.workload;

/**
 * The C calls a test program makes, as a backend offers them: the simulated kernel ({@code sim}) or the
 * live kernel ({@code host}). Results mirror C exactly: a call that fails returns -1 (or MAP_FAILED = -1)
 * and leaves the error in {@link #errno()}; addresses are user virtual addresses.
 *
 * <p>User memory accesses ({@code memset}, {@code poke}, {@code peek}, {@code pattern}, {@code checksum})
 * fault as a real program would; an access the kernel answers with SIGSEGV or SIGBUS throws {@link Segfault}
 * after the bytes before the faulting address have been accessed.
 */
public interface MemoryApi extends AutoCloseable {
    /** mmap(2); fd and offset as in C (-1 and 0 for anonymous memory). */
    long mmap(long addr, long len, int prot, int flags, int fd, long offset);

    /** munmap(2). */
    int munmap(long addr, long len);

    /** mremap(2); {@code newAddr} is used only with MREMAP_FIXED or MREMAP_DONTUNMAP. */
    long mremap(long oldAddr, long oldLen, long newLen, int flags, long newAddr);

    /** mprotect(2). */
    int mprotect(long addr, long len, int prot);

    /** madvise(2). */
    int madvise(long addr, long len, int advice);

    /**
     * NUMA hinting over [addr, addr + len): change_prot_numa as task_numa_work runs it, making present entries
     * PROT_NONE so the next access takes a NUMA hinting fault. Returns the number of entries changed, or -1 with
     * errno (EINVAL for an unaligned address or a wrapping range). A model-level operation with no system call
     * behind it: a backend that cannot do it throws UnsupportedOperationException naming itself.
     */
    default long numaHint(long addr, long len) {
        throw new UnsupportedOperationException("numa_hint is a model-level operation; the " + backend()
                + " backend does not have it");
    }

    /**
     * fork(2) of the process the calls currently act on. Returns the child's handle (a positive number, not
     * necessarily its pid), or -1 with errno. The calls keep acting on the caller; {@link #switchTo} moves them.
     * A backend without processes throws UnsupportedOperationException naming itself.
     */
    default long fork() {
        throw new UnsupportedOperationException("fork is not available on the " + backend() + " backend");
    }

    /**
     * Makes the following calls act on process {@code handle} (0 is the original process) and returns the
     * handle they acted on before. Throws IllegalArgumentException, with the message the user sees, for a
     * handle that does not name a live process.
     */
    default long switchTo(long handle) {
        if (handle == 0) return 0;
        throw new IllegalArgumentException("no process " + handle + " (fork is not available on the "
                + backend() + " backend)");
    }

    /**
     * Ends process {@code handle} as exit(2) would: its address space goes away. Returns 0, or -1 with errno
     * ESRCH for a handle that is not a live child. The original process (0) cannot be ended (EINVAL).
     */
    default int exit(long handle) {
        throw new UnsupportedOperationException("exit is not available on the " + backend() + " backend");
    }

    /**
     * Arms an injected failure of the swap-out path at the n-th occurrence of {@code kind} from now
     * ({@code swap_alloc_fail}, {@code swap_dup_fail}, {@code arch_unmap_fail}, {@code folio_pinned}). Throws
     * IllegalArgumentException for an unknown kind or n &lt; 1; a backend that cannot inject (the live kernel)
     * throws UnsupportedOperationException naming itself.
     */
    default void inject(String kind, long n) {
        throw new UnsupportedOperationException("fault injection is not available on the " + backend() + " backend");
    }

    /** errno after the last failing call. */
    int errno();

    /** memset(3) on user memory. */
    void memset(long addr, int c, long len);

    /** Writes one byte. */
    void poke(long addr, int value);

    /** Reads one byte (0..255). */
    int peek(long addr);

    /** Fills [addr, addr+len) with a deterministic pseudo-random byte pattern derived from {@code seed}. */
    void pattern(long addr, long len, long seed);

    /** A checksum of the bytes of [addr, addr+len) (reads them, faulting as a program would). */
    long checksum(long addr, long len);

    /** 1 if a VMA covers addr. */
    boolean mapped(long addr);

    /** PROT bits of the VMA covering addr, or -1 if none. */
    int prot(long addr);

    /** Number of VMAs intersecting [addr, addr+len). */
    int vmas(long addr, long len);

    /**
     * The VMAs intersecting [addr, addr+len), in address order, as triples {start, end, prot} (whole VMAs,
     * not clipped). Differential tests compare layouts with it.
     */
    long[] layout(long addr, long len);

    /** True if the page at addr is resident (mapped by a present PTE or PMD, the zero page included). */
    boolean present(long addr);

    /** True if the page at addr is swapped out (its PTE is a swap entry). */
    boolean swapped(long addr);

    /**
     * The residency of {@code pages} pages from the page-aligned {@code addr}, one byte per page: 1 present (as
     * {@link #present}), 2 swapped (as {@link #swapped}), 0 neither. The host backend reads pagemap once for the
     * whole range; differential tests compare residency with it.
     */
    default byte[] residency(long addr, int pages) {
        byte[] out = new byte[pages];
        for (int i = 0; i < pages; i++) {
            long a = addr + (long) i * 4096;
            out[i] = (byte) (present(a) ? 1 : swapped(a) ? 2 : 0);
        }
        return out;
    }

    /**
     * Sets a tunable: {@code thp} (always|madvise|never), {@code mthp 64K} (always|inherit|madvise|never),
     * {@code shmem_thp} (always|within_size|advise|never|deny|force), {@code shmem_mthp 64K}
     * (always|inherit|within_size|advise|never), {@code max_map_count} (a number), {@code swap} /
     * {@code swap partition} / {@code swap zram} (a swap file / block device / zram device of that many bytes; 0 or
     * {@code none} removes it); on the model also {@code check} (off|changes|full|cross: see
     * {@link org.mmsim.check.Checker.Mode}).
     * Throws {@link IllegalArgumentException} with a user-facing message
     * for an unknown tunable or value.
     */
    void set(String key, String value);

    /**
     * The model's full invariant check, when its checking is on (a script run ends with it: the check after each
     * call covers only what the call touched); nothing on other backends. Throws
     * {@link org.mmsim.check.InvariantViolation}.
     */
    default void checkAll() {}

    /**
     * A copy of the counters of the backend (indexed by Event ordinal) that the caller may keep, or null when the
     * backend has none (host).
     */
    long[] counters();

    /** "sim" or "host". */
    String backend();

    @Override
    void close();
}
