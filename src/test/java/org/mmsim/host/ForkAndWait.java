package org.mmsim.host;

/**
 * A JVM for HostKillTest: opens the host backend, changes thp, forks two children that touch the script's memory,
 * prints their pids and waits to be killed.
 */
public final class ForkAndWait {
    private ForkAndWait() {}

    public static void main(String[] args) throws Exception {
        HostBackend h = HostBackend.open();
        h.set("thp", args[0]);
        long p = h.mmap(1L << 30, 1 << 20, 3, 0x22, -1, 0);
        h.memset(p, 1, 1 << 20);
        long a = h.fork();
        long b = h.fork();
        h.switchTo(a);
        h.memset(p, 2, 1 << 20);
        h.switchTo(0);
        System.out.println(h.procDir(a) + " " + h.procDir(b));
        System.out.flush();
        Thread.sleep(600_000);
    }
}
