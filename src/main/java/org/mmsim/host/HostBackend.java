package org.mmsim.host;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.mmsim.mm.Tunables;
import org.mmsim.mm.Uapi;
import org.mmsim.workload.MemoryApi;
import org.mmsim.workload.Patterns;
import org.mmsim.workload.Segfault;

/**
 * {@link MemoryApi} on the live kernel: the calls are the JVM process's own mmap, munmap, mremap, mprotect and
 * madvise (FFM downcalls to libc), the accesses are real loads and stores, the queries read /proc/self/maps and
 * /proc/self/pagemap.
 *
 * <p>Script address {@code a} is host address {@code base + a}, where {@code base} is a 1 GiB-aligned address whose
 * window [base, base + {@link #WINDOW}) was empty when the backend opened; every alignment up to 1 GiB the script
 * relies on is kept. The window is not reserved (a PROT_NONE reservation would change what the kernel does inside
 * it). Instead the backend keeps the set of host ranges the script got from the kernel ({@link Ownership}): the
 * window's mappings, and the kernel-chosen ones (mmap without a hint, mremap with MREMAP_MAYMOVE) wherever they
 * lie. A call that would modify or access memory is made only if the affected range is inside the window or owned,
 * and every mapped part of it is owned; otherwise it is refused with {@link HostRefusal}. A hint and
 * MAP_FIXED_NOREPLACE cannot replace anything, so they are passed on wherever they point.
 *
 * <p>A user access that a real program would take a SIGSEGV on cannot be made from the JVM (the fault would end
 * it). Accesses are therefore bounded first: /proc/self/maps says how far [addr, addr + len) is mapped with the
 * needed permission (read: any of PROT_READ, PROT_WRITE, PROT_EXEC; execute-only memory is not readable on CPUs
 * with protection keys, where the kernel gives it an execute-only key: the model's tunable pku), the bytes before that
 * point are accessed, and {@link Segfault} is thrown at it, as the sim backend does.
 */
public final class HostBackend implements MemoryApi {
    /** The window size: 4 TiB. */
    public static final long WINDOW = 4L << 40;
    /** Where the search for an empty window starts (16 TiB: above the JVM's low heap, below its binary and libraries). */
    static final long FIRST_BASE = 16L << 40;
    private static final long LAST_BASE = 64L << 40;
    private static final long PAGE = Uapi.PAGE_SIZE;
    private static final int CHUNK = 1 << 16;

    private final Libc libc = new Libc();
    private final long base;
    private final HostSettings settings;
    /** vm.mmap_min_addr: MAP_FIXED below it needs CAP_SYS_RAWIO. */
    private final long mmapMinAddr;
    /** The kernel's effective minimum (max of the sysctl and CONFIG_LSM_MMAP_MIN_ADDR): hints below it are raised. */
    private final long hintMinAddr;
    /** This process has CAP_SYS_RAWIO (root), so MAP_FIXED below vm.mmap_min_addr is allowed. */
    private final boolean capSysRawio;
    private final boolean execOnlyUnreadable;
    /** The JVM itself (handle 0) and the live forked children by handle. */
    private final Map<Long, Proc> procs = new TreeMap<>();
    private Proc cur;
    private long curHandle;
    private long nextHandle = 1;
    private int errno;
    private boolean closed;

    /** A process the calls can act on: the JVM, or a child forked from it. */
    private static final class Proc {
        final Ownership owned;
        /** Its /proc directory. */
        final String dir;
        /** The child's command channel; null for the JVM. */
        final Child child;
        FileChannel pagemap;
        boolean guardsInstalled;

        Proc(Ownership owned, String dir, Child child) {
            this.owned = owned;
            this.dir = dir;
            this.child = child;
        }
    }

