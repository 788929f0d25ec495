package org.mmsim.workload;

/**
 * A {@link MemoryApi} that passes every call on to another one: the one base for wrappers that change a single
 * call (a sweep fixing the folio size, a test planting a bug).
 */
public class ForwardingMemoryApi implements MemoryApi {
    /** The backend every call goes to. */
    protected final MemoryApi api;

    public ForwardingMemoryApi(MemoryApi api) { this.api = api; }

    @Override public long mmap(long addr, long len, int prot, int flags, int fd, long offset) {
        return api.mmap(addr, len, prot, flags, fd, offset);
    }
    @Override public int munmap(long addr, long len) { return api.munmap(addr, len); }
    @Override public long mremap(long oldAddr, long oldLen, long newLen, int flags, long newAddr) {
        return api.mremap(oldAddr, oldLen, newLen, flags, newAddr);
    }
    @Override public int mprotect(long addr, long len, int prot) { return api.mprotect(addr, len, prot); }
    @Override public int madvise(long addr, long len, int advice) { return api.madvise(addr, len, advice); }
    @Override public long numaHint(long addr, long len) { return api.numaHint(addr, len); }
    @Override public long fork() { return api.fork(); }
    @Override public long switchTo(long handle) { return api.switchTo(handle); }
    @Override public int exit(long handle) { return api.exit(handle); }
    @Override public void inject(String kind, long n) { api.inject(kind, n); }
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
    @Override public byte[] residency(long addr, int pages) { return api.residency(addr, pages); }
    @Override public void set(String key, String value) { api.set(key, value); }
    @Override public void checkAll() { api.checkAll(); }
    @Override public long[] counters() { return api.counters(); }
    @Override public String backend() { return api.backend(); }
    @Override public void close() { api.close(); }
}
