package io.transferbench.runtime.internal.data;

import java.nio.file.Path;

/** Missing or damaged data: which file, what was expected, and how to get it. Bad input, exit 2. */
public final class DataException extends Exception {

    private static final long serialVersionUID = 1L;

    public DataException(Path file, String problem, String remedy) {
        super(file + ": " + problem + (remedy.isEmpty() ? "" : "; " + remedy));
    }

    /** A problem with how the task cuts the data rather than with a file. */
    public DataException(String problem) {
        super(problem);
    }
}
