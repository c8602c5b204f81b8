package org.stegoehealth.stack.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The working folder of one run of {@code stego demo}, {@code chaos} or {@code bench pipeline}, held for the run: a
 * lock on {@value #LOCK_FILE} in it ({@link FileChannel#tryLock}, released by the operating system if the process
 * dies) holding the process id. A second run on a folder in use is refused, naming the holder's pid; a folder that
 * holds an earlier run's data (a stack, Streams state, keys, a report) is refused unless the run was asked to wipe it
 * ({@code --fresh}), so nothing is deleted that the user did not ask to delete.
 */
public final class WorkDir implements AutoCloseable {

    /** The lock file; it stays in the folder between runs and is the one entry that is not data. */
    public static final String LOCK_FILE = ".stego-run.lock";

    /**
     * Folders held by this process. A second claim from the same process is refused here, before a channel is opened:
     * on Linux, closing any channel of a file releases every lock the process holds on it.
     */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;

    private WorkDir(Path dir, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Creates {@code dir} if needed and locks it for this process.
     *
     * @param fresh wipe what an earlier run left in it (otherwise such a folder is refused)
     * @throws PipelineException one line: the folder is in use (with the holder's pid), or holds an earlier run's data
     */
    public static WorkDir claim(Path dir, boolean fresh) {
        Path folder = dir.toAbsolutePath().normalize();
        if (!HELD.add(folder)) {
            throw inUse(folder, Long.toString(ProcessHandle.current().pid()));
        }
        FileChannel channel = null;
        try {
            Files.createDirectories(folder);
            Path lockFile = folder.resolve(LOCK_FILE);
            channel = FileChannel.open(
                    lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw inUse(
                        folder,
                        Files.readString(lockFile, StandardCharsets.UTF_8).strip());
            }
            WorkDir held = new WorkDir(folder, channel, lock);
            try {
                held.writeHolder(Long.toString(ProcessHandle.current().pid()));
                List<Path> data = held.data();
                if (!data.isEmpty()) {
                    if (!fresh) {
                        throw new PipelineException(folder + " holds data of an earlier run ("
                                + String.join(
                                        ", ",
                                        data.stream()
                                                .map(p -> p.getFileName().toString())
                                                .toList())
                                + "); give --fresh to wipe it first, or another --work-dir");
                    }
                    for (Path p : data) {
                        PipelineCluster.deleteTree(p);
                    }
                }
                return held;
            } catch (RuntimeException | IOException e) {
                held.release();
                throw e;
            }
        } catch (IOException e) {
            closeQuietly(channel);
            HELD.remove(folder);
            throw new PipelineException("cannot use " + folder + " as the work directory: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            HELD.remove(folder);
            throw e;
        }
    }

    private static PipelineException inUse(Path folder, String holder) {
        return new PipelineException(folder + " is in use by another run (pid "
                + (holder.isEmpty() ? "unknown" : holder) + "); wait for it to end or give another --work-dir");
    }

    public Path path() {
        return dir;
    }

    /** What is in the folder besides the lock file, in name order. */
    private List<Path> data() throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> !p.getFileName().toString().equals(LOCK_FILE))
                    .sorted()
                    .toList();
        }
    }

    private void writeHolder(String text) throws IOException {
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), 0);
        channel.force(false);
    }

    /** Releases the folder; its data stays for the next run to find (and refuse without {@code --fresh}). */
    @Override
    public void close() {
        try {
            release();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release the lock on " + dir, e);
        }
    }

    private void release() throws IOException {
        try {
            if (lock.isValid()) {
                writeHolder("");
                lock.release();
            }
        } finally {
            closeQuietly(channel);
            HELD.remove(dir);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            // closing releases the lock; nothing more to do
        }
    }
}
