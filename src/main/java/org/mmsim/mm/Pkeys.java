package org.mmsim.mm;

import org.mmsim.arch.Arch;

/**
 * Protection keys as far as the kernel uses them by itself (arch/x86/mm/pkeys.c): on an x86-64 CPU with protection
 * keys, PROT_EXEC-only memory gets the mm's execute-only key, which PKRU denies every data access, so the memory can
 * be executed but not read or written. The model has no pkey_alloc or pkey_mprotect, so that key is the first one
 * mm_pkey_alloc hands out (key 0 is every mm's default) and the only key other than 0 a VMA can have. A forked
 * child inherits the VMAs' keys and the parent's PKRU.
 */
final class Pkeys {
    private Pkeys() {}

    /** ARCH_DEFAULT_PKEY. */
    static final int DEFAULT = 0;
    /** The execute-only key: the first one mm_pkey_alloc hands out. */
    static final int EXEC_ONLY = 1;

    /** True if the machine gives PROT_EXEC-only memory the execute-only key (x86-64 with protection keys). */
    static boolean execOnlyKeys(MmEnv env) {
        return env.arch == Arch.X86_64 && env.tunables.pku;
    }

    /** do_mmap: the key of a new mapping with protection prot. */
    static int forMmap(MmEnv env, int prot) {
        return prot == Uapi.PROT_EXEC && execOnlyKeys(env) ? EXEC_ONLY : DEFAULT;
    }

    /** arch_override_mprotect_pkey for a plain mprotect of v to prot: the key v gets. */
    static int forMprotect(MmEnv env, Vma v, int prot) {
        if (prot == Uapi.PROT_EXEC && execOnlyKeys(env)) return EXEC_ONLY;
        // an execute-only mapping that is no longer PROT_EXEC-only goes back to the default key
        if ((v.flags & VmFlags.VM_ACCESS_FLAGS) == VmFlags.VM_EXEC && v.pkey() == EXEC_ONLY) return DEFAULT;
        return v.pkey();
    }

    /** vm_flags with their key replaced by pkey (calc_vm_prot_bits' key bits). */
    static long withKey(long flags, int pkey) {
        return (flags & ~VmFlags.VM_PKEY_MASK) | ((long) pkey << VmFlags.VM_PKEY_SHIFT);
    }

    /**
     * arch_vma_access_permitted for a data access by the process itself: PKRU allows it only through key 0 (the
     * execute-only key is access-disabled).
     */
    static boolean dataAccessPermitted(Vma v) {
        return v.pkey() == DEFAULT;
    }
}
