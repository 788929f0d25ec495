package org.mmsim.workload.script;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.mmsim.arch.Event;
import org.mmsim.check.InvariantViolation;
import org.mmsim.mm.Errno;
import org.mmsim.mm.Uapi;
import org.mmsim.workload.MemoryApi;
import org.mmsim.workload.Segfault;

/**
 * An in-memory stand-in for a backend, for testing the interpreter and the CLI without the model: anonymous
 * VMAs in a tree (split, never merged), pages held sparsely (a one-byte array is a page filled with that byte),
 * a few counters, and the C error conventions for the cases scripts exercise. At most {@link #DEFAULT_LIMIT} bytes
 * (or the limit given) may be mapped, so that random scripts stay cheap.
 */
public final class FakeMemoryApi implements MemoryApi {
    /** Most bytes mapped at once by default; bigger mmaps fail with ENOMEM. */
    public static final long DEFAULT_LIMIT = 64L << 20;
    private static final long PAGE = Uapi.PAGE_SIZE;

    /** start -> {end, prot}. */
    private final TreeMap<Long, long[]> vmas = new TreeMap<>();
    /** Resident pages by page number. */
    private final Map<Long, byte[]> pages = new HashMap<>();
    /** Swapped-out pages by page number. */
    private final Map<Long, byte[]> swap = new HashMap<>();
    private final long[] counters = new long[Event.COUNT];
    private final Map<String, String> tunables = new HashMap<>();
    private final boolean hasCounters;
    private final long limit;
    private int errno;
    private boolean closed;
    private long calls;
    private long invariantBreaksAtCall = -1;

    public FakeMemoryApi() {
        this(true);
    }

    /** A fake whose {@link #counters()} is null when {@code hasCounters} is false, as the host backend. */
    public FakeMemoryApi(boolean hasCounters) {
        this(hasCounters, DEFAULT_LIMIT);
    }

    /** A fake that maps at most {@code limit} bytes at once. */
    public FakeMemoryApi(boolean hasCounters, long limit) {
        this.hasCounters = hasCounters;
        this.limit = limit;
    }

    /** Makes the {@code n}th system call (1-based) throw an InvariantViolation, as a checked model would. */
    public FakeMemoryApi breakInvariantAtCall(long n) {
        invariantBreaksAtCall = n;
        return this;
    }

    public boolean closed() { return closed; }

    public Map<String, String> tunables() { return tunables; }

    /** Injections armed through {@link #inject}, as "kind@n". */
    public final java.util.List<String> injected = new java.util.ArrayList<>();

    @Override
    public void inject(String kind, long n) {
        if (n < 1) throw new IllegalArgumentException("an injection needs an occurrence of 1 or more, got " + n);
        injected.add(kind + "@" + n);
    }

    // ---- system calls ----

    @Override
    public long mmap(long addr, long len, int prot, int flags, int fd, long offset) {
        syscall();
        int type = flags & Uapi.MAP_TYPE;
        if (len == 0 || (offset & (PAGE - 1)) != 0 || (type != Uapi.MAP_PRIVATE && type != Uapi.MAP_SHARED)) {
            return fail(Errno.EINVAL);
        }
        if ((flags & Uapi.MAP_ANONYMOUS) == 0) return fail(Errno.EBADF);
        if (len < 0 || len > limit) return fail(Errno.ENOMEM);
        len = roundUp(len);
        boolean fixed = (flags & (Uapi.MAP_FIXED | Uapi.MAP_FIXED_NOREPLACE)) != 0;
        if (fixed && ((addr & (PAGE - 1)) != 0 || addr < 0 || addr + len < 0)) return fail(Errno.EINVAL);
        if ((flags & Uapi.MAP_FIXED_NOREPLACE) != 0 && (flags & Uapi.MAP_FIXED) == 0 && !free(addr, len)) {
            return fail(Errno.EEXIST);
        }
        if (mappedBytes() - overlap(fixed ? addr : 0, fixed ? len : 0) + len > limit) return fail(Errno.ENOMEM);
        long at;
        if (fixed) {
            at = addr;
            unmap(at, at + len);
        } else if (addr > 0 && (addr & (PAGE - 1)) == 0 && addr + len > 0 && free(addr, len)) {
            at = addr;
        } else {
            at = findFree(len);
        }
        vmas.put(at, new long[] {at + len, prot});
        return at;
    }

    @Override
    public int munmap(long addr, long len) {
        syscall();
        if ((addr & (PAGE - 1)) != 0 || len <= 0 || addr < 0 || addr + len < 0) return (int) fail(Errno.EINVAL);
        unmap(addr, addr + roundUp(len));
        return 0;
    }

