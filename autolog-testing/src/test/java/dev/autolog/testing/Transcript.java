package dev.autolog.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed transcript of the real MLflow 2.22.4 server ({@code src/test/resources/mlflow-2.22.4}).
 *
 * <p>Format: {@code >>> [label] METHOD TARGET BODY} or {@code >>> METHOD TARGET  <name: N bytes>} or
 * {@code >>> METHOD TARGET (Content-Type variant)}, optional response header lines, {@code <<< HTTP status}, the body,
 * then a blank line. The recorder printed each body followed by a newline and a blank line, so the body is the
 * text up to the next request, comment or trailer line, less one trailing {@code "\n\n"}. Lines starting with
 * {@code #} are comments; a non-request line after a comment is a note on the previous response.
 */
final class Transcript {

    /** The run id the real server gave in rest-transcript.txt; generated bodies use it before id mapping. */
    static final String REST_RUN_ID = "4e313189f5e4493094f82c4a108eac45";
    /** The client timestamp used throughout rest-transcript.txt. */
    static final long TS = 1795725471723L;

    record Entry(int line, String label, String method, String target, String inlineBody, String generatedName,
                 int generatedSize, String contentTypeVariant, String comment, List<String> expectedHeaders,
                 int status, String body, List<String> notes) {

        String describe() {
            String t = target.length() > 70 ? target.substring(0, 70) + "..." : target;
            return "line " + line + ": " + (label == null ? "" : "[" + label + "] ") + method + " " + t
                    + (generatedName != null ? " <" + generatedName + ">" : "")
                    + (contentTypeVariant != null ? " (" + contentTypeVariant + ")" : "") + " -> " + status;
        }
    }

    final List<Entry> entries;
    final String trailer;

    private Transcript(List<Entry> entries, String trailer) {
        this.entries = entries;
        this.trailer = trailer;
    }

    static Transcript load(String resource) throws IOException {
        try (InputStream in = Transcript.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("missing test resource " + resource);
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static final Pattern REQUEST = Pattern.compile(
            "^>>> (?:\\[(?<label>[^\\]]*)\\] )?(?<method>[A-Z]+) (?<target>\\S+)(?<rest>.*)$");
    private static final Pattern STATUS = Pattern.compile("^<<< HTTP (\\d{3})$");
    private static final Pattern GENERATED = Pattern.compile("^<(?<name>[^:,>]+)[:,] (?<size>\\d+) bytes>$");
    private static final Pattern TRAILER = Pattern.compile("^[A-Z_]+=\\S+( [A-Z_]+=\\S+)*$");

    static Transcript parse(String text) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        if (text.endsWith("\n")) {
            lines.remove(lines.size() - 1);
        }
        List<Entry> entries = new ArrayList<>();
        String comment = null;
        String trailer = null;
        int i = 0;
        while (i < lines.size()) {
            String line = lines.get(i);
            if (line.startsWith("######## ")) {
                comment = null;
                i++;
            } else if (line.startsWith("#")) {
                comment = line.substring(1).trim();
                i++;
                List<String> notes = new ArrayList<>();
                while (i < lines.size() && !lines.get(i).isEmpty() && !lines.get(i).startsWith(">>> ")
                        && !lines.get(i).startsWith("#") && !TRAILER.matcher(lines.get(i)).matches()) {
                    notes.add(lines.get(i));
                    i++;
                }
                if (!notes.isEmpty()) {
                    Entry prev = entries.remove(entries.size() - 1);
                    List<String> all = new ArrayList<>(prev.notes());
                    all.add(comment);
                    all.addAll(notes);
                    entries.add(new Entry(prev.line(), prev.label(), prev.method(), prev.target(), prev.inlineBody(),
                            prev.generatedName(), prev.generatedSize(), prev.contentTypeVariant(), prev.comment(),
                            prev.expectedHeaders(), prev.status(), prev.body(), List.copyOf(all)));
                    comment = null;
                }
            } else if (line.startsWith(">>> ")) {
                int start = i + 1;
                Matcher m = REQUEST.matcher(line);
                if (!m.matches()) {
                    throw new IllegalArgumentException("line " + start + ": cannot parse " + line);
                }
                String rest = m.group("rest").strip();
                String inline = null;
                String genName = null;
                int genSize = -1;
                String variant = null;
                if (rest.startsWith("(") && rest.endsWith(")")) {
                    variant = rest.substring(1, rest.length() - 1);
                } else if (rest.startsWith("<")) {
                    Matcher g = GENERATED.matcher(rest);
                    if (!g.matches()) {
                        throw new IllegalArgumentException("line " + start + ": cannot parse body " + rest);
                    }
                    genName = g.group("name");
                    genSize = Integer.parseInt(g.group("size"));
                } else if (!rest.isEmpty()) {
                    inline = m.group("rest").replaceFirst("^ {1,2}", "");
                }
                i++;
                List<String> headers = new ArrayList<>();
                while (!STATUS.matcher(lines.get(i)).matches()) {
                    headers.add(lines.get(i));
                    i++;
                }
                Matcher s = STATUS.matcher(lines.get(i));
                s.matches();
                int status = Integer.parseInt(s.group(1));
                i++;
                StringBuilder raw = new StringBuilder();
                while (i < lines.size() && !lines.get(i).startsWith(">>> ") && !lines.get(i).startsWith("#")
                        && !TRAILER.matcher(lines.get(i)).matches()) {
                    raw.append(lines.get(i)).append('\n');
                    i++;
                }
                if (raw.length() < 2 || !raw.toString().endsWith("\n\n")) {
                    throw new IllegalArgumentException("line " + start + ": response not followed by a blank line");
                }
                String body = raw.substring(0, raw.length() - 2);
                entries.add(new Entry(start, m.group("label"), m.group("method"), m.group("target"), inline, genName,
                        genSize, variant, comment, List.copyOf(headers), status, body, List.of()));
            } else if (TRAILER.matcher(line).matches()) {
                trailer = line;
                i++;
            } else if (line.isEmpty()) {
                i++;
            } else {
                throw new IllegalArgumentException("line " + (i + 1) + ": unexpected " + line);
            }
        }
        return new Transcript(List.copyOf(entries), trailer);
    }

    // ------------------------------------------------------------------------------------------ generated bodies

    /**
     * The body of a request that the transcript names instead of showing ({@code <m1001.json: 70913 bytes>}). The
     * recorder wrote them with Python's {@code json.dumps} (separators {@code ", "} and {@code ": "}) and a final
     * newline; the shapes below reproduce the recorded sizes to the byte, which the conformance test checks. The
     * names say the shape: m1001 = 1001 metrics, p101 = 101 params, t101 = 101 tags, e1001 = 950 metrics and 51
     * params, big.json = 900 metrics with a 200-character key and 100 tags of 8001 characters (over 1,000,000
     * bytes), p6000/p6001/lp6001/t8001 = a param or tag value of that many characters, k251 = a 251-character key.
     * The keys and values that the later {@code runs/get} shows ({@code m1000}, the 200 {@code k}s, {@code long_ok})
     * are the real ones; the others only need the right length.
     */
    static byte[] generated(String name, String runId) {
        String rid = "\"run_id\": \"" + runId + "\"";
        String body = switch (name) {
            case "m1001.json" -> "{" + rid + ", \"metrics\": [" + metrics(1001, i -> "m", i -> i + ".0", i -> TS) + "]}";
            case "m1000.json" -> "{" + rid + ", \"metrics\": [" + metrics(1000, i -> "m1000", i -> i + ".0", i -> TS) + "]}";
            case "p101.json" -> "{" + rid + ", \"params\": [" + keyValues(101, i -> "p" + i, i -> "v") + "]}";
            case "t101.json" -> "{" + rid + ", \"tags\": [" + keyValues(101, i -> "t" + i, i -> "v") + "]}";
            case "e1001.json" -> "{" + rid + ", \"metrics\": [" + metrics(950, i -> "e", i -> "1.0", i -> TS)
                    + "], \"params\": [" + keyValues(51, i -> "ep" + i, i -> "v") + "]}";
            case "big.json" -> "{" + rid + ", \"metrics\": [" + metrics(900, i -> "k".repeat(200), i -> "1.0", i -> 1L)
                    + "], \"tags\": [" + keyValues(100, i -> "t" + i, i -> "v".repeat(8001)) + "]}";
            case "p6000.json" -> "{" + rid + ", \"params\": [" + keyValues(1, i -> "long_ok", i -> "x".repeat(6000)) + "]}";
            case "p6001.json" -> "{" + rid + ", \"params\": [" + keyValues(1, i -> "long_cut", i -> "x".repeat(6001)) + "]}";
            case "lp6001.json" -> "{" + rid + ", \"key\": \"long_cut2\", \"value\": \"" + "x".repeat(6001) + "\"}";
            case "t8001.json" -> "{" + rid + ", \"tags\": [" + keyValues(1, i -> "long_tag", i -> "x".repeat(8001)) + "]}";
            case "k251.json" -> "{" + rid + ", \"params\": [" + keyValues(1, i -> "k".repeat(251), i -> "v") + "]}";
            case "file" -> "hello artifact";
            case "binary" -> null;
            default -> throw new IllegalArgumentException("no generator for " + name);
        };
        if (body == null) {
            byte[] b = new byte[70000];
            new Random(42).nextBytes(b);
            return b;
        }
        return (body + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private interface IntFn<T> {
        T apply(int i);
    }

    private static String metrics(int n, IntFn<String> key, IntFn<String> value, IntFn<Long> timestamp) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                out.append(", ");
            }
            out.append("{\"key\": \"").append(key.apply(i)).append("\", \"value\": ").append(value.apply(i))
                    .append(", \"timestamp\": ").append(timestamp.apply(i)).append(", \"step\": ").append(i).append('}');
        }
        return out.toString();
    }

    private static String keyValues(int n, IntFn<String> key, IntFn<String> value) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                out.append(", ");
            }
            out.append("{\"key\": \"").append(key.apply(i)).append("\", \"value\": \"").append(value.apply(i))
                    .append("\"}");
        }
        return out.toString();
    }
}
