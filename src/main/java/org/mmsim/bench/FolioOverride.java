package org.mmsim.bench;

import org.mmsim.workload.MemoryApi;

/**
 * A backend whose anonymous folio size is fixed by a sweep: the THP/mTHP tunables are set once, to the sweep's
 * folio size, and the script's own {@code set thp} / {@code set mthp} are ignored, so that one script runs with
 * each folio size of the grid. Every other call goes to the backend unchanged.
 */
final class FolioOverride implements MemoryApi {
    private final MemoryApi api;

    FolioOverride(MemoryApi api, long folio) {
        this.api = api;
        Machine.folio(api::set, folio);
    }

    @Override public void set(String key, String value) {
        String k = key.trim();
        if (k.equals("thp") || k.startsWith("mthp ")) return;
        api.set(key, value);
    }

    @Override public long mmap(long addr, long len, int prot, int flags, int fd, long offset) {
        return api.mmap(addr, len, prot, flags, fd, offset);
    }
    @Override public int munmap(long addr, long len) { return api.munmap(addr, len); }
    @Override public long mremap(long oldAddr, long oldLen, long newLen, int flags, long newAddr) {
        return api.mremap(oldAddr, oldLen, newLen, flags, newAddr);
    }
    @Override public int mprotect(long addr, long len, int prot) { return api.mprotect(addr, len, prot); }
    @Override public int madvise(long addr, long len, int advice) { return api.madvise(addr, len, advice); }
    @Override public long fork() { return api.fork(); }
    @Override public long switchTo(long handle) { return api.switchTo(handle); }
    @Override public int exit(long handle) { return api.exit(handle); }
    @Override public int errno() { return api.errno(); }
    @Override public void memset(long addr, int c, long len) { api.memset(addr, c, len); }
    @Override public void poke(long addr, int value) { api.poke(addr, value); }
    @Override public int peek(long addr) { return api.peek(addr); }
    @Override public void pattern(long addr, long len, long seed) { api.pattern(addr, len, seed); }
    @Override public long checksum(long addr, long len) { return api.checksum(addr, len); }
    @Override public boolean mapped(long addr) { return api.mapped(addr); }
    @Override public int prot(long addr) { return api.prot(addr); }
    @Override public int vmas(long addr, long len) { return api.vmas(addr, len); }
    @Override public long[] layout(long addr, long len) { return api.layout(addr, len); }
    @Override public boolean present(long addr) { return api.present(addr); }
    @Override public boolean swapped(long addr) { return api.swapped(addr); }
    @Override public long[] counters() { return api.counters(); }
    @Override public String backend() { return api.backend(); }
    @Override public void close() { api.close(); }
}