    @Override
    public long mremap(long oldAddr, long oldLen, long newLen, int flags, long newAddr) {
        syscall();
        int known = Uapi.MREMAP_MAYMOVE | Uapi.MREMAP_FIXED | Uapi.MREMAP_DONTUNMAP;
        boolean mayMove = (flags & Uapi.MREMAP_MAYMOVE) != 0;
        boolean fixed = (flags & Uapi.MREMAP_FIXED) != 0;
        if ((flags & ~known) != 0 || (oldAddr & (PAGE - 1)) != 0 || (fixed && !mayMove) || newLen <= 0
                || oldLen < 0 || oldAddr < 0 || oldAddr + oldLen < 0 || newLen > limit) {
            return fail(newLen > limit ? Errno.ENOMEM : Errno.EINVAL);
        }
        oldLen = roundUp(oldLen);
        newLen = roundUp(newLen);
        var src = vmas.floorEntry(oldAddr);
        if (src == null || src.getValue()[0] < oldAddr + Math.max(oldLen, PAGE)) return fail(Errno.EFAULT);
        int prot = (int) src.getValue()[1];
        if (fixed) {
            if ((newAddr & (PAGE - 1)) != 0 || newAddr < 0 || newAddr + newLen < 0) return fail(Errno.EINVAL);
            if (newAddr < oldAddr + oldLen && oldAddr < newAddr + newLen) return fail(Errno.EINVAL);
            if (mappedBytes() - overlap(newAddr, newLen) - oldLen + newLen > limit) return fail(Errno.ENOMEM);
            move(oldAddr, oldLen, newLen, newAddr, prot);
            return newAddr;
        }
        if (newLen <= oldLen) {
            unmap(oldAddr + newLen, oldAddr + oldLen);
            return oldAddr;
        }
        if (mappedBytes() + newLen - oldLen > limit) return fail(Errno.ENOMEM);
        if (oldAddr + newLen > 0 && free(oldAddr + oldLen, newLen - oldLen)) {
            split(oldAddr);
            split(oldAddr + oldLen);
            vmas.get(oldAddr)[0] = oldAddr + newLen;
            return oldAddr;
        }
        if (!mayMove) return fail(Errno.ENOMEM);
        long to = findFree(newLen);
        move(oldAddr, oldLen, newLen, to, prot);
        return to;
    }

    @Override
    public int mprotect(long addr, long len, int prot) {
        syscall();
        if ((addr & (PAGE - 1)) != 0 || len < 0 || addr < 0 || addr + len < 0) return (int) fail(Errno.EINVAL);
        long end = addr + roundUp(len);
        if (!covered(addr, end)) return (int) fail(Errno.ENOMEM);
        split(addr);
        split(end);
        for (long[] v : vmas.subMap(addr, end).values()) v[1] = prot;
        return 0;
    }

    @Override
    public int madvise(long addr, long len, int advice) {
        syscall();
        if ((addr & (PAGE - 1)) != 0 || len < 0 || addr < 0 || addr + len < 0) return (int) fail(Errno.EINVAL);
        long end = addr + roundUp(len);
        if (!covered(addr, end)) return (int) fail(Errno.ENOMEM);
        switch (advice) {
            case Uapi.MADV_DONTNEED -> {
                for (long p = addr / PAGE; p < end / PAGE; p++) {
                    pages.remove(p);
                    swap.remove(p);
                }
            }
            case Uapi.MADV_PAGEOUT -> {
                for (long p = addr / PAGE; p < end / PAGE; p++) {
                    byte[] b = pages.remove(p);
                    if (b != null) swap.put(p, b);
                }
            }
            case Uapi.MADV_NORMAL, Uapi.MADV_RANDOM, Uapi.MADV_SEQUENTIAL, Uapi.MADV_WILLNEED,
                 Uapi.MADV_HUGEPAGE, Uapi.MADV_NOHUGEPAGE, Uapi.MADV_COLD -> { }
            default -> {
                return (int) fail(Errno.EINVAL);
            }
        }
        return 0;
    }

    @Override
    public int errno() { return errno; }

    // ---- user accesses ----

    @Override
    public void memset(long addr, int c, long len) {
        write(addr, len, off -> (byte) c, true);
    }

    @Override
    public void poke(long addr, int value) {
        write(addr, 1, off -> (byte) value, true);
    }

    @Override
    public int peek(long addr) {
        read(addr, 1);
        return lastByte;
    }

