package org.mmsim.report;

/** Told before each model run of a reproduce, so a command can show how far it is. */
@FunctionalInterface
public interface Progress {
    /** Run {@code done + 1} of {@code total} starts; {@code what} names it. */
    void step(int done, int total, String what);

    /** Shows nothing. */
    Progress NONE = (d, t, w) -> { };
}