    private HostBackend(long base, HostSettings settings) {
        this.base = base;
        this.settings = settings;
        this.mmapMinAddr = readLong(Path.of("/proc/sys/vm/mmap_min_addr"), 4096);
        this.capSysRawio = hasCapability(17); // CAP_SYS_RAWIO
        this.execOnlyUnreadable = cpuHasProtectionKeys();
        if (Child.supported()) Child.prepare(libc);
        this.hintMinAddr = effectiveMinAddr();
        // Link every downcall now (the first call of an FFM handle costs milliseconds) with calls that change
        // nothing (length 0 or invalid), so that the first measured region times the kernel, not the linking.
        libc.mmap(0, 0, 0, 0x22, -1, 0);
        libc.munmap(0, 0);
        libc.mremap(0, 0, 0, 0, 0);
        libc.mprotect(0, 0, 0);
        libc.madvise(0, 0, 0);
        this.cur = new Proc(new Ownership(), "/proc/self", null);
        procs.put(0L, cur);
    }

    /**
     * Opens the host backend. Throws {@link HostRefusal} (environment) when this is not Linux x86-64 or arm64, or no
     * empty window can be found.
     */
    public static HostBackend open() {
        String os = System.getProperty("os.name", "");
        if (!os.equals("Linux")) {
            throw new HostRefusal("the host backend needs Linux (this is " + os + ")", true);
        }
        String arch = System.getProperty("os.arch", "");
        if (!arch.equals("amd64") && !arch.equals("x86_64") && !arch.equals("aarch64")) {
            throw new HostRefusal("the host backend needs an x86-64 or arm64 host (this is " + arch + ")", true);
        }
        if (!Files.isReadable(Path.of("/proc/self/pagemap"))) {
            throw new HostRefusal("the host backend needs /proc/self/pagemap", true);
        }
        for (long b = FIRST_BASE; b + WINDOW <= LAST_BASE; b += WINDOW) {
            if (Maps.between(b, b + WINDOW).isEmpty()) {
                HostSettings settings = HostSettings.standard();
                settings.lock();
                return new HostBackend(b, settings);
            }
        }
        throw new HostRefusal("no empty 4 TiB window between 16 and 64 TiB in this process's address space", true);
    }

    /** The host address of script address 0. */
    public long base() { return base; }

    private long host(long a) { return base + a; }

    private long script(long h) { return h - base; }

    private boolean inWindow(long h) { return Long.compareUnsigned(h - base, WINDOW) < 0; }

    private static long pageAlign(long len) { return (len + PAGE - 1) & -PAGE; }

    /**
     * Checks that [h, end) may be modified by the script: each byte in the window or owned, each mapped byte cur.owned.
     * Throws {@link HostRefusal} naming the call otherwise.
     */
    private void claim(String call, long h, long end) {
        if (Long.compareUnsigned(end, h) <= 0) end = h + 1;
        if (cur.owned.covers(h, end)) return;
        if (!inWindow(h) && !cur.owned.contains(h)) {
            throw new HostRefusal(String.format("%s: address 0x%x is outside the host window (script addresses "
                    + "0 .. 0x%x) and is not memory the kernel gave the script", call, script(h), WINDOW), false);
        }
        for (Maps.Area v : Maps.between(cur.dir, h, end)) {
            long s = Long.compareUnsigned(v.start(), h) > 0 ? v.start() : h;
            long e = Long.compareUnsigned(v.end(), end) < 0 ? v.end() : end;
            if (!cur.owned.covers(s, e)) {
                throw new HostRefusal(String.format("%s: [0x%x, 0x%x) holds memory the script did not get from the "
                        + "kernel (%s); the host backend never touches it", call, script(s), script(e),
                        jvmName(v)), false);
            }
        }
    }

    /** What a VMA the script does not own is, for messages. */
    private String jvmName(Maps.Area v) {
        String n = Maps.name(cur.dir, v.start());
        return n.isEmpty() ? "an anonymous mapping of the JVM" : n;
    }

    /** Drops ownership of the parts of [h, end) that are no longer mapped (after a call that failed midway). */
    private void resync(long h, long end) {
        long a = h;
        for (Maps.Area v : Maps.between(cur.dir, h, end)) {
            if (Long.compareUnsigned(v.start(), a) > 0) cur.owned.remove(a, v.start());
            a = v.end();
        }
        if (Long.compareUnsigned(a, end) < 0) cur.owned.remove(a, end);
    }

    private long fail() {
        errno = libc.errno();
        return -1;
    }