    @Override
    public void pattern(long addr, long len, long seed) {
        write(addr, len, off -> (byte) mix(seed + off), false);
    }

    @Override
    public long checksum(long addr, long len) {
        return read(addr, len);
    }

    private int lastByte;

    private interface ByteSource {
        byte at(long offset);
    }

    private void write(long addr, long len, ByteSource src, boolean constant) {
        long end = len < 0 || addr + len < addr ? Long.MAX_VALUE : addr + len;
        long a = addr;
        while (a < end) {
            access(a, true);
            long page = a / PAGE;
            long pageEnd = Math.min(end, (page + 1) * PAGE);
            byte[] b = pages.get(page);
            if (a == page * PAGE && pageEnd == (page + 1) * PAGE && (constant || uniform(src, a - addr))) {
                pages.put(page, new byte[] {src.at(a - addr)});
            } else {
                if (b.length == 1) {
                    byte fill = b[0];
                    b = new byte[(int) PAGE];
                    java.util.Arrays.fill(b, fill);
                    pages.put(page, b);
                }
                for (long x = a; x < pageEnd; x++) b[(int) (x - page * PAGE)] = src.at(x - addr);
            }
            counters[Event.USER_BYTES_WRITTEN.ordinal()] += pageEnd - a;
            a = pageEnd;
        }
    }

    private static boolean uniform(ByteSource src, long off) {
        byte first = src.at(off);
        for (long i = 1; i < PAGE; i++) if (src.at(off + i) != first) return false;
        return true;
    }

    private long read(long addr, long len) {
        long end = len < 0 || addr + len < addr ? Long.MAX_VALUE : addr + len;
        long sum = 0;
        for (long a = addr; a < end; ) {
            access(a, false);
            long page = a / PAGE;
            long pageEnd = Math.min(end, (page + 1) * PAGE);
            byte[] b = pages.get(page);
            for (long x = a; x < pageEnd; x++) {
                lastByte = (b.length == 1 ? b[0] : b[(int) (x - page * PAGE)]) & 0xff;
                sum = sum * 31 + lastByte;
            }
            counters[Event.USER_BYTES_READ.ordinal()] += pageEnd - a;
            a = pageEnd;
        }
        return sum;
    }

    /** Faults the page of {@code a} in, or throws Segfault. */
    private void access(long a, boolean write) {
        var v = a < 0 ? null : vmas.floorEntry(a);
        int need = write ? Uapi.PROT_WRITE : Uapi.PROT_READ;
        if (v == null || v.getValue()[0] <= a || (v.getValue()[1] & need) == 0) {
            counters[Event.FAULT_SIGSEGV.ordinal()]++;
            throw new Segfault(a, write);
        }
        long page = a / PAGE;
        if (pages.containsKey(page)) return;
        byte[] b = swap.remove(page);
        if (b == null) {
            b = new byte[] {0};
            counters[(write ? Event.FAULT_ANON : Event.FAULT_ZERO_PAGE).ordinal()]++;
        }
        pages.put(page, b);
    }

    // ---- queries ----

    @Override
    public boolean mapped(long addr) {
        var v = vmas.floorEntry(addr);
        return v != null && v.getValue()[0] > addr;
    }

    @Override
    public int prot(long addr) {
        var v = vmas.floorEntry(addr);
        return v != null && v.getValue()[0] > addr ? (int) v.getValue()[1] : -1;
    }

    @Override
    public int vmas(long addr, long len) {
        long end = len < 0 || addr + len < addr ? Long.MAX_VALUE : addr + len;
        Long from = vmas.floorKey(addr);
        int n = 0;
        for (var e : vmas.tailMap(from == null ? addr : from, true).entrySet()) {
            if (e.getKey() >= end) break;
            if (e.getValue()[0] > addr) n++;
        }
        return n;
    }

