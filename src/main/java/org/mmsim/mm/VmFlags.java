package org.mmsim.mm;

/** vm_flags bits (include/linux/mm.h) that the model uses. */
public final class VmFlags {
    private VmFlags() {}

    public static final long VM_READ = 0x1;
    public static final long VM_WRITE = 0x2;
    public static final long VM_EXEC = 0x4;
    public static final long VM_SHARED = 0x8;
    public static final long VM_MAYREAD = 0x10;
    public static final long VM_MAYWRITE = 0x20;
    public static final long VM_MAYEXEC = 0x40;
    public static final long VM_MAYSHARE = 0x80;
    public static final long VM_GROWSDOWN = 0x100;
    public static final long VM_PFNMAP = 0x400;
    public static final long VM_LOCKED = 0x2000;
    public static final long VM_IO = 0x4000;
    public static final long VM_SEQ_READ = 0x8000;
    public static final long VM_RAND_READ = 0x10000;
    public static final long VM_DONTCOPY = 0x20000;
    public static final long VM_DONTEXPAND = 0x40000;
    public static final long VM_LOCKONFAULT = 0x80000;
    public static final long VM_ACCOUNT = 0x100000;
    public static final long VM_NORESERVE = 0x200000;
    public static final long VM_HUGETLB = 0x400000;
    public static final long VM_SYNC = 0x800000;
    public static final long VM_WIPEONFORK = 0x2000000;
    public static final long VM_DONTDUMP = 0x4000000;
    public static final long VM_SOFTDIRTY = 0x8000000;
    public static final long VM_MIXEDMAP = 0x10000000;
    public static final long VM_HUGEPAGE = 0x20000000;
    public static final long VM_NOHUGEPAGE = 0x40000000;
    public static final long VM_MERGEABLE = 0x80000000L;
    /** VM_PKEY_BIT0..3 (VM_HIGH_ARCH_0..3): the VMA's protection key. */
    public static final int VM_PKEY_SHIFT = 32;
    public static final long VM_PKEY_MASK = 0xFL << VM_PKEY_SHIFT;

    /** VMAs that never merge (VM_SPECIAL). */
    public static final long VM_SPECIAL = VM_IO | VM_DONTEXPAND | VM_PFNMAP | VM_MIXEDMAP;
    /** Flags ignored when deciding whether two VMAs can merge (VM_IGNORE_MERGE). */
    public static final long VM_IGNORE_MERGE = VM_SOFTDIRTY;
    public static final long VM_ACCESS_FLAGS = VM_READ | VM_WRITE | VM_EXEC;

    /** calc_vm_prot_bits: PROT_* to VM_READ/WRITE/EXEC. */
    public static long fromProt(int prot) {
        long f = 0;
        if ((prot & Uapi.PROT_READ) != 0) f |= VM_READ;
        if ((prot & Uapi.PROT_WRITE) != 0) f |= VM_WRITE;
        if ((prot & Uapi.PROT_EXEC) != 0) f |= VM_EXEC;
        return f;
    }

    /** The PROT_* bits of vm_flags. */
    public static int toProt(long flags) {
        int p = 0;
        if ((flags & VM_READ) != 0) p |= Uapi.PROT_READ;
        if ((flags & VM_WRITE) != 0) p |= Uapi.PROT_WRITE;
        if ((flags & VM_EXEC) != 0) p |= Uapi.PROT_EXEC;
        return p;
    }
}