    /** A system call of the current process (x86-64 numbers when it is a child): the result, or -1 with errno. */
    private long sys(int nr, long a1, long a2, long a3, long a4, long a5, long a6) {
        if (cur.child == null) {
            long r = switch (nr) {
                case 9 -> libc.mmap(a1, a2, (int) a3, (int) a4, (int) a5, a6);
                case 11 -> libc.munmap(a1, a2);
                case 25 -> libc.mremap(a1, a2, a3, (int) a4, a5);
                case 10 -> libc.mprotect(a1, a2, (int) a3);
                case 28 -> libc.madvise(a1, a2, (int) a3);
                default -> throw new IllegalArgumentException("syscall " + nr);
            };
            return r == -1 ? fail() : r;
        }
        long r = cur.child.syscall(nr, a1, a2, a3, a4, a5, a6);
        if (r < 0 && r > -4096) {
            errno = (int) -r;
            return -1;
        }
        return r;
    }

    @Override public long mmap(long addr, long len, int prot, int flags, int fd, long offset) {
        if ((flags & Uapi.MAP_ANONYMOUS) == 0 && fd != -1) {
            throw new HostRefusal("mmap: file mappings are not available on the host backend (fd " + fd
                    + " would be a file descriptor of the JVM)", false);
        }
        boolean noReplace = (flags & Uapi.MAP_FIXED_NOREPLACE) != 0;
        boolean fixed = (flags & Uapi.MAP_FIXED) != 0 && !noReplace;
        long h;
        if (fixed || noReplace) {
            // the one check the shift hides: below vm.mmap_min_addr a fixed mapping needs CAP_SYS_RAWIO
            if (belowMinAddr(addr) && (addr & (PAGE - 1)) == 0 && len != 0) {
                errno = org.mmsim.mm.Errno.EPERM;
                return -1;
            }
            h = host(addr);
            if (fixed && (addr & (PAGE - 1)) == 0 && len > 0) claim("mmap(MAP_FIXED)", h, h + pageAlign(len));
        } else if (addr == 0) {
            h = 0;
        } else {
            // a hint below the kernel's effective mmap_min_addr is raised to it (round_hint_to_min), in script
            // addresses
            h = host(Long.compareUnsigned(addr, hintMinAddr) < 0 ? pageAlign(hintMinAddr) : addr);
        }
        long r = sys(9, h, len, prot, flags, fd, offset);
        if (r == -1) {
            int e = errno;
            if (fixed && (addr & (PAGE - 1)) == 0 && len > 0) resync(h, h + pageAlign(len));
            errno = e;
            return -1;
        }
        cur.owned.add(r, r + pageAlign(len));
        return script(r);
    }

    @Override public int munmap(long addr, long len) {
        long h = host(addr);
        long end = h + pageAlign(len);
        if ((addr & (PAGE - 1)) == 0 && len > 0) claim("munmap", h, end);
        if (sys(11, h, len, 0, 0, 0, 0) != 0) return -1;
        cur.owned.remove(h, end);
        return 0;
    }

    @Override public long mremap(long oldAddr, long oldLen, long newLen, int flags, long newAddr) {
        long h = host(oldAddr);
        long oldEnd = h + pageAlign(oldLen);
        boolean aligned = (oldAddr & (PAGE - 1)) == 0;
        if (aligned) claim("mremap", h, oldLen == 0 ? h + PAGE : oldEnd);
        boolean fixed = (flags & Uapi.MREMAP_FIXED) != 0;
        if (fixed && belowMinAddr(newAddr) && (newAddr & (PAGE - 1)) == 0 && newLen != 0 && aligned) {
            errno = org.mmsim.mm.Errno.EPERM; // the destination check (security_mmap_addr) the shift hides
            return -1;
        }
        // MREMAP_DONTUNMAP without MREMAP_FIXED takes new_addr as a hint (the kernel checks it, alignment included):
        // it is shifted like any script address, except 0 (no hint). Found by difftest (docs/difftest.md).
        boolean hint = !fixed && (flags & Uapi.MREMAP_DONTUNMAP) != 0 && newAddr != 0;
        long nh = fixed || hint ? host(newAddr) : 0;
        if (fixed && (newAddr & (PAGE - 1)) == 0 && newLen > 0) claim("mremap(MREMAP_FIXED)", nh, nh + pageAlign(newLen));
        long r = sys(25, h, oldLen, newLen, flags, nh, 0);
        if (r == -1) {
            int e = errno;
            if (aligned) resync(h, oldLen == 0 ? h + PAGE : oldEnd);
            if (fixed && (newAddr & (PAGE - 1)) == 0 && newLen > 0) resync(nh, nh + pageAlign(newLen));
            errno = e;
            return -1;
        }
        if ((flags & Uapi.MREMAP_DONTUNMAP) == 0 && oldLen != 0) cur.owned.remove(h, oldEnd);
        cur.owned.add(r, r + pageAlign(newLen));
        return script(r);
    }

