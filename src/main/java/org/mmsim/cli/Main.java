package org.mmsim.cli;

import java.io.PrintWriter;

/** The {@code mmsim} executable: runs {@link MmsimCommand} on the process's streams and exits with its status. */
public final class Main {
    private Main() { }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int status = MmsimCommand.execute(args, out, err, BackendFactory.standard(),
                "1".equals(System.getenv("MMSIM_DEBUG")));
        out.flush();
        err.flush();
        System.exit(status);
    }
}
