package dev.autolog.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Copies a process's standard output to a file as it comes, and remembers when the last of it came.
 * The sample jobs print their last line as {@code main} returns, so the time from then to the
 * process's end is what the JVM's exit took: shutdown hooks (the agent's among them) and the rest.
 */
final class OutputClock {
  private final InputStream in;
  private final Path file;
  private final Thread copier;
  private volatile long lastOutputNanos;
  private volatile IOException failure;

  private OutputClock(InputStream in, Path file) {
    this.in = in;
    this.file = file;
    this.copier = new Thread(this::copy, "output-clock");
    this.copier.setDaemon(true);
  }

  /** Starts copying {@code in} to {@code file}. */
  static OutputClock copy(InputStream in, Path file) {
    OutputClock clock = new OutputClock(in, file);
    clock.copier.start();
    return clock;
  }

  /** Waits for the output to end; then {@link System#nanoTime()} when its last bytes came (0 if none). */
  long lastOutputNanos() throws InterruptedException {
    copier.join();
    if (failure != null) {
      throw new UncheckedIOException("copying the output to " + file, failure);
    }
    return lastOutputNanos;
  }

  private void copy() {
    byte[] buffer = new byte[8192];
    try (InputStream source = in; OutputStream sink = Files.newOutputStream(file)) {
      for (int n; (n = source.read(buffer)) >= 0; ) {
        lastOutputNanos = System.nanoTime();
        sink.write(buffer, 0, n);
      }
    } catch (IOException e) {
      failure = e;
    }
  }
}