    @Override public int mprotect(long addr, long len, int prot) {
        long h = host(addr);
        if ((addr & (PAGE - 1)) == 0 && len > 0) claim("mprotect", h, h + pageAlign(len));
        return sys(10, h, len, prot, 0, 0, 0) == 0 ? 0 : -1;
    }

    @Override public int madvise(long addr, long len, int advice) {
        if (advice == Uapi.MADV_HWPOISON || advice == Uapi.MADV_SOFT_OFFLINE) {
            throw new HostRefusal("madvise: MADV_HWPOISON and MADV_SOFT_OFFLINE act on the host's physical memory; "
                    + "the host backend does not pass them on", false);
        }
        long h = host(addr);
        if ((addr & (PAGE - 1)) == 0 && len > 0) claim("madvise", h, h + pageAlign(len));
        if (sys(28, h, len, advice, 0, 0, 0) != 0) return -1;
        if (advice == Uapi.MADV_GUARD_INSTALL) cur.guardsInstalled = true;
        return 0;
    }

    @Override public int errno() { return errno; }

    // ---- user accesses ----

    /** What {@link #reach} puts in its refusal slot when the stop is a SIGBUS rather than a refusal. */
    private static final String BUS = "SIGBUS";

    /**
     * How far an access of [h, h+len) can go: the first host address it may not touch, or h+len. Sets
     * {@code refusal} when the stop is memory the script does not own rather than a SIGSEGV, or to {@link #BUS} when
     * it is a page of a shared mapping beyond the end of its object (SIGBUS: shmem_fault's i_size check).
     */
    private long reach(String call, long h, long len, boolean write, String[] refusal) {
        long end = h + len;
        long o = cur.owned.ownedUpTo(h);
        if (o == h && !inWindow(h)) {
            throw new HostRefusal(String.format("%s: address 0x%x is outside the host window (script addresses 0 .. "
                    + "0x%x) and is not memory the kernel gave the script", call, script(h), WINDOW), false);
        }
        long a = h;
        for (Maps.Area v : Maps.between(cur.dir, h, end)) {
            if (Long.compareUnsigned(v.start(), a) > 0) return a;                 // a hole: SIGSEGV
            boolean ok = write ? v.writable() : v.prot() != 0 && !(execOnlyUnreadable && v.prot() == Uapi.PROT_EXEC);
            if (!ok) return a;
            long stop = Long.compareUnsigned(v.end(), end) < 0 ? v.end() : end;
            long mine = cur.owned.ownedUpTo(a);
            if (Long.compareUnsigned(mine, stop) < 0) {
                refusal[0] = String.format("%s: the access reaches 0x%x, memory the script did not get from the "
                        + "kernel (%s); the host backend never touches it", call, script(mine),
                        jvmName(v));
                return mine;
            }
            if (v.shared()) {
                long limit = sharedObjectEnd(v);
                if (Long.compareUnsigned(limit, stop) < 0) {
                    // the page at limit would raise SIGBUS: the access stops there without touching it
                    refusal[0] = BUS;
                    return Long.compareUnsigned(limit, a) > 0 ? limit : a;
                }
            }
            a = stop;
            if (a == end) break;
        }
        if (cur.guardsInstalled && Long.compareUnsigned(a, h) > 0) a = beforeGuard(h, a);
        return a;
    }

