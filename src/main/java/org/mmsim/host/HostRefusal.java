package org.mmsim.host;

/**
 * The host backend will not do what the script asked: an address outside the window, memory the script did not
 * get from the kernel, a setting the host does not let it change (then {@link #environment()} is true: the
 * machine, not the script, is the cause). The message says which and why; nothing was pretended.
 */
public final class HostRefusal extends RuntimeException {
    private final boolean environment;

    HostRefusal(String message, boolean environment) {
        super(message, null, false, false);
        this.environment = environment;
    }

    /** True when the host lacks a permission or facility, false when the script asked for something refused. */
    public boolean environment() { return environment; }
}
