package org.mmsim.workload;

import org.mmsim.mm.FeatureSet;

/** Creates backends by name; the one place the CLI and tests get a {@link MemoryApi} from. */
public final class Backends {
    private Backends() {}

    /**
     * A simulated machine: {@code arch} is x86_64 or arm64; {@code check} runs the invariant checker
     * after every call (a violation throws {@link org.mmsim.check.InvariantViolation}).
     * Throws IllegalArgumentException for an unknown arch.
     */
    public static MemoryApi sim(String arch, FeatureSet features, boolean check) {
        return new SimBackend(org.mmsim.arch.Arch.byName(arch), features, check);
    }
}
