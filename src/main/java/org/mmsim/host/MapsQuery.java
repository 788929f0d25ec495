package org.mmsim.host;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * VMA lookups through the PROCMAP_QUERY ioctl on /proc/PID/maps (include/uapi/linux/fs.h, Linux 6.11+): the VMA
 * covering an address or the next one, without producing and parsing the text of the whole file. The host backend
 * checks ranges before every fixed mapping and every access; with the ioctl those checks cost microseconds, so a
 * region's wall time is the kernel's work, not ours. Falls back (returns null) where the kernel lacks it.
 */
final class MapsQuery {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle OPEN = handle("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT),
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = handle("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle IOCTL = handle("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
            Linker.Option.firstVariadicArg(2));
    /** _IOWR('f', 17, struct procmap_query): struct of 104 bytes. */
    private static final long PROCMAP_QUERY = 0xC0000000L | (104L << 16) | ('f' << 8) | 17;
    private static final long COVERING_OR_NEXT = 0x10;
    private static final int O_RDONLY_CLOEXEC = 0x80000;

    private static final Map<String, Integer> FDS = new HashMap<>();
    private static final MemorySegment QUERY = Arena.global().allocate(104, 8);
    private static Boolean works;

    private MapsQuery() {}

    private static MethodHandle handle(String name, FunctionDescriptor fd, Linker.Option... o) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), fd, o);
    }

    /** The VMAs intersecting [from, to), or null if the ioctl is not available. */
    static synchronized List<Maps.Area> between(String proc, long from, long to) {
        if (Boolean.FALSE.equals(works)) return null;
        try {
            int fd = fd(proc);
            if (fd < 0) return null;
            List<Maps.Area> out = new ArrayList<>();
            long a = from;
            while (true) {
                QUERY.fill((byte) 0);
                QUERY.set(JAVA_LONG, 0, 104);
                QUERY.set(JAVA_LONG, 8, COVERING_OR_NEXT);
                QUERY.set(JAVA_LONG, 16, a);
                int r = (int) IOCTL.invokeExact(fd, PROCMAP_QUERY, QUERY);
                if (r != 0) {
                    if (works == null) {
                        // ENOTTY on kernels without it; ENOENT (no VMA at or after a) is a normal answer
                        works = probe(fd);
                        if (!works) return null;
                    }
                    break;
                }
                works = true;
                long start = QUERY.get(JAVA_LONG, 24);
                long end = QUERY.get(JAVA_LONG, 32);
                if (Long.compareUnsigned(start, to) >= 0) break;
                long f = QUERY.get(JAVA_LONG, 40);
                out.add(new Maps.Area(start, end, (int) (f & 7), (f & 8) != 0, QUERY.get(JAVA_LONG, 56), ""));
                a = end;
                if (Long.compareUnsigned(a, to) >= 0) break;
            }
            return out;
        } catch (Throwable t) {
            works = false;
            return null;
        }
    }

    /** Does the ioctl exist? Asks about address 0 (ENOENT or an answer: yes; anything else: no). */
    private static boolean probe(int fd) throws Throwable {
        QUERY.fill((byte) 0);
        QUERY.set(JAVA_LONG, 0, 104);
        QUERY.set(JAVA_LONG, 8, COVERING_OR_NEXT);
        int r = (int) IOCTL.invokeExact(fd, PROCMAP_QUERY, QUERY);
        return r == 0;
    }

    private static int fd(String proc) throws Throwable {
        Integer fd = FDS.get(proc);
        if (fd != null) return fd;
        try (Arena a = Arena.ofConfined()) {
            int f = (int) OPEN.invokeExact(a.allocateFrom(proc + "/maps"), O_RDONLY_CLOEXEC);
            if (f >= 0) FDS.put(proc, f);
            return f;
        }
    }

    /** Closes the descriptor of a process that is gone. */
    static synchronized void forget(String proc) {
        Integer fd = FDS.remove(proc);
        if (fd == null) return;
        try {
            int ignored = (int) CLOSE.invokeExact((int) fd);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
