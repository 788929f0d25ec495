package org.mmsim.mm;

import java.util.Arrays;

/**
 * The sysfs/sysctl knobs the model honours, with Linux's defaults: {@code transparent_hugepage/enabled},
 * {@code hugepages-<size>kB/enabled} per order, {@code use_zero_page}, {@code vm.max_map_count},
 * {@code vm.mmap_min_addr} (with CONFIG_LSM_MMAP_MIN_ADDR and the caller's CAP_SYS_RAWIO, which decide what it
 * means). Parsing of user values lives here too, so every backend accepts the same words.
 */
public final class Tunables {
    /** Top-level THP mode. */
    public enum Thp { ALWAYS, MADVISE, NEVER }

    /** Per-size mTHP mode. */
    public enum Mthp { ALWAYS, INHERIT, MADVISE, NEVER }

    /** {@code transparent_hugepage/shmem_enabled} (Documentation/admin-guide/mm/transhuge.rst). */
    public enum ShmemThp { ALWAYS, WITHIN_SIZE, ADVISE, NEVER, DENY, FORCE }

    /** Per-size {@code hugepages-<size>kB/shmem_enabled}. */
    public enum ShmemMthp { ALWAYS, INHERIT, WITHIN_SIZE, ADVISE, NEVER }

    /** Smallest and largest order with a per-size knob (8 KiB .. 2 MiB on 4 KiB pages). */
    public static final int MIN_KNOB_ORDER = 1;
    public static final int MAX_KNOB_ORDER = 9;

    public Thp thp = Thp.MADVISE;
    private final Mthp[] mthp = new Mthp[MAX_KNOB_ORDER + 1];
    /** Anonymous shmem top level: Linux boots with {@code never}. */
    public ShmemThp shmemThp = ShmemThp.NEVER;
    private final ShmemMthp[] shmemMthp = new ShmemMthp[MAX_KNOB_ORDER + 1];
    public boolean useZeroPage = true;
    public int maxMapCount = 65530;
    /** {@code vm.mmap_min_addr} (dac_mmap_min_addr): MAP_FIXED below it needs CAP_SYS_RAWIO. */
    public long mmapMinAddr = 4096;
    /**
     * CONFIG_LSM_MMAP_MIN_ADDR (65536 on the reference host and most distributions): the kernel's effective
     * mmap_min_addr is the larger of it and the sysctl, which is where hints are raised to and where placement
     * stops. Enforcing it for MAP_FIXED is SELinux's business (not modelled: the reference host runs without it).
     */
    public long lsmMmapMinAddr = 65536;
    /**
     * The calling process has CAP_SYS_RAWIO (cap_mmap_addr lets it MAP_FIXED below vm.mmap_min_addr, even at 0).
     * Default on: the host backend runs as root and the model must answer as the host does.
     */
    public boolean capSysRawio = true;
    /**
     * The x86-64 CPU has protection keys (X86_FEATURE_OSPKE): the kernel then gives PROT_EXEC-only memory its
     * execute-only key, which user space cannot read or write (arch/x86/mm/pkeys.c). Default on, as on the reference
     * host and current x86-64 CPUs; no effect on arm64, which the model runs without FEAT_EPAN (there PROT_EXEC
     * implies read, as on x86-64 without protection keys).
     */
    public boolean pku = true;

    public Tunables() {
        Arrays.fill(mthp, Mthp.NEVER);
        mthp[MAX_KNOB_ORDER] = Mthp.INHERIT;
        // shmem_init: without a boot-time setting only the PMD size inherits the top level.
        Arrays.fill(shmemMthp, ShmemMthp.NEVER);
        shmemMthp[MAX_KNOB_ORDER] = ShmemMthp.INHERIT;
    }

    public ShmemMthp shmemMthp(int order) { return shmemMthp[order]; }

    public Mthp mthp(int order) { return mthp[order]; }

    /** The kernel's mmap_min_addr: max(vm.mmap_min_addr, CONFIG_LSM_MMAP_MIN_ADDR) (security/min_addr.c). */
    public long effectiveMmapMinAddr() { return Math.max(mmapMinAddr, lsmMmapMinAddr); }

    public void setMthp(int order, Mthp mode) { mthp[order] = mode; }

