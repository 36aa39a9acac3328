package io.vigia.it;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Exit status of a command run in this JVM and what it printed to its standard output and error streams. */
record ConsoleOutput(int status, String stdout, String stderr) {

    /** A command that prints to the two streams it is given and returns an exit status. */
    interface Command {
        int run(PrintStream out, PrintStream err);
    }

    static ConsoleOutput capture(Command command) {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int status = command.run(new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8));
        return new ConsoleOutput(status, stdout.toString(StandardCharsets.UTF_8),
                stderr.toString(StandardCharsets.UTF_8));
    }
}
