package dev.autolog.core.delivery;

import dev.autolog.core.log.AgentLog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * One journal segment: an append-only file of {@link Op} records that could not reach the tracker
 * yet, the files its artifacts need, and how many of its records were delivered.
 *
 * <ul>
 *   <li>{@code <name>.journal}: a header line naming the tracker, then one record per line
 *       ({@link OpCodec}); locked by the process that writes or replays it.
 *   <li>{@code <name>.files/}: artifact and model files the records point to.
 *   <li>{@code <name>.acked}: the number of records delivered, replaced atomically after each.
 * </ul>
 *
 * Everything is created owner-only (700 directories, 600 files): records hold params and tags.
 * Not thread-safe; one thread uses a segment at a time.
 */
public final class Journal implements AutoCloseable {
  static final String SUFFIX = ".journal";
  private static final String HEADER = "AUTOLOG-JOURNAL 1 ";
  private static final DateTimeFormatter NAME_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss");

  private final Path file;
  private final Path filesDir;
  private final Path ackFile;
  private final String trackerId;
  private final FileChannel channel;
  private final FileLock lock;
  private long readOffset;
  private long lastRecordOffset;
  private long markOffset;
  private long records;
  private long acked;
  private long size;
  private int fileCounter;

  private Journal(Path file, String trackerId, FileChannel channel, FileLock lock) {
    this.file = file;
    String base = file.getFileName().toString();
    base = base.substring(0, base.length() - SUFFIX.length());
    this.filesDir = file.resolveSibling(base + ".files");
    this.ackFile = file.resolveSibling(base + ".acked");
    this.trackerId = trackerId;
    this.channel = channel;
    this.lock = lock;
  }

  /** Creates a new, locked segment in {@code dir} for the tracker {@code trackerId}. */
  static Journal create(Path dir, String trackerId) throws IOException {
    createPrivateDirectory(dir);
    String name = LocalDateTime.now(ZoneOffset.UTC).format(NAME_TIME) + "-" + ProcessHandle.current().pid() + "-"
        + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
    Path file = dir.resolve(name + SUFFIX);
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    restrictToOwner(file);
    Journal journal = new Journal(file, trackerId, channel, channel.lock());
    byte[] header = (HEADER + trackerId.replace('\n', ' ') + "\n").getBytes(StandardCharsets.UTF_8);
    journal.writeFully(header);
    journal.readOffset = header.length;
    journal.size = header.length;
    return journal;
  }