    /** The end of the object behind a shared mapping (shmem after mremap may be shorter than the VMA). */
    private long sharedObjectEnd(Maps.Area v) {
        try {
            long size = Files.size(Path.of(String.format("/proc/self/map_files/%x-%x", v.start(), v.end())));
            return v.start() + Math.max(0, size - v.offset());
        } catch (IOException e) {
            return v.end();
        }
    }

    /** The first guard-region page (pagemap bit 58) in [h, end), or end. */
    private long beforeGuard(long h, long end) {
        for (long p = h & -PAGE; Long.compareUnsigned(p, end) < 0; p += PAGE) {
            if ((pagemapEntry(p) & (1L << 58)) != 0) return Long.compareUnsigned(p, h) > 0 ? p : h;
        }
        return end;
    }

    private void stop(long h, long limit, long len, boolean write, String[] refusal) {
        if (limit == h + len) return;
        if (refusal[0] == BUS) throw new Segfault(script(limit), write, true);
        if (refusal[0] != null) throw new HostRefusal(refusal[0], false);
        throw new Segfault(script(limit), write);
    }

    private static MemorySegment bytes(long h, long n) {
        return MemorySegment.ofAddress(h).reinterpret(n);
    }

    @Override public void memset(long addr, int c, long len) {
        if (len <= 0) return;
        long h = host(addr);
        String[] refusal = new String[1];
        long limit = reach("memset", h, len, true, refusal);
        if (limit != h) {
            if (cur.child == null) bytes(h, limit - h).fill((byte) c);
            else cur.child.memset(h, c, limit - h);
        }
        stop(h, limit, len, true, refusal);
    }

    @Override public void poke(long addr, int value) {
        long h = host(addr);
        String[] refusal = new String[1];
        long limit = reach("poke", h, 1, true, refusal);
        if (limit != h) {
            if (cur.child == null) bytes(h, 1).set(ValueLayout.JAVA_BYTE, 0, (byte) value);
            else cur.child.memset(h, value, 1);
        }
        stop(h, limit, 1, true, refusal);
    }

    @Override public int peek(long addr) {
        long h = host(addr);
        String[] refusal = new String[1];
        long limit = reach("peek", h, 1, false, refusal);
        stop(h, limit, 1, false, refusal);
        if (cur.child == null) return bytes(h, 1).get(ValueLayout.JAVA_BYTE, 0) & 0xff;
        byte[] b = new byte[1];
        cur.child.dump(h, b, 1);
        return b[0] & 0xff;
    }

    @Override public void pattern(long addr, long len, long seed) {
        if (len <= 0) return;
        long h = host(addr);
        String[] refusal = new String[1];
        long limit = reach("pattern", h, len, true, refusal);
        long n = limit - h;
        byte[] buf = new byte[CHUNK];
        for (long done = 0; done < n; ) {
            int k = (int) Math.min(CHUNK, n - done);
            for (int i = 0; i < k; i++) buf[i] = (byte) Patterns.byteAt(seed, done + i);
            if (cur.child == null) MemorySegment.copy(buf, 0, bytes(h + done, k), ValueLayout.JAVA_BYTE, 0, k);
            else cur.child.fill(h + done, buf, k);
            done += k;
        }
        stop(h, limit, len, true, refusal);
    }

    @Override public long checksum(long addr, long len) {
        if (len <= 0) return 0;
        long h = host(addr);
        String[] refusal = new String[1];
        long limit = reach("checksum", h, len, false, refusal);
        long n = limit - h;
        byte[] buf = new byte[CHUNK];
        long sum = 0;
        for (long done = 0; done < n; ) {
            int k = (int) Math.min(CHUNK, n - done);
            if (cur.child == null) MemorySegment.copy(bytes(h + done, k), ValueLayout.JAVA_BYTE, 0, buf, 0, k);
            else cur.child.dump(h + done, buf, k);
            for (int i = 0; i < k; i++) sum += Patterns.term(buf[i] & 0xff, done + i);
            done += k;
        }
        stop(h, limit, len, false, refusal);
        return sum;
    }

