package io.transferbench.runtime.internal.pipeline;

import java.io.IOException;

/**
 * A run folder that cannot be continued as it is: the message names the file, what is wrong with it and
 * what to do. Thrown before anything in the folder is changed.
 */
public final class RunFolderException extends IOException {

    private static final long serialVersionUID = 1L;

    public RunFolderException(String message) {
        super(message);
    }
}
