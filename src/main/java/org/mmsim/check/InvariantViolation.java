package org.mmsim.check;

/** The model broke one of its invariants (KERNEL_FACTS §9.3): a bug in the model or in a planted variant. */
public final class InvariantViolation extends RuntimeException {
    public InvariantViolation(String message) {
        super(message);
    }
}