  /**
   * Opens an existing segment for replay, or returns null when another live process holds it.
   *
   * @throws IOException when the file is not a journal segment
   */
  static Journal openForReplay(Path file) throws IOException {
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // this JVM writes it
    }
    if (lock == null) {
      channel.close();
      return null;
    }
    try {
      byte[] first = readLine(channel, 0, 4096);
      String header = first == null ? "" : new String(first, StandardCharsets.UTF_8);
      if (!header.startsWith(HEADER)) {
        throw new IOException("not an autolog journal (no header line)");
      }
      Journal journal = new Journal(file, header.substring(HEADER.length()), channel, lock);
      journal.readOffset = first.length + 1;
      journal.size = channel.size();
      journal.acked = journal.readAcked();
      return journal;
    } catch (IOException | RuntimeException e) {
      lock.release();
      channel.close();
      throw e;
    }
  }

  /** The tracker a segment file is for, or null when it has no readable header. */
  static String readTrackerId(Path file) {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      byte[] first = readLine(channel, 0, 4096);
      String header = first == null ? "" : new String(first, StandardCharsets.UTF_8);
      return header.startsWith(HEADER) ? header.substring(HEADER.length()) : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** The tracker this segment's records are for, as {@code Tracker.describe()} said it. */
  String trackerId() {
    return trackerId;
  }

  /** The segment file. */
  Path file() {
    return file;
  }

  /** Bytes on disk: records plus the files they point to. */
  long size() {
    return size;
  }

  /** Appends {@code op}, first moving (when {@code ownsFiles}) or copying its files into the segment. */
  void append(Op op, boolean ownsFiles) throws IOException {
    Op stored = withFilesInSegment(op, ownsFiles);
    byte[] line = OpCodec.encode(stored, this::relativize);
    channel.position(channel.size());
    writeFully(line);
    size += line.length;
    records++;
  }

  /** Records appended by this process (replay: records read so far). */
  long records() {
    return records;
  }

  /**
   * Reads the next record after the last one read, or null at the end. Records that are torn or
   * corrupt are skipped with a warning.
   */
  Op next() throws IOException {
    while (true) {
      lastRecordOffset = readOffset;
      byte[] line = readLine(channel, readOffset, Integer.MAX_VALUE);
      if (line == null) {
        long end = channel.size();
        if (end > readOffset) {
          AgentLog.warn("skipped the torn last record of journal " + file + " (" + (end - readOffset)
              + " bytes without an end of line: the writing process ended in the middle of it)");
          readOffset = end;
        }
        return null;
      }
      readOffset += line.length + 1;
      Op op = OpCodec.decode(line, this::resolve);
      if (op != null) {
        return op;
      }
      AgentLog.warn("skipped a torn or corrupt record in journal " + file + " (" + line.length + " bytes)");
    }
  }

  /** Remembers the reading position, for {@link #reset}. */
  void mark() {
    markOffset = readOffset;
  }

  /** Goes back to the position {@link #mark} remembered: the records read since are read again. */
  void reset() {
    readOffset = markOffset;
  }

  /**
   * Reads the next record; when it is a batch, also the batches of the same run right behind it,
   * merged into one within MLflow's per-request limits. A job that logs a point at a time journals
   * a record per point; delivering them one request each would take minutes.
   *
   * @return the op and how many records it stands for, or null at the end
   */
  Group nextGroup() throws IOException {
    Op first = next();
    if (!(first instanceof Op.LogBatch batch)) {
      return first == null ? null : new Group(first, 1);
    }
    BatchMerger merged = new BatchMerger(batch);
    int records = 1;
    while (true) {
      Op following = next();
      if (following instanceof Op.LogBatch more && merged.add(more)) {
        records++;
      } else {
        if (following != null) {
          unread();
        }
        return new Group(merged.toOp(), records);
      }
    }
  }

  /** An op read from the journal and the number of records it stands for. */
  record Group(Op op, int records) {}

  /** Makes the record {@link #next} returned last the next one again (it could not be delivered yet). */
  void unread() {
    readOffset = lastRecordOffset;
  }

  /** Rewinds reading to the first record. */
  void rewind() throws IOException {
    byte[] first = readLine(channel, 0, 4096);
    readOffset = first == null ? 0 : first.length + 1;
  }

  /** How many records were delivered. */
  long acked() {
    return acked;
  }

  /** Records that the next {@code records} records were delivered: one write, however many. */
  void ack(int records) throws IOException {
    acked += records;
    Path tmp = ackFile.resolveSibling(ackFile.getFileName() + ".tmp");
    Files.writeString(tmp, Long.toString(acked) + "\n", StandardCharsets.US_ASCII);
    restrictToOwner(tmp);
    try {
      Files.move(tmp, ackFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, ackFile, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Unlocks and closes the segment, leaving its files for a later replay. */
  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException | RuntimeException ignored) {
      // closing the channel releases it too
    }
    try {
      channel.close();
    } catch (IOException ignored) {
      // nothing left to do
    }
  }

  /** Closes the segment and deletes it with its files: everything in it was delivered. */
  void delete() {
    close();
    try {
      Files.deleteIfExists(ackFile);
      if (Files.isDirectory(filesDir)) {
        try (Stream<Path> walk = Files.walk(filesDir)) {
          walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
      Files.deleteIfExists(file);
    } catch (IOException e) {
      AgentLog.warnOnce("journal-delete-" + file, "could not delete delivered journal " + file + ": " + e.getMessage());
    }
  }

  private long readAcked() {
    try {
      return Long.parseLong(Files.readString(ackFile, StandardCharsets.US_ASCII).trim());
    } catch (IOException | NumberFormatException e) {
      return 0; // nothing delivered yet, or an unreadable count: replay from the start (replay is idempotent)
    }
  }

  private Op withFilesInSegment(Op op, boolean ownsFiles) throws IOException {
    if (op instanceof Op.LogArtifact a) {
      return new Op.LogArtifact(a.runKey(), a.artifactPath(), keep(a.file(), ownsFiles));
    }
    if (op instanceof Op.LogModel m) {
      java.util.Map<String, Path> files = new java.util.LinkedHashMap<>();
      for (var e : m.model().files().entrySet()) {
        files.put(e.getKey(), keep(e.getValue(), ownsFiles));
      }
      var model = m.model();
      return new Op.LogModel(m.runKey(), new dev.autolog.core.tracking.ModelArtifact(model.artifactPath(), files,
          model.flavors(), model.modelUuid(), model.utcTimeCreated()));
    }
    return op;
  }

  private Path keep(Path source, boolean move) throws IOException {
    if (source.startsWith(filesDir)) {
      return source;
    }
    createPrivateDirectory(filesDir);
    Path target = filesDir.resolve((fileCounter++) + "-" + source.getFileName());
    if (move) {
      try {
        Files.move(source, target);
      } catch (IOException e) {
        Files.copy(source, target); // another file system
      }
    } else {
      Files.copy(source, target);
    }
    restrictToOwner(target);
    size += Files.size(target);
    return target;
  }

  private String relativize(Path path) {
    Path dir = file.getParent();
    return path.startsWith(dir) ? dir.relativize(path).toString().replace('\\', '/') : path.toString();
  }

  private Path resolve(String stored) {
    return file.getParent().resolve(stored);
  }

  private void writeFully(byte[] bytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  /** The bytes of the line starting at {@code offset} without its newline; null when none is complete. */
  private static byte[] readLine(FileChannel channel, long offset, int limit) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    long position = offset;
    while (line.size() <= limit) {
      buffer.clear();
      int n = channel.read(buffer, position);
      if (n <= 0) {
        return null; // no newline: the end of the file, or a record torn by a crash
      }
      byte[] array = buffer.array();
      for (int i = 0; i < n; i++) {
        if (array[i] == '\n') {
          line.write(array, 0, i);
          return line.toByteArray();
        }
      }
      line.write(array, 0, n);
      position += n;
    }
    return null;
  }

  /** Creates {@code dir} (and missing parents) readable by its owner only. */
  public static void createPrivateDirectory(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    try {
      Files.createDirectories(dir);
    } catch (FileAlreadyExistsException e) {
      // a race with another process: fine
    }
    restrictToOwner(dir);
  }

  private static void restrictToOwner(Path path) {
    try {
      boolean dir = Files.isDirectory(path);
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(dir ? "rwx------" : "rw-------"));
    } catch (UnsupportedOperationException | IOException e) {
      // Not a POSIX file system (Windows): the user's profile directory protects it instead.
    }
  }
}
