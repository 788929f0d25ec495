package org.mmsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.mmsim.host.HostBackend;
import org.mmsim.host.HostTestSupport;

/**
 * src/test/resources/oracle/exec-only.mms, what Linux 6.18 does with execute-only memory on an x86-64 CPU with
 * protection keys, holds on the model (with the checker after every call) and, where the CPU has them, on the host.
 */
class ExecOnlyOracleTest {
    private static final String SCRIPT = "src/test/resources/oracle/exec-only.mms";

    private static String run(String... extra) { return expectsLine(SCRIPT, extra); }

    /** Runs {@code script} with {@code extra} options, asserts it held, returns its {@code expects:} line. */
    static String expectsLine(String script, String... extra) {
        String[] args = new String[2 + extra.length];
        args[0] = "run";
        args[1] = script;
        System.arraycopy(extra, 0, args, 2, extra.length);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = MmsimCommand.execute(args, new PrintWriter(out), new PrintWriter(err), BackendFactory.standard(), false);
        assertEquals(0, status, () -> String.join(" ", args) + "\n" + err + out);
        return out.toString().lines().filter(l -> l.startsWith("expects:")).findFirst().orElse("no expects line");
    }

    @Test
    void holdsOnTheModel() {
        String sim = run("--arch", "x86_64", "--check");
        assertTrue(sim.matches("expects: [1-9][0-9]* passed, 0 failed"), sim);
    }

    @Test
    void holdsOnTheHostAsOnTheModel() {
        HostTestSupport.assumeHostSettings();
        Assumptions.assumeTrue(System.getProperty("os.arch", "").matches("amd64|x86_64"), "not x86-64");
        Assumptions.assumeTrue(HostBackend.cpuHasProtectionKeys(), "this CPU has no protection keys (ospke)");
        assertEquals(run("--backend", "sim", "--arch", "x86_64"), run("--backend", "host"));
    }
}