    /**
     * Applies {@code key = value} as a script's {@code set} statement gives it: {@code thp}, {@code mthp 64K},
     * {@code max_map_count}, {@code use_zero_page}, {@code mmap_min_addr}, {@code lsm_mmap_min_addr},
     * {@code cap_sys_rawio}, {@code pku}. Throws IllegalArgumentException with a user-facing message.
     */
    public void set(String key, String value) {
        String k = key.trim();
        String v = value.trim().toLowerCase();
        if (k.equals("shmem_thp")) {
            shmemThp = parseEnum(ShmemThp.class, v, "shmem_thp");
        } else if (k.startsWith("shmem_mthp")) {
            int order = orderOfSize(k.substring(10).trim());
            shmemMthp[order] = parseEnum(ShmemMthp.class, v, k);
        } else if (k.equals("thp")) {
            thp = parseEnum(Thp.class, v, "thp");
        } else if (k.startsWith("mthp")) {
            int order = orderOfSize(k.substring(4).trim());
            mthp[order] = parseEnum(Mthp.class, v, k);
        } else if (k.equals("max_map_count")) {
            long n = parseLong(v, k);
            if (n < 0 || n > Integer.MAX_VALUE) throw new IllegalArgumentException("max_map_count out of range: " + value);
            maxMapCount = (int) n;
        } else if (k.equals("use_zero_page")) {
            useZeroPage = parseLong(v, k) != 0;
        } else if (k.equals("mmap_min_addr") || k.equals("lsm_mmap_min_addr")) {
            long n = parseLong(v, k);
            if (n < 0) throw new IllegalArgumentException(k + " must not be negative: " + value);
            if (k.equals("mmap_min_addr")) mmapMinAddr = n;
            else lsmMmapMinAddr = n;
        } else if (k.equals("cap_sys_rawio")) {
            long n = parseLong(v, k);
            if (n != 0 && n != 1) throw new IllegalArgumentException("cap_sys_rawio is 0 or 1, got '" + value + "'");
            capSysRawio = n == 1;
        } else if (k.equals("pku")) {
            long n = parseLong(v, k);
            if (n != 0 && n != 1) throw new IllegalArgumentException("pku is 0 or 1, got '" + value + "'");
            pku = n == 1;
        } else {
            throw new IllegalArgumentException("unknown tunable '" + k + "'; known: thp, mthp <size>, shmem_thp, "
                    + "shmem_mthp <size>, max_map_count, use_zero_page, mmap_min_addr, lsm_mmap_min_addr, cap_sys_rawio, pku");
        }
    }

    /** The order of an mTHP size such as {@code 64K} or {@code 2M} (8K..2M). */
    public static int orderOfSize(String size) {
        String s = size.toUpperCase();
        long bytes;
        try {
            if (s.endsWith("KB")) s = s.substring(0, s.length() - 1);
            if (s.endsWith("K")) bytes = Long.parseLong(s.substring(0, s.length() - 1)) << 10;
            else if (s.endsWith("M")) bytes = Long.parseLong(s.substring(0, s.length() - 1)) << 20;
            else bytes = Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad mTHP size '" + size + "'; use 8K, 16K, ..., 1M, 2M");
        }
        for (int o = MIN_KNOB_ORDER; o <= MAX_KNOB_ORDER; o++) if (bytes == 4096L << o) return o;
        throw new IllegalArgumentException("no mTHP size '" + size + "'; sizes are 8K, 16K, 32K, 64K, 128K, 256K, 512K, 1M, 2M");
    }

    private static long parseLong(String v, String key) {
        try {
            return parseNumber(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " needs a number, got '" + v + "'");
        }
    }

    /** A number as users write it: decimal, 0x hex, or with a binary size suffix K, M, G, T. */
    public static long parseNumber(String text) {
        String s = text.trim().toUpperCase();
        int shift = 0;
        if (!s.isEmpty() && !s.startsWith("0X")) {
            char last = s.charAt(s.length() - 1);
            shift = switch (last) {
                case 'K' -> 10;
                case 'M' -> 20;
                case 'G' -> 30;
                case 'T' -> 40;
                default -> 0;
            };
            if (shift != 0) s = s.substring(0, s.length() - 1);
        }
        long v = Long.decode(s);
        if (shift != 0 && (v > (Long.MAX_VALUE >> shift) || v < 0)) throw new NumberFormatException("size overflows: " + text);
        return v << shift;
    }

    private static <E extends Enum<E>> E parseEnum(Class<E> c, String v, String key) {
        for (E e : c.getEnumConstants()) if (e.name().equalsIgnoreCase(v)) return e;
        StringBuilder sb = new StringBuilder();
        for (E e : c.getEnumConstants()) sb.append(sb.length() == 0 ? "" : "|").append(e.name().toLowerCase());
        throw new IllegalArgumentException("bad value '" + v + "' for " + key + "; use " + sb);
    }
}
