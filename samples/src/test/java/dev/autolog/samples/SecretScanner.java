package dev.autolog.samples;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Searches outputs for planted secrets and says where each one turned up: which output, which line (or,
 * inside a zip, which entry and line), with the secret itself replaced by {@code <name>} so that the
 * failure message shows the context without repeating the value.
 *
 * <p>Every secret is searched in the forms it could take: as written, and base64-encoded both alone and
 * as the {@code user:secret} pair of an HTTP Basic header (which may appear in that header only).
 * Texts are read byte for byte (ISO-8859-1), so binary files are searched too; zip files (model
 * archives) are also searched entry by entry, since their entries are usually compressed.
 */
final class SecretScanner {
  private final Map<String, String> needles = new LinkedHashMap<>();
  private final List<String> findings = new ArrayList<>();
  private int searched;

  /** Adds {@code secret} under {@code name}; {@code user} (may be null) forms the Basic pair. */
  SecretScanner secret(String name, String secret, String user) {
    needles.put(name, secret);
    needles.put(name + " as base64", base64(secret));
    if (user != null) {
      needles.put(name + " in a base64 user:password pair", base64(user + ":" + secret));
    }
    return this;
  }

  static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Searches a text, reporting findings as {@code <where> line <n>}. */
  SecretScanner text(String where, String text) {
    searched++;
    if (text == null) {
      return this;
    }
    String[] lines = text.split("\r\n|\r|\n", -1);
    for (int i = 0; i < lines.length; i++) {
      for (Map.Entry<String, String> needle : needles.entrySet()) {
        if (lines[i].contains(needle.getValue())) {
          findings.add(needle.getKey() + " in " + where + " line " + (i + 1) + ": " + shown(lines[i]));
        }
      }
    }
    return this;
  }

  /** Searches bytes as text and, if they are a zip archive, every entry too. */
  SecretScanner bytes(String where, byte[] data) {
    text(where, new String(data, StandardCharsets.ISO_8859_1));
    if (data.length > 4 && data[0] == 'P' && data[1] == 'K' && data[2] == 3 && data[3] == 4) {
      try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(data))) {
        for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
          bytes(where + " (zip entry " + entry.getName() + ")", zip.readAllBytes());
        }
      } catch (IOException e) {
        findings.add(where + " looks like a zip archive but cannot be read: " + e);
      }
    }
    return this;
  }

  /** Searches every regular file below {@code dir} (nothing if it does not exist), and every file name. */
  SecretScanner tree(String what, Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return this;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.toList()) {
        String where = what + " " + dir.relativize(file);
        text(where + " (its path)", dir.relativize(file).toString());
        if (Files.isRegularFile(file)) {
          bytes(where, Files.readAllBytes(file));
        }
      }
    }
    return this;
  }

  /** How many outputs were searched: a guard against a scan that silently looked at nothing. */
  int searched() {
    return searched;
  }

  List<String> findings() {
    return List.copyOf(findings);
  }

  private String shown(String line) {
    String shown = line;
    for (Map.Entry<String, String> needle : needles.entrySet()) {
      shown = shown.replace(needle.getValue(), "<" + needle.getKey() + ">");
    }
    return shown.length() > 400 ? shown.substring(0, 400) + "..." : shown;
  }
}
