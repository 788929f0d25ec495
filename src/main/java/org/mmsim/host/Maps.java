package org.mmsim.host;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The VMAs of the JVM process as the kernel lists them in /proc/self/maps. The file is produced as it is read, in
 * address order, so a query up to some address reads only the lines below it: a query about the window (which
 * lies below the JVM's own binary and libraries) costs a few lines, not the whole file.
 */
final class Maps {
    private Maps() {}

    /** One line of /proc/self/maps: [start, end), PROT bits, shared ('s'), the name column (may be empty). */
    record Area(long start, long end, int prot, boolean shared, long offset, String name) {
        boolean readable() { return prot != 0; }
        boolean writable() { return (prot & 2) != 0; }
    }

    /** The VMAs of the JVM that intersect [from, to), in address order. */
    static List<Area> between(long from, long to) {
        return between("/proc/self", from, to);
    }

    /** The VMAs of process {@code proc} (a /proc directory) that intersect [from, to), in address order. */
    static List<Area> between(String proc, long from, long to) {
        List<Area> out = new ArrayList<>();
        byte[] buf = new byte[1 << 16];
        int have = 0;
        try (FileInputStream in = new FileInputStream(proc + "/maps")) {
            while (true) {
                int n = in.read(buf, have, buf.length - have);
                if (n > 0) have += n;
                int lineStart = 0;
                for (int i = 0; i < have; i++) {
                    if (buf[i] != '\n') continue;
                    Area a = parse(buf, lineStart, i);
                    lineStart = i + 1;
                    if (Long.compareUnsigned(a.start, to) >= 0) return out;
                    if (Long.compareUnsigned(a.end, from) > 0) out.add(a);
                }
                System.arraycopy(buf, lineStart, buf, 0, have - lineStart);
                have -= lineStart;
                if (n < 0) return out;
                if (have == buf.length) throw new IllegalStateException("a /proc/self/maps line longer than 64 KiB");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + proc + "/maps", e);
        }
    }

    /** The VMA of process {@code proc} covering addr, or null. */
    static Area at(String proc, long addr) {
        List<Area> l = between(proc, addr, addr + 1);
        return l.isEmpty() ? null : l.get(0);
    }

    private static Area parse(byte[] b, int from, int to) {
        int i = from;
        long start = 0;
        while (b[i] != '-') start = (start << 4) | hex(b[i++]);
        i++;
        long end = 0;
        while (b[i] != ' ') end = (end << 4) | hex(b[i++]);
        i++;
        int prot = (b[i] == 'r' ? 1 : 0) | (b[i + 1] == 'w' ? 2 : 0) | (b[i + 2] == 'x' ? 4 : 0);
        boolean shared = b[i + 3] == 's';
        i += 5;
        long offset = 0;
        while (b[i] != ' ') offset = (offset << 4) | hex(b[i++]);
        // dev, inode, then the name padded with spaces
        int fields = 1;
        while (i < to && fields < 4) {
            if (b[i] == ' ') {
                fields++;
                while (i < to && b[i] == ' ') i++;
                if (fields == 4) break;
            } else {
                i++;
            }
        }
        String name = i < to ? new String(b, i, to - i, java.nio.charset.StandardCharsets.UTF_8) : "";
        return new Area(start, end, prot, shared, offset, name);
    }

    private static int hex(byte c) {
        return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
    }
}
