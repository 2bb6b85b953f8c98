package io.transferbench.runtime.internal.sweep;

import java.io.IOException;

/** A sweep that cannot run as set up: the message says what is wrong and what would work. */
public final class SweepException extends IOException {

    private static final long serialVersionUID = 1L;

    public SweepException(String message) {
        super(message);
    }
}
