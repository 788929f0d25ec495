package org.mmsim.workload;

/** A user access that needed memory the machine did not have: the process would be OOM-killed. */
public final class OutOfMemory extends RuntimeException {
    public OutOfMemory(long addr) {
        super(String.format("out of memory: fault at 0x%x could not allocate a page (process would be OOM-killed)", addr), null, false, false);
    }
}
