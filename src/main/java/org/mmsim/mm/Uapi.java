package org.mmsim.mm;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The user-space ABI constants of the calls we model (include/uapi/asm-generic/mman-common.h, mman.h,
 * linux/mman.h); x86-64 and arm64 share these values.
 */
public final class Uapi {
    private Uapi() {}

    public static final int PROT_NONE = 0x0;
    public static final int PROT_READ = 0x1;
    public static final int PROT_WRITE = 0x2;
    public static final int PROT_EXEC = 0x4;
    public static final int PROT_SEM = 0x8;
    public static final int PROT_GROWSDOWN = 0x01000000;
    public static final int PROT_GROWSUP = 0x02000000;

    public static final int MAP_SHARED = 0x01;
    public static final int MAP_PRIVATE = 0x02;
    public static final int MAP_SHARED_VALIDATE = 0x03;
    public static final int MAP_TYPE = 0x0f;
    public static final int MAP_DROPPABLE = 0x08;
    public static final int MAP_FIXED = 0x10;
    public static final int MAP_ANONYMOUS = 0x20;
    public static final int MAP_ANON = MAP_ANONYMOUS;
    public static final int MAP_32BIT = 0x40;
    public static final int MAP_GROWSDOWN = 0x0100;
    public static final int MAP_DENYWRITE = 0x0800;
    public static final int MAP_EXECUTABLE = 0x1000;
    public static final int MAP_LOCKED = 0x2000;
    public static final int MAP_NORESERVE = 0x4000;
    public static final int MAP_POPULATE = 0x008000;
    public static final int MAP_NONBLOCK = 0x010000;
    public static final int MAP_STACK = 0x020000;
    public static final int MAP_HUGETLB = 0x040000;
    public static final int MAP_SYNC = 0x080000;
    public static final int MAP_FIXED_NOREPLACE = 0x100000;
    public static final int MAP_UNINITIALIZED = 0x4000000;

    public static final int MREMAP_MAYMOVE = 1;
    public static final int MREMAP_FIXED = 2;
    public static final int MREMAP_DONTUNMAP = 4;

    public static final int MADV_NORMAL = 0;
    public static final int MADV_RANDOM = 1;
    public static final int MADV_SEQUENTIAL = 2;
    public static final int MADV_WILLNEED = 3;
    public static final int MADV_DONTNEED = 4;
    public static final int MADV_FREE = 8;
    public static final int MADV_REMOVE = 9;
    public static final int MADV_DONTFORK = 10;
    public static final int MADV_DOFORK = 11;
    public static final int MADV_MERGEABLE = 12;
    public static final int MADV_UNMERGEABLE = 13;
    public static final int MADV_HUGEPAGE = 14;
    public static final int MADV_NOHUGEPAGE = 15;
    public static final int MADV_DONTDUMP = 16;
    public static final int MADV_DODUMP = 17;
    public static final int MADV_WIPEONFORK = 18;
    public static final int MADV_KEEPONFORK = 19;
    public static final int MADV_COLD = 20;
    public static final int MADV_PAGEOUT = 21;
    public static final int MADV_POPULATE_READ = 22;
    public static final int MADV_POPULATE_WRITE = 23;
    public static final int MADV_DONTNEED_LOCKED = 24;
    public static final int MADV_COLLAPSE = 25;
    public static final int MADV_HWPOISON = 100;
    public static final int MADV_SOFT_OFFLINE = 101;
    public static final int MADV_GUARD_INSTALL = 102;
    public static final int MADV_GUARD_REMOVE = 103;

    public static final long PAGE_SIZE = 4096;
    public static final long PMD_SIZE = 2L << 20;
    public static final long PUD_SIZE = 1L << 30;

    private static final Map<String, Long> CONSTANTS = collect(Uapi.class, "");

    /** Every constant above by its C name (PROT_*, MAP_*, MREMAP_*, MADV_*, PAGE_SIZE, PMD_SIZE, PUD_SIZE). */
    public static Map<String, Long> constants() { return CONSTANTS; }

    static Map<String, Long> collect(Class<?> c, String prefix) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (Field f : c.getDeclaredFields()) {
            int mod = f.getModifiers();
            if (!Modifier.isStatic(mod) || !Modifier.isPublic(mod) || !f.getName().startsWith(prefix)) continue;
            try {
                Object v = f.get(null);
                if (v instanceof Integer i) m.put(f.getName(), (long) i);
                else if (v instanceof Long l) m.put(f.getName(), l);
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        }
        return Collections.unmodifiableMap(m);
    }
}
