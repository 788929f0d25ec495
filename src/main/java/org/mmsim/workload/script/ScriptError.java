package org.mmsim.workload.script;

/**
 * A parse error or a script runtime error (undefined name, division by zero, a tunable the backend refused):
 * the script itself is wrong. Carries the file, line and column of the offending token; the command line prints
 * {@link #getMessage()} ({@code FILE:LINE:COL: message}) and exits 2.
 */
public final class ScriptError extends RuntimeException {
    private final String file;
    private final int line;
    private final int col;
    private final String reason;

    public ScriptError(String file, int line, int col, String reason) {
        super(file + ":" + line + ":" + col + ": " + reason, null, false, false);
        this.file = file;
        this.line = line;
        this.col = col;
        this.reason = reason;
    }

    /** An error at {@code at} in the script {@code file}. */
    public ScriptError(String file, Span at, String reason) {
        this(file, at.line(), at.col(), reason);
    }

    /** The script's name as given (usually its path). */
    public String file() { return file; }

    /** 1-based line of the error. */
    public int line() { return line; }

    /** 1-based column of the error. */
    public int col() { return col; }

    /** The message without the position. */
    public String reason() { return reason; }
}