    @Override
    public long[] layout(long addr, long len) {
        long end = len < 0 || addr + len < addr ? Long.MAX_VALUE : addr + len;
        Long from = vmas.floorKey(addr);
        var out = new java.util.ArrayList<Long>();
        for (var e : vmas.tailMap(from == null ? addr : from, true).entrySet()) {
            if (e.getKey() >= end) break;
            if (e.getValue()[0] <= addr) continue;
            out.add(e.getKey());
            out.add(e.getValue()[0]);
            out.add(e.getValue()[1]);
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    @Override
    public boolean present(long addr) {
        return mapped(addr) && pages.containsKey(Math.floorDiv(addr, PAGE));
    }

    @Override
    public boolean swapped(long addr) {
        return mapped(addr) && swap.containsKey(Math.floorDiv(addr, PAGE));
    }

    @Override
    public void set(String key, String value) {
        switch (key) {
            case "thp" -> oneOf(key, value, "always", "madvise", "never");
            case "check" -> oneOf(key, value, "off", "changes", "full", "cross");
            case "max_map_count" -> {
                try {
                    if (Long.parseLong(value) < 0) throw new NumberFormatException();
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("max_map_count wants a non-negative number, not '" + value + "'");
                }
            }
            default -> {
                if (!key.matches("mthp (16K|32K|64K|128K|256K|512K|1M|2M)")) {
                    throw new IllegalArgumentException("unknown tunable '" + key + "'");
                }
                oneOf(key, value, "always", "inherit", "madvise", "never");
            }
        }
        tunables.put(key, value);
    }

    private static void oneOf(String key, String value, String... allowed) {
        for (String a : allowed) if (a.equals(value)) return;
        throw new IllegalArgumentException("bad value '" + value + "' for " + key + "; expected " + String.join(", ", allowed));
    }

    @Override
    public long[] counters() {
        return hasCounters ? counters.clone() : null;
    }

    @Override
    public String backend() { return "fake"; }

    @Override
    public void close() { closed = true; }

    // ---- helpers ----

    private void syscall() {
        counters[Event.SYSCALL.ordinal()]++;
        if (++calls == invariantBreaksAtCall) throw new InvariantViolation("planted violation at call " + calls);
    }

    private long fail(int e) {
        errno = e;
        return -1;
    }

    private static long roundUp(long len) {
        return (len + PAGE - 1) & -PAGE;
    }

    private long mappedBytes() {
        long n = 0;
        for (var e : vmas.entrySet()) n += e.getValue()[0] - e.getKey();
        return n;
    }

    private long overlap(long start, long len) {
        long n = 0;
        for (var e : vmas.entrySet()) {
            long s = Math.max(start, e.getKey());
            long t = Math.min(start + len, e.getValue()[0]);
            if (t > s) n += t - s;
        }
        return n;
    }

    private boolean free(long start, long len) {
        return overlap(start, len) == 0;
    }

    private boolean covered(long start, long end) {
        long a = start;
        while (a < end) {
            var v = vmas.floorEntry(a);
            if (v == null || v.getValue()[0] <= a) return false;
            a = v.getValue()[0];
        }
        return true;
    }

    private long findFree(long len) {
        long a = 1L << 32;
        for (var e : vmas.entrySet()) {
            if (e.getValue()[0] <= a) continue;
            if (e.getKey() - a >= len) break;
            a = e.getValue()[0];
        }
        return a;
    }

    /** Splits the VMA containing {@code at} so that a VMA starts there. */
    private void split(long at) {
        var v = vmas.lowerEntry(at);
        if (v != null && v.getValue()[0] > at) {
            long end = v.getValue()[0];
            v.getValue()[0] = at;
            vmas.put(at, new long[] {end, v.getValue()[1]});
        }
    }

    private void unmap(long start, long end) {
        split(start);
        split(end);
        vmas.subMap(start, end).clear();
        if (end - start > limit * 4) {
            pages.keySet().removeIf(p -> p >= start / PAGE && p < end / PAGE);
            swap.keySet().removeIf(p -> p >= start / PAGE && p < end / PAGE);
        } else {
            for (long p = start / PAGE; p < end / PAGE; p++) {
                pages.remove(p);
                swap.remove(p);
            }
        }
    }

    private void move(long from, long oldLen, long newLen, long to, int prot) {
        Map<Long, byte[]> movedPages = new HashMap<>();
        Map<Long, byte[]> movedSwap = new HashMap<>();
        long n = Math.min(oldLen, newLen) / PAGE;
        for (long i = 0; i < n; i++) {
            byte[] b = pages.get(from / PAGE + i);
            if (b != null) movedPages.put(to / PAGE + i, b);
            byte[] s = swap.get(from / PAGE + i);
            if (s != null) movedSwap.put(to / PAGE + i, s);
        }
        counters[Event.PTE_MOVE.ordinal()] += movedPages.size();
        unmap(from, from + oldLen);
        unmap(to, to + newLen);
        vmas.put(to, new long[] {to + newLen, prot});
        pages.putAll(movedPages);
        swap.putAll(movedSwap);
    }

    /** A tiny 64-bit mixer (splitmix64's finaliser) for pattern bytes. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
