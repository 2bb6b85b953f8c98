package io.transferbench.runtime;

import io.transferbench.runtime.internal.cli.TransferbenchCommand;

/** {@code transferbench}: the command-line entry point. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(TransferbenchCommand.execute(args));
    }
}
