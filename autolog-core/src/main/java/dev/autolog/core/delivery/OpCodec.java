package dev.autolog.core.delivery;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.autolog.core.tracking.Metric;
import dev.autolog.core.tracking.ModelArtifact;
import dev.autolog.core.tracking.RunInfo;
import dev.autolog.core.tracking.RunStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.zip.CRC32;

/**
 * Writes and reads journal records: one line per record, {@code <crc32 as 8 hex digits> <json>}.
 * The checksum lets a reader tell a record torn by a crash or a full disk from a whole one.
 *
 * <p>File paths are stored relative to the journal directory, so a journal can be moved (or synced
 * from another mount point) as a whole.
 */
final class OpCodec {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, String>> STRINGS = new TypeReference<>() {};
  private static final TypeReference<Map<String, Map<String, Object>>> FLAVORS = new TypeReference<>() {};

  private OpCodec() {}

  /** The record line (with its trailing newline) for {@code op}; {@code relativize} maps file paths. */
  static byte[] encode(Op op, Function<Path, String> relativize) throws IOException {
    ObjectNode n = JSON.createObjectNode();
    n.put("run", op.runKey());
    if (op instanceof Op.CreateRun c) {
      n.put("op", "create").put("experiment", c.experimentName()).put("name", c.runName())
          .put("start", c.startTime()).put("parent", c.parentKey());
      n.set("tags", JSON.valueToTree(c.tags()));
    } else if (op instanceof Op.BindRun b) {
      n.put("op", "bind").put("id", b.info().runId()).put("experimentId", b.info().experimentId())
          .put("artifactUri", b.info().artifactUri());
    } else if (op instanceof Op.LogBatch b) {
      n.put("op", "batch");
      ArrayNode metrics = n.putArray("metrics");
      for (Metric m : b.metrics()) {
        ArrayNode point = metrics.addArray().add(m.key());
        // JSON has no NaN or infinities; their names survive a round trip through Double.parseDouble.
        if (Double.isFinite(m.value())) {
          point.add(m.value());
        } else {
          point.add(Double.toString(m.value()));
        }
        point.add(m.timestamp()).add(m.step());
      }
      n.set("params", JSON.valueToTree(b.params()));
      n.set("tags", JSON.valueToTree(b.tags()));
    } else if (op instanceof Op.UpdateRun u) {
      n.put("op", "status").put("status", u.status().name()).put("end", u.endTime());
    } else if (op instanceof Op.LogArtifact a) {
      n.put("op", "artifact").put("path", a.artifactPath()).put("file", relativize.apply(a.file()));
    } else if (op instanceof Op.LogModel m) {
      ModelArtifact model = m.model();
      n.put("op", "model").put("path", model.artifactPath()).put("uuid", model.modelUuid())
          .put("created", model.utcTimeCreated());
      ObjectNode files = n.putObject("files");
      model.files().forEach((name, file) -> files.put(name, relativize.apply(file)));
      n.set("flavors", JSON.valueToTree(model.flavors()));
    }
    byte[] json = JSON.writeValueAsBytes(n);
    byte[] line = new byte[9 + json.length + 1];
    System.arraycopy(hex(crc(json)), 0, line, 0, 8);
    line[8] = ' ';
    System.arraycopy(json, 0, line, 9, json.length);
    line[line.length - 1] = '\n';
    return line;
  }

  /**
   * The op of one record line (without its newline), or null when the line is torn or corrupt.
   * {@code resolve} maps stored file paths back to files.
   */
  static Op decode(byte[] line, Function<String, Path> resolve) {
    if (line.length < 10 || line[8] != ' ') {
      return null;
    }
    byte[] json = java.util.Arrays.copyOfRange(line, 9, line.length);
    if (!new String(line, 0, 8, StandardCharsets.US_ASCII).equals(new String(hex(crc(json)), StandardCharsets.US_ASCII))) {
      return null;
    }
    try {
      return toOp(JSON.readTree(json), resolve);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static Op toOp(JsonNode n, Function<String, Path> resolve) throws IOException {
    String run = n.get("run").asText();
    switch (n.get("op").asText()) {
      case "create":
        return new Op.CreateRun(run, text(n, "experiment"), n.get("name").asText(), n.get("start").asLong(),
            JSON.convertValue(n.get("tags"), STRINGS), text(n, "parent"));
      case "bind":
        return new Op.BindRun(run, new RunInfo(n.get("id").asText(), text(n, "experimentId"), text(n, "artifactUri")));
      case "batch":
        List<Metric> metrics = new ArrayList<>();
        for (JsonNode p : n.get("metrics")) {
          double value = p.get(1).isTextual() ? Double.parseDouble(p.get(1).asText()) : p.get(1).asDouble();
          metrics.add(new Metric(p.get(0).asText(), value, p.get(2).asLong(), p.get(3).asLong()));
        }
        return new Op.LogBatch(run, metrics, JSON.convertValue(n.get("params"), STRINGS),
            JSON.convertValue(n.get("tags"), STRINGS));
      case "status":
        JsonNode end = n.get("end");
        return new Op.UpdateRun(run, RunStatus.valueOf(n.get("status").asText()),
            end == null || end.isNull() ? null : end.asLong());
      case "artifact":
        return new Op.LogArtifact(run, n.get("path").asText(), resolve.apply(n.get("file").asText()));
      case "model":
        Map<String, Path> files = new LinkedHashMap<>();
        n.get("files").fields().forEachRemaining(f -> files.put(f.getKey(), resolve.apply(f.getValue().asText())));
        return new Op.LogModel(run, new ModelArtifact(n.get("path").asText(), files,
            JSON.convertValue(n.get("flavors"), FLAVORS), n.get("uuid").asText(), n.get("created").asText()));
      default:
        throw new IOException("unknown record kind " + n.get("op"));
    }
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static long crc(byte[] bytes) {
    CRC32 crc = new CRC32();
    crc.update(bytes);
    return crc.getValue();
  }

  private static byte[] hex(long value) {
    return String.format("%08x", value).getBytes(StandardCharsets.US_ASCII);
  }
}
