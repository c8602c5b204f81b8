package org.stegoehealth.stack;

import java.nio.file.Path;

/**
 * A service of the embedded stack that runs in a child JVM ({@link ChildJvm}): the broker, the registry, MirrorMaker 2
 * and the streaming apps share its process id, its log, whether it runs and how it stops.
 */
abstract class ChildService implements AutoCloseable {

    final ChildJvm process;

    ChildService(ChildJvm process) {
        this.process = process;
    }

    public long pid() {
        return process.pid();
    }

    /** Its own log: stdout and stderr of the child JVM. */
    public Path logFile() {
        return process.logFile();
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /** Stops it (SIGTERM, then SIGKILL after a grace period) and waits for its process to end. */
    @Override
    public void close() {
        process.close();
    }
}