    // ---- processes ----

    /**
     * fork(2) of the JVM: a child that shares the script's memory copy-on-write and runs the fork stub ({@link
     * Child}). Its ownership set starts as the parent's, less what MADV_DONTFORK kept from it. A child forks too
     * (its child is made through pidfd_getfd). x86-64 only.
     */
    @Override public long fork() {
        if (!Child.supported()) {
            throw new HostRefusal("fork is not available on the host backend on " + System.getProperty("os.arch")
                    + " (the fork stub is x86-64 machine code)", true);
        }
        Child c;
        try {
            c = cur.child == null ? Child.fork(libc) : Child.forkFrom(cur.child, libc);
        } catch (Child.Failed f) {
            errno = f.errno;
            return -1;
        }
        Ownership o = new Ownership();
        for (Map.Entry<Long, Long> e : cur.owned.snapshot().entrySet()) o.add(e.getKey(), e.getValue());
        Proc p = new Proc(o, "/proc/" + c.pid(), c);
        p.guardsInstalled = cur.guardsInstalled;
        long handle = nextHandle++;
        procs.put(handle, p);
        Proc before = cur;
        cur = p;
        try {
            for (Map.Entry<Long, Long> e : o.snapshot().entrySet()) resync(e.getKey(), e.getValue());
        } finally {
            cur = before;
        }
        return handle;
    }

    /** The /proc directory of process {@code handle} (tests look at the child itself). */
    String procDir(long handle) { return procs.get(handle).dir; }

    @Override public long switchTo(long handle) {
        Proc p = procs.get(handle);
        if (p == null) throw new IllegalArgumentException("no process " + handle);
        long before = curHandle;
        cur = p;
        curHandle = handle;
        return before;
    }

    @Override public int exit(long handle) {
        if (handle == 0) {
            errno = org.mmsim.mm.Errno.EINVAL;
            return -1;
        }
        Proc p = procs.get(handle);
        if (p == null) {
            errno = org.mmsim.mm.Errno.ESRCH;
            return -1;
        }
        procs.remove(handle);
        closePagemap(p);
        MapsQuery.forget(p.dir);
        p.child.end();
        if (curHandle == handle) {
            cur = procs.get(0L);
            curHandle = 0;
        }
        return 0;
    }

    // ---- queries ----

    @Override public boolean mapped(long addr) { return Maps.at(cur.dir, host(addr)) != null; }

    @Override public int prot(long addr) {
        Maps.Area v = Maps.at(cur.dir, host(addr));
        return v == null ? -1 : v.prot();
    }

    @Override public int vmas(long addr, long len) {
        long h = host(addr);
        return Maps.between(cur.dir, h, h + len).size();
    }

    @Override public long[] layout(long addr, long len) {
        long h = host(addr);
        List<Maps.Area> list = Maps.between(cur.dir, h, h + len);
        long[] out = new long[list.size() * 3];
        int i = 0;
        for (Maps.Area v : list) {
            out[i++] = script(v.start());
            out[i++] = script(v.end());
            out[i++] = v.prot();
        }
        return out;
    }

    /** The pagemap entry (/proc/PID/pagemap) of the current process for the page holding host address h. */
    long pagemapEntry(long h) {
        try {
            if (cur.pagemap == null) cur.pagemap = FileChannel.open(Path.of(cur.dir, "pagemap"), StandardOpenOption.READ);
            ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
            long pos = Long.divideUnsigned(h, PAGE) * 8;
            while (b.hasRemaining()) {
                if (cur.pagemap.read(b, pos + b.position()) < 0) return 0;
            }
            return b.getLong(0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + cur.dir + "/pagemap", e);
        }
    }

    private static void closePagemap(Proc p) {
        try {
            if (p.pagemap != null) p.pagemap.close();
        } catch (IOException ignored) {
            // a read-only /proc file: nothing is lost
        }
    }

    @Override public boolean present(long addr) { return (pagemapEntry(host(addr)) & (1L << 63)) != 0; }

