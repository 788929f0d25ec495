package org.mmsim.cli;

import org.mmsim.host.HostBackend;
import org.mmsim.mm.FeatureSet;
import org.mmsim.workload.Backends;
import org.mmsim.workload.MemoryApi;

/**
 * Where commands get a {@link MemoryApi} from. {@link #open} is the one switch over {@code --backend}; the
 * simulated machine itself comes from {@link #sim}, which tests replace with an in-memory fake.
 */
@FunctionalInterface
public interface BackendFactory {
    /** A simulated machine (see {@link Backends#sim}); IllegalArgumentException for an unknown arch. */
    MemoryApi sim(String arch, FeatureSet features, boolean check);

    /**
     * The backend named by {@code --backend}. Throws IllegalArgumentException, with the message the user sees,
     * for an unknown backend or an unknown arch; {@link org.mmsim.host.HostRefusal} when the host backend cannot
     * run here (not Linux, no free address window).
     */
    default MemoryApi open(String backend, String arch, FeatureSet features, boolean check) {
        return switch (backend) {
            case "sim" -> sim(arch, features, check);
            case "host" -> HostBackend.open();
            default -> throw new IllegalArgumentException("unknown backend '" + backend + "'; known: sim, host");
        };
    }

    /** The real backends. */
    static BackendFactory standard() {
        return Backends::sim;
    }
}
