package org.mmsim.cli;

/** The exit statuses of {@code mmsim}; every command returns one of these. */
public final class Exit {
    private Exit() { }

    /** Everything held. */
    public static final int OK = 0;
    /** An expect failed, an unexpected SIGSEGV or SIGBUS stopped the script, or the model broke an invariant. */
    public static final int FAILED = 1;
    /** Bad command line, unreadable or invalid script, or a script runtime error. */
    public static final int USAGE = 2;
    /** The environment cannot run the request (reserved, e.g. a host feature that is missing). */
    public static final int ENVIRONMENT = 3;
    /** A bug in mmsim: an exception nobody expected (EX_SOFTWARE of sysexits.h). */
    public static final int INTERNAL = 70;
}
