package org.mmsim.cost;

/** A profile file that cannot be used: the message names the file and the field at fault. */
public final class ProfileError extends Exception {
    public ProfileError(String message) {
        super(message, null, false, false);
    }
}