    /** One pagemap read for the whole range (bit 63 present, bit 62 swapped). */
    @Override public byte[] residency(long addr, int pages) {
        byte[] out = new byte[pages];
        if (pages <= 0) return out;
        try {
            if (cur.pagemap == null) cur.pagemap = FileChannel.open(Path.of(cur.dir, "pagemap"), StandardOpenOption.READ);
            ByteBuffer b = ByteBuffer.allocate(8 * pages).order(ByteOrder.nativeOrder());
            long pos = Long.divideUnsigned(host(addr), PAGE) * 8;
            while (b.hasRemaining()) {
                if (cur.pagemap.read(b, pos + b.position()) <= 0) break;
            }
            for (int i = 0; i < b.position() / 8; i++) {
                long e = b.getLong(8 * i);
                out[i] = (byte) ((e & (1L << 63)) != 0 ? 1 : (e & (1L << 62)) != 0 ? 2 : 0);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + cur.dir + "/pagemap", e);
        }
    }

    @Override public boolean swapped(long addr) { return (pagemapEntry(host(addr)) & (1L << 62)) != 0; }

    @Override public void set(String key, String value) {
        if (key.trim().equals("pku")) {
            Tunables wanted = new Tunables();
            wanted.set(key, value);         // the sim's validation and messages
            if (wanted.pku != execOnlyUnreadable) {
                throw new HostRefusal("cannot apply 'set pku = " + value.trim() + "' on the host: this CPU "
                        + (execOnlyUnreadable ? "has" : "has no") + " protection keys (/proc/cpuinfo flag ospke)", true);
            }
            return;
        }
        settings.set(key, value);
    }

    @Override public long[] counters() { return null; }

    @Override public String backend() { return "host"; }

    /** Ends the children, unmaps what the script still holds in the JVM, and puts every host setting back. */
    @Override public void close() {
        if (closed) return;
        closed = true;
        try {
            for (Map.Entry<Long, Proc> e : new TreeMap<>(procs).entrySet()) {
                if (e.getKey() != 0) exit(e.getKey());
            }
            Proc self = procs.get(0L);
            cur = self;
            curHandle = 0;
            for (Map.Entry<Long, Long> e : self.owned.snapshot().entrySet()) {
                // everything mapped in an owned range is the script's by construction
                libc.munmap(e.getKey(), e.getValue() - e.getKey());
            }
            closePagemap(self);
        } finally {
            settings.restore();
        }
    }

    /** A fixed mapping at script address {@code addr} is one the kernel would refuse with EPERM (cap_mmap_addr). */
    private boolean belowMinAddr(long addr) {
        return !capSysRawio && Long.compareUnsigned(addr, mmapMinAddr) < 0;
    }

    /** True if capability {@code bit} is in this process's effective set (/proc/self/status, CapEff). */
    private static boolean hasCapability(int bit) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) return (Long.parseUnsignedLong(line.substring(7).trim(), 16) >>> bit & 1) != 0;
            }
        } catch (IOException | NumberFormatException e) {
            return false;
        }
        return false;
    }

    /**
     * The kernel's effective mmap_min_addr, which the shifted window hides from hints: the sysctl or
     * CONFIG_LSM_MMAP_MIN_ADDR, whichever is larger. Asked of the kernel itself: a hinted mapping at one page is
     * placed at the minimum when the bottom of the address space is free (it is unmapped at once).
     */
    private long effectiveMinAddr() {
        long r = libc.mmap(PAGE, PAGE, 0, Uapi.MAP_PRIVATE | Uapi.MAP_ANONYMOUS, -1, 0);
        if (r == -1) return mmapMinAddr;
        libc.munmap(r, PAGE);
        return r >= mmapMinAddr && r <= (1L << 20) ? r : mmapMinAddr;
    }

    private static long readLong(Path p, long dflt) {
        try {
            return Long.parseLong(Files.readString(p).trim());
        } catch (IOException | NumberFormatException e) {
            return dflt;
        }
    }

    /** True if this CPU has protection keys enabled by the kernel (x86 OSPKE): execute-only memory is unreadable. */
    public static boolean cpuHasProtectionKeys() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("flags")) return (" " + line + " ").contains(" ospke ");
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }
}
