package org.mmsim.difftest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.mmsim.mm.Errno;
import org.mmsim.mm.Uapi;

/** Writes numbers, addresses and flag words the way a person writes them in a {@code .mms} script. */
final class Fmt {
    private Fmt() {}

    /** The name the scripts give the window's base. */
    static final String BASE = "W";

    /** An address: {@code W + 0x3000} inside (or just around) the window, a hex literal elsewhere. */
    static String addr(Window w, long a) {
        long off = a - w.base();
        if (off == 0) return BASE;
        if (off > 0 && off <= w.size() + Window.GUARD) return BASE + " + " + hex(off);
        if (off < 0 && off >= -Window.GUARD) return BASE + " - " + hex(-off);
        return hex(a);
    }

    /** A length: {@code 2M}, {@code 64K}, a small decimal, or a literal that reads back to the same 64 bits. */
    static String size(long n) {
        if (n < 0) return n == Long.MIN_VALUE ? "0x8000000000000000" : "-" + size(-n);
        if (n != 0 && n % (1L << 30) == 0) return (n >> 30) + "G";
        if (n != 0 && n % (1L << 20) == 0) return (n >> 20) + "M";
        if (n != 0 && n % 1024 == 0) return (n >> 10) + "K";
        return n < 4096 ? Long.toString(n) : hex(n);
    }

    static String hex(long v) { return "0x" + Long.toHexString(v); }

    static String prot(int p) { return bits(p, "PROT_", "PROT_NONE", List.of("PROT_GROWSDOWN", "PROT_GROWSUP")); }

    static String mapFlags(int f) {
        // MAP_PRIVATE|MAP_SHARED is MAP_SHARED_VALIDATE; name the type first, then the flags.
        int type = f & Uapi.MAP_TYPE;
        String t = switch (type) {
            case Uapi.MAP_SHARED -> "MAP_SHARED";
            case Uapi.MAP_PRIVATE -> "MAP_PRIVATE";
            case Uapi.MAP_SHARED_VALIDATE -> "MAP_SHARED_VALIDATE";
            case 0 -> null;
            default -> hex(type);
        };
        String rest = bits(f & ~Uapi.MAP_TYPE, "MAP_", null,
                List.of("MAP_TYPE", "MAP_SHARED", "MAP_PRIVATE", "MAP_SHARED_VALIDATE", "MAP_ANON", "MAP_DROPPABLE"));
        if (t == null) return rest == null ? "0" : rest;
        return rest == null ? t : t + "|" + rest;
    }

    static String mremapFlags(int f) { String s = bits(f, "MREMAP_", null, List.of()); return s == null ? "0" : s; }

    static String advice(int a) {
        for (var e : Uapi.constants().entrySet())
            if (e.getKey().startsWith("MADV_") && e.getValue() == a) return e.getKey();
        return Integer.toString(a);
    }

    static String errno(int e) { return Errno.name(e); }

    /** The single-bit constants of {@code prefix} that make up {@code v}, joined by |, and any remaining bits in hex. */
    private static String bits(int v, String prefix, String zero, List<String> skip) {
        if (v == 0) return zero;
        List<String> parts = new ArrayList<>();
        int left = v;
        for (Map.Entry<String, Long> e : Uapi.constants().entrySet()) {
            long c = e.getValue();
            if (!e.getKey().startsWith(prefix) || skip.contains(e.getKey()) || c == 0 || Long.bitCount(c) != 1) continue;
            if ((left & c) != 0) {
                parts.add(e.getKey());
                left &= (int) ~c;
            }
        }
        if (left != 0) parts.add(hex(left & 0xffffffffL));
        return String.join("|", parts);
    }
}
