package org.mmsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mmsim.host.HostTestSupport;

/**
 * src/test/resources/oracle/shmem.mms, what Linux 6.18 does with shared anonymous memory (shmem): a read fault maps
 * the cached pages around it (fault-around: a 16-page window cut at the VMA, the PTE table and i_size), an access
 * beyond the object's size is SIGBUS, and a PMD mapping that must be split is unmapped instead; it holds on the model
 * with the checker after every call, and on the host.
 */
class ShmemOracleTest {
    private static final String SCRIPT = "src/test/resources/oracle/shmem.mms";

    @ParameterizedTest
    @ValueSource(strings = {"x86_64", "arm64"})
    void holdsOnTheModel(String arch) {
        String sim = ExecOnlyOracleTest.expectsLine(SCRIPT, "--arch", arch, "--check");
        assertTrue(sim.matches("expects: [1-9][0-9]* passed, 0 failed"), sim);
    }

    @Test
    void holdsOnTheHostAsOnTheModel() {
        HostTestSupport.assumeHostSettings();
        assertEquals(ExecOnlyOracleTest.expectsLine(SCRIPT, "--backend", "sim"),
                ExecOnlyOracleTest.expectsLine(SCRIPT, "--backend", "host"));
    }
}
